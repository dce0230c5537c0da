"""Envelopes as Relay takes them, through Django's test client: items by length or by newline,
several items, events stored as the hook stores them, other items counted, an empty envelope."""

import json

import pytest

from minisentry.models import Event, Issue

from ..conftest import single_backend
from ..uihelpers import exception_event
from .conftest import counter, envelope, event_envelope, post, stored_ids

pytestmark = [pytest.mark.urls("tests.ingest.urls"), single_backend]


@pytest.mark.parametrize("with_length", [True, False], ids=["length", "newline"])
def test_an_event_item_is_stored_under_its_project(client, project, with_length):
    event = exception_event()
    response = post(client, project, event_envelope(event, with_length=with_length))
    assert response.status_code == 200, response.content
    assert response.json() == {"id": event["event_id"]}
    assert stored_ids() == {event["event_id"]}
    issue = Issue.objects.get()
    assert issue.title == "ValueError: cart total is not a number"
    assert issue.project_id == project.pk


def test_other_items_are_accepted_and_counted_by_type(client, project):
    event = exception_event()
    payload = json.dumps(event).encode()
    body = envelope(
        ({"type": "session"}, b'{"sid": "x", "status": "ok"}'),
        ({"type": "event", "length": len(payload)}, payload),
        ({"type": "attachment", "length": 5, "filename": "a.txt"}, b"he\nlo"),
        ({"type": "transaction"}, b'{"type": "transaction"}'),
        ({"type": "client_report"}, b"{}"),
        ({"type": "replay_recording", "length": 3}, b"\x00\xff\n"),
        ({"type": "made_up_by_a_future_sdk"}, b"{}"),
        header={"event_id": event["event_id"]},
    )
    assert post(client, project, body).status_code == 200
    assert stored_ids() == {event["event_id"]}
    for kind in ("session", "attachment", "transaction", "client_report", "replay_recording", "unknown"):
        assert counter(f"ingest:{kind}") == 1, kind


def test_an_envelope_of_sessions_only_is_accepted_and_stores_nothing(client, project):
    body = envelope(({"type": "sessions"}, b'{"aggregates": []}'), ({"type": "log"}, b'{"items": []}'))
    response = post(client, project, body)
    assert response.status_code == 200 and response.json() == {}
    assert stored_ids() == set()
    assert counter("ingest:sessions") == counter("ingest:log") == 1


@pytest.mark.parametrize("body", [b"{}", b"{}\n", b'{"event_id": "9ec79c33ec9942ab8353589fcb2e04dc"}\n\n'])
def test_an_empty_envelope_is_accepted(client, project, body):
    response = post(client, project, body)
    assert response.status_code == 200
    assert stored_ids() == set()


def test_the_last_item_may_end_without_a_newline(client, project):
    event = exception_event()
    body = event_envelope(event, with_length=False).rstrip(b"\n")
    assert post(client, project, body).status_code == 200
    assert stored_ids() == {event["event_id"]}


def test_a_security_item_is_stored_titled_as_sentry_titles_it(client, project):
    report = {"csp-report": {
        "document-uri": "https://shop.example/checkout/", "violated-directive": "script-src 'self'",
        "effective-directive": "script-src", "blocked-uri": "https://evil.example/x.js",
        "original-policy": "script-src 'self'; report-uri /csp/",
    }}
    body = envelope(({"type": "security"}, json.dumps(report).encode()))
    assert post(client, project, body).status_code == 200
    assert stored_ids() and Issue.objects.get().title == "Blocked 'script' from 'evil.example'"


def test_events_over_the_limit_of_the_store_hook_are_not_a_problem(client, project, settings):
    """A body well over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` (read as a stream) is accepted."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    event = exception_event(extra={"blob": "x" * 200_000})
    assert post(client, project, event_envelope(event)).status_code == 200
    assert stored_ids() == {event["event_id"]}
    assert Event.objects.get().blob_size > 0
