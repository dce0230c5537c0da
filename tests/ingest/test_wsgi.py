"""The endpoint ahead of the site (``ingest_first`` in ``wsgi.py``): its requests are answered before
Django's handler and middleware, with the answers the mounted endpoint gives; every other request,
and every request of a site that does not mount the endpoint, reaches the site unchanged."""

import io
import json
import uuid

import pytest
from django.core.wsgi import get_wsgi_application
from django.test import Client

from minisentry.ingest.wsgi import ingest_first

from ..conftest import single_backend
from .conftest import auth_header, envelope, event_envelope, gzipped, key_of, stored_ids

pytestmark = [pytest.mark.urls("tests.ingest.urls"), single_backend]
ENDPOINT_HEADERS = ("Content-Type", "X-Sentry-Error", "Allow", "Retry-After", "Vary", "Access-Control-Allow-Origin",
                    "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Expose-Headers")


class Site:
    """The site's WSGI application, counting the requests that reach it."""

    def __init__(self):
        self.application, self.reached = get_wsgi_application(), []

    def __call__(self, environ, start_response):
        self.reached.append(environ["PATH_INFO"])
        return self.application(environ, start_response)


def call(application, method: str, path: str, body: bytes = b"", **headers) -> tuple[int, dict, bytes]:
    """A request through ``application`` as gunicorn makes it: (status, headers, body)."""
    path, _, query = path.partition("?")
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "testserver",
               "REMOTE_ADDR": "127.0.0.1", "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
               "wsgi.url_scheme": "http", "wsgi.errors": io.StringIO(), "wsgi.version": (1, 0),
               "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False, **headers}
    answer = {}

    def start_response(status, response_headers, exc_info=None):
        answer.update(status=int(status.split()[0]), headers=dict(response_headers))

    chunks = application(environ, start_response)
    content = b"".join(chunks)
    getattr(chunks, "close", lambda: None)()
    return answer["status"], answer["headers"], content


def requests(project) -> dict[str, tuple]:
    """Requests of every kind the endpoint answers: (method, path, body, WSGI headers)."""
    key, url = key_of(project), f"/minisentry/api/{project.pk}/envelope/"
    auth = {"HTTP_X_SENTRY_AUTH": auth_header(key), "CONTENT_TYPE": "application/x-sentry-envelope"}
    origin = {"HTTP_ORIGIN": "http://testserver"}
    return {
        "an event": ("POST", url, event_envelope(), auth),
        "gzip": ("POST", url, gzipped(event_envelope()), {**auth, "HTTP_CONTENT_ENCODING": "gzip"}),
        "a transaction": ("POST", url, envelope(({"type": "transaction"}, b"{}")), auth),
        "an unknown key": ("POST", url, event_envelope(), {"HTTP_X_SENTRY_AUTH": auth_header(uuid.uuid4().hex)}),
        "no key": ("POST", url, event_envelope(), {}),
        "a GET": ("GET", url, b"", auth),
        "malformed": ("POST", url, b"not an envelope\n", auth),
        "truncated gzip": ("POST", url, gzipped(event_envelope())[:-10], {**auth, "HTTP_CONTENT_ENCODING": "gzip"}),
        "a preflight": ("OPTIONS", url, b"", {**origin, "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST"}),
        "a browser": ("POST", f"{url}?sentry_key={key}&sentry_version=7", event_envelope(),
                      {**origin, "CONTENT_TYPE": "text/plain;charset=UTF-8"}),
        "a foreign origin": ("POST", f"{url}?sentry_key={key}", event_envelope(),
                             {"HTTP_ORIGIN": "https://evil.example"}),
        "a store": ("POST", f"/minisentry/api/{project.pk}/store/", json.dumps({"message": "tea"}).encode(), auth),
        "a CSP report": ("POST", f"/minisentry/api/{project.pk}/security/?sentry_key={key}",
                         json.dumps({"csp-report": {"document-uri": "https://shop.example/",
                                                    "violated-directive": "script-src"}}).encode(),
                         {"CONTENT_TYPE": "application/csp-report"}),
    }


def test_the_endpoints_requests_are_answered_ahead_of_the_site(project):
    site = Site()
    first = ingest_first(site)
    for name, (method, path, body, headers) in requests(project).items():
        call(first, method, path, body, **headers)
        assert site.reached == [], name
    assert len(stored_ids()) == 5  # the event, the gzipped one, the browser's, the store's, the report


@pytest.mark.parametrize("name", [
    "an event", "gzip", "a transaction", "an unknown key", "no key", "a GET", "malformed", "truncated gzip",
    "a preflight", "a browser", "a foreign origin", "a store", "a CSP report"])
def test_each_answer_is_the_mounted_endpoints_own(project, name):
    method, path, body, headers = requests(project)[name]
    status, answer_headers, content = call(ingest_first(Site()), method, path, body, **headers)
    django = Client().generic(method, path, body, **headers)
    assert status == django.status_code, content
    assert content == django.content
    assert {h: answer_headers.get(h) for h in ENDPOINT_HEADERS} == {h: django.headers.get(h) for h in ENDPOINT_HEADERS}
    assert "Set-Cookie" not in answer_headers


def test_every_other_request_reaches_the_site_unchanged(project):
    site = Site()
    first = ingest_first(site)
    assert call(first, "GET", "/admin/login/")[0] == 200
    assert call(first, "POST", f"/minisentry/api/{project.pk}/nothing/", b"{}")[0] == 404
    assert call(first, "POST", "/minisentry/api/x/envelope/", b"{}")[0] == 404
    assert site.reached == ["/admin/login/", f"/minisentry/api/{project.pk}/nothing/", "/minisentry/api/x/envelope/"]


def test_a_host_the_site_does_not_serve_is_refused(project, settings):
    settings.ALLOWED_HOSTS = ["testserver"]
    method, path, body, headers = requests(project)["an event"]
    status, answer_headers, content = call(ingest_first(Site()), method, path, body, **headers,
                                           HTTP_HOST="evil.example")
    assert status == 400 and answer_headers["X-Sentry-Error"] == json.loads(content)["detail"]
    assert stored_ids() == set()


@pytest.mark.urls("tests.urls")
def test_a_site_that_does_not_mount_the_endpoint_answers_everything_itself(project):
    site = Site()
    method, path, body, headers = requests(project)["an event"]
    assert call(ingest_first(site), method, path, body, **headers)[0] == 404
    assert site.reached == [path] and stored_ids() == set()
