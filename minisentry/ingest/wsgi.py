"""The endpoint ahead of the site, for sites that take many events: in the site's ``wsgi.py``,
``application = ingest_first(get_wsgi_application())`` answers the endpoint's requests before
Django's request handling, its middleware, and whatever wraps the site (sentry-sdk instruments
every request, at several times the endpoint's own cost). The answers are the endpoint's own, as
``urls`` mounts it (which stays needed: its URLs are found there); the host is checked against
``ALLOWED_HOSTS`` as Django checks it. Every other request goes to the site unchanged."""

from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.urls import NoReverseMatch, Resolver404, get_script_prefix, resolve, reverse

from .errors import bad, failed


class IngestFirst:
    """A WSGI application: the endpoint's requests answered here, the others by ``application``."""

    def __init__(self, application):
        self.application = application
        self._prefix: str | None = None

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith(self.prefix) or (match := _match(path)) is None:
            return self.application(environ, start_response)
        try:
            request = WSGIRequest(environ)
            request.get_host()  # DisallowedHost for a host not in ALLOWED_HOSTS, as Django's middleware checks
            response = match.func(request, **match.kwargs)
        except DisallowedHost:
            response = bad("the Host header is not one of the site's").response()
        except Exception:
            response = failed()
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return [response.content]

    @property
    def prefix(self) -> str:
        """Where the endpoint is mounted (``/minisentry/api/``), read from the URLconf once; a prefix
        no path has when it is not mounted."""
        if self._prefix is None:
            try:
                url = reverse("minisentry_ingest:envelope", kwargs={"project_id": 0})
            except NoReverseMatch:
                self._prefix = "\0"
            else:
                self._prefix = "/" + url.removeprefix(get_script_prefix()).removesuffix("0/envelope/")
        return self._prefix


def _match(path: str):
    """The site's URLconf's match of ``path`` when it is one of the endpoint's URLs, else None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match if match.app_names[-1:] == ["minisentry_ingest"] else None


def ingest_first(application) -> IngestFirst:
    return IngestFirst(application)
