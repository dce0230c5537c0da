"""JSON answers as Sentry's API gives them: ``{"detail": …}`` for an error, ``Link`` headers for pages."""

import orjson
from django.http import HttpResponse


def answer(data, status: int = 200, **headers) -> HttpResponse:
    response = HttpResponse(orjson.dumps(data), status=status, content_type="application/json")
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def error(detail: str, status: int, **headers) -> HttpResponse:
    return answer({"detail": detail}, status, **headers)


def link_header(request, previous: str | None, following: str | None) -> str:
    """Sentry's ``Link``: the previous and next pages' cursors, ``results`` saying whether each has any."""
    base = request.build_absolute_uri(request.path)
    params = request.GET.copy()

    def part(rel: str, cursor: str | None) -> str:
        params["cursor"] = cursor or ""
        return f'<{base}?{params.urlencode()}>; rel="{rel}"; results="{"true" if cursor else "false"}"; ' \
               f'cursor="{cursor or ""}"'

    return f"{part('previous', previous)}, {part('next', following)}"
