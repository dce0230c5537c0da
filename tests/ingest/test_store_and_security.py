"""The older endpoints: ``store/`` (a JSON event, maybe base64 of it or of its zlib, maybe an
envelope) and ``security/`` (a browser's CSP report, with ``?sentry_key=``)."""

import base64
import gzip
import json
import zlib

import pytest

from minisentry.models import Event, Issue

from ..conftest import single_backend
from ..uihelpers import exception_event
from .conftest import event_envelope, key_of, post, stored_ids

pytestmark = [pytest.mark.urls("tests.ingest.urls"), single_backend]


@pytest.mark.parametrize("encode, headers", [
    (lambda data: data, {}),
    (base64.b64encode, {}),
    (lambda data: base64.b64encode(zlib.compress(data)), {}),
    (gzip.compress, {"HTTP_CONTENT_ENCODING": "gzip"}),
], ids=["json", "base64", "base64-zlib", "gzip"])
def test_a_json_event_to_store(client, project, encode, headers):
    event = exception_event()
    response = post(client, project, encode(json.dumps(event).encode()), endpoint="store",
                    content_type="application/json", **headers)
    assert response.status_code == 200, response.content
    assert stored_ids() == {event["event_id"]}
    assert Issue.objects.get().title == "ValueError: cart total is not a number"


def test_an_envelope_to_store(client, project):
    event = exception_event()
    assert post(client, project, event_envelope(event), endpoint="store").status_code == 200
    assert stored_ids() == {event["event_id"]}


@pytest.mark.parametrize("body, status, reason", [
    (b"", 400, "empty request body"),
    (b"!!! not base64 !!!", 400, "neither JSON nor base64"),
    (base64.b64encode(b"not zlib"), 400, "not valid zlib data"),
    (base64.b64encode(zlib.compress(b"{" + b" " * 3_000_000 + b"}")), 413, "over the limit"),
    (b'{"message": "cut', 400, "not a JSON object"),
])
def test_bad_store_bodies(client, project, body, status, reason):
    response = post(client, project, body, endpoint="store", content_type="application/json")
    assert response.status_code == status and reason in response["X-Sentry-Error"]
    assert stored_ids() == set()


REPORT = {"csp-report": {
    "document-uri": "https://shop.example/cart/", "violated-directive": "script-src 'self'",
    "blocked-uri": "inline", "original-policy": "script-src 'self'", "status-code": 200,
}}
LEVEL_3 = [{"type": "csp-violation", "url": "https://shop.example/cart/", "body": {
    "documentURL": "https://shop.example/cart/", "blockedURL": "https://cdn.evil.example/a.js",
    "effectiveDirective": "script-src-elem", "originalPolicy": "script-src 'self'", "disposition": "enforce",
}}]


@pytest.mark.parametrize("report, content_type, title", [
    (REPORT, "application/csp-report", "Blocked 'script' from 'inline:'"),  # as Sentry titles Chrome's "inline"
    (LEVEL_3, "application/json", "Blocked 'script' from 'cdn.evil.example'"),
])
def test_a_browsers_security_report(client, project, report, content_type, title):
    response = post(client, project, json.dumps(report).encode(), endpoint="security", key=None,
                    query=f"?sentry_key={key_of(project)}", content_type=content_type)
    assert response.status_code == 200, response.content
    assert len(stored_ids()) == 1
    issue = Issue.objects.get()
    assert issue.title == title and issue.project_id == project.pk
    assert Event.objects.get().load()["request"]["url"] == "https://shop.example/cart/"


def test_a_security_report_of_another_type_is_415(client, project):
    response = post(client, project, json.dumps(REPORT).encode(), endpoint="security", content_type="text/html")
    assert response.status_code == 415 and "Content-Type" in response["X-Sentry-Error"]
