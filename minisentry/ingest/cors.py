"""CORS for browsers (Relay's ``middlewares/cors.rs``): requests and preflights from a project's
allowed origins (one per line; ``*`` for any; none: the site's own ``ALLOWED_HOSTS``, any scheme
or port) may post, with the headers the browser SDKs send; the answers expose the headers the
SDKs read. A request without an ``Origin`` header (a server, ``curl``) is no browser's."""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.http.request import split_domain_port, validate_host

from .errors import forbidden
from .keys import ProjectInfo

ALLOW_HEADERS = "X-Sentry-Auth, Content-Type, Content-Encoding, sentry-trace, baggage, Authorization"
EXPOSE_HEADERS = "Retry-After, X-Sentry-Rate-Limits, X-Sentry-Error"
MAX_AGE = "3600"


def allowed(origin: str, project: ProjectInfo | None) -> bool:
    origin = origin.strip().rstrip("/").lower()
    if project is not None and project.origins is not None:
        return "*" in project.origins or origin in project.origins
    try:
        parts = urlsplit(origin)
        host, _ = split_domain_port(parts.netloc)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host) and validate_host(host, settings.ALLOWED_HOSTS)


def check(request, project: ProjectInfo | None) -> str | None:
    """The request's origin when a browser sent it (403 if it is not allowed), else None."""
    origin = request.META.get("HTTP_ORIGIN")
    if origin is None:
        return None
    if not allowed(origin, project):
        raise forbidden(f"the origin {ascii(origin[:200])} is not allowed to send events to this project")
    return origin


def decorate(response: HttpResponse, origin: str | None) -> HttpResponse:
    if origin is not None:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
        response["Vary"] = "Origin"
    return response


def preflight(origin: str) -> HttpResponse:
    response = decorate(HttpResponse(status=200), origin)
    response["Access-Control-Allow-Methods"] = "POST, OPTIONS"
    response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
    response["Access-Control-Max-Age"] = MAX_AGE
    return response
