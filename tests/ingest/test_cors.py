"""CORS for browsers: preflights and posts from a project's allowed origins (by default the
site's ``ALLOWED_HOSTS``), with the headers the browser SDKs send and read."""

import pytest

from ..conftest import single_backend
from ..uihelpers import exception_event
from .conftest import event_envelope, key_of, post, stored_ids

pytestmark = [pytest.mark.urls("tests.ingest.urls"), single_backend]


def preflight(client, project, origin: str):
    return client.options(
        f"/minisentry/api/{project.pk}/envelope/", HTTP_ORIGIN=origin,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST", HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type,sentry-trace",
    )


def browser_post(client, project, origin: str, body: bytes):
    query = f"?sentry_version=7&sentry_key={key_of(project)}"
    return post(client, project, body, key=None, query=query, content_type="text/plain;charset=UTF-8",
                HTTP_ORIGIN=origin)


@pytest.fixture
def shop_hosts(settings):
    settings.ALLOWED_HOSTS = ["testserver", "shop.example", ".cdn.example"]


def test_the_sites_own_origins_by_default(client, project, shop_hosts):
    for origin in ("https://shop.example", "http://shop.example:8000", "https://static.cdn.example"):
        response = preflight(client, project, origin)
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == origin
        assert "POST" in response["Access-Control-Allow-Methods"]
        allowed = {h.strip().lower() for h in response["Access-Control-Allow-Headers"].split(",")}
        assert {"x-sentry-auth", "content-type", "sentry-trace", "baggage"} <= allowed
    event = exception_event()
    response = browser_post(client, project, "https://shop.example", event_envelope(event))
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "https://shop.example"
    exposed = {h.strip() for h in response["Access-Control-Expose-Headers"].split(",")}
    assert {"Retry-After", "X-Sentry-Rate-Limits"} <= exposed
    assert stored_ids() == {event["event_id"]}


def test_other_origins_are_refused(client, project, shop_hosts):
    response = preflight(client, project, "https://evil.example")
    assert response.status_code == 403 and "Access-Control-Allow-Origin" not in response
    response = browser_post(client, project, "https://evil.example", event_envelope())
    assert response.status_code == 403 and "is not allowed" in response["X-Sentry-Error"]
    assert stored_ids() == set()


def test_a_projects_own_origins(client, project, shop_hosts):
    project.allowed_origins = "https://app.example\nhttp://localhost:3000/\n"
    project.save()
    assert preflight(client, project, "https://app.example").status_code == 200
    assert preflight(client, project, "http://localhost:3000").status_code == 200
    assert preflight(client, project, "https://shop.example").status_code == 403
    project.allowed_origins = "*"
    project.save()
    assert preflight(client, project, "https://anywhere.example").status_code == 200


def test_a_refusal_still_carries_the_cors_headers_a_browser_needs(client, project, shop_hosts):
    key = project.keys.get()
    key.rate_limit = 0
    key.save()
    response = browser_post(client, project, "https://shop.example", event_envelope())
    assert response.status_code == 429
    assert response["Access-Control-Allow-Origin"] == "https://shop.example"
    assert "X-Sentry-Rate-Limits" in response["Access-Control-Expose-Headers"]
