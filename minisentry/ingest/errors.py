"""The endpoint's refusals: each a status, a reason said in the body (``{"detail": …}``, as Relay
answers) and in Sentry's ``X-Sentry-Error`` header, and the headers a client obeys (``Retry-After``,
``X-Sentry-Rate-Limits``); and the answer to a request the endpoint failed on."""

import logging

from django.http import JsonResponse

logger = logging.getLogger("minisentry")


class Refused(Exception):
    """A request the endpoint answers with a 4xx (or a 503), never logged as an error."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers or {}

    def response(self) -> JsonResponse:
        response = JsonResponse({"detail": self.detail}, status=self.status)
        response["X-Sentry-Error"] = self.detail
        for name, value in self.headers.items():
            response[name] = value
        return response


def bad(detail: str) -> Refused:
    return Refused(400, detail)


def too_large(detail: str) -> Refused:
    return Refused(413, detail)


def unauthorized(detail: str) -> Refused:
    return Refused(401, detail)


def forbidden(detail: str) -> Refused:
    return Refused(403, detail)


def failed() -> JsonResponse:
    """The answer to a request the endpoint failed on (called in an ``except``): a fault of ours,
    logged with its traceback, and still no 500 for the client."""
    logger.exception("minisentry: the ingest endpoint failed on a request")
    return bad("the request could not be handled").response()
