"""Who may send: a key in the ``X-Sentry-Auth`` header, the query or the envelope's ``dsn``;
unknown, disabled and foreign keys refused with Sentry's ``X-Sentry-Error``; no CSRF token asked,
no session or cookie set."""

import uuid

import pytest
from django.test import Client

from minisentry.models import Project, ProjectKey

from ..conftest import single_backend
from ..uihelpers import exception_event
from .conftest import event_envelope, key_of, post, stored_ids

pytestmark = [pytest.mark.urls("tests.ingest.urls"), single_backend]


def accepted(response, event) -> None:
    assert response.status_code == 200, response.content
    assert event["event_id"] in stored_ids()


def test_the_key_in_the_query_as_browsers_send_it(project):
    event = exception_event()
    client = Client(enforce_csrf_checks=True)
    query = f"?sentry_version=7&sentry_key={key_of(project)}&sentry_client=sentry.javascript.browser%2F9.0.0"
    response = post(client, project, event_envelope(event), key=None, query=query,
                    content_type="text/plain;charset=UTF-8")
    accepted(response, event)
    assert not response.cookies and "Set-Cookie" not in response


def test_the_key_in_the_envelope_header_dsn(client, project):
    event = exception_event()
    dsn = f"http://{key_of(project)}@testserver/minisentry/{project.pk}"
    accepted(post(client, project, event_envelope(event, header={"event_id": event["event_id"], "dsn": dsn}), key=None),
             event)


def test_the_key_in_an_authorization_header(client, project):
    event = exception_event()
    response = post(client, project, event_envelope(event), key=None,
                    HTTP_AUTHORIZATION=f"Sentry sentry_key={key_of(project)}, sentry_version=7")
    accepted(response, event)


@pytest.mark.parametrize("how, status, reason", [
    ("nothing", 401, "missing authorization information"),
    ("an unknown key", 401, "unknown public key"),
    ("a malformed key", 401, "bad sentry DSN public key"),
    ("a disabled key", 403, "the public key is disabled"),
    ("another project's key", 403, "is not one of project"),
    ("two different keys", 401, "multiple authorization payloads"),
    ("a dsn of another project", 400, "project id header mismatch"),
    ("a dsn with another key", 400, "public key header mismatch"),
])
def test_refused_keys(client, project, how, status, reason):
    event = exception_event()
    body, key, extra = event_envelope(event), "project", {}
    if how == "nothing":
        key = None
    elif how == "an unknown key":
        key = uuid.uuid4().hex
    elif how == "a malformed key":
        key = "not-a-key"
    elif how == "a disabled key":
        project.keys.update(is_active=False)
    elif how == "another project's key":
        other = Project.objects.create(name="Other", slug="other")
        key = ProjectKey.objects.create(project=other, public_key=uuid.uuid4().hex).public_key
    elif how == "two different keys":
        extra["query"] = f"?sentry_key={uuid.uuid4().hex}"
    elif how.startswith("a dsn"):
        other_id, other_key = (project.pk + 1, key_of(project)) if "project" in how else (project.pk, uuid.uuid4().hex)
        body = event_envelope(event, header={"dsn": f"http://{other_key}@testserver/minisentry/{other_id}"})
    response = post(client, project, body, key=key, **extra)
    assert response.status_code == status, response.content
    assert reason in response["X-Sentry-Error"] and reason in response.json()["detail"]
    assert stored_ids() == set()


def test_a_key_disabled_in_this_process_is_refused_at_once(client, project):
    first, second = exception_event(), exception_event()
    accepted(post(client, project, event_envelope(first)), first)
    key = project.keys.get()
    key.is_active = False
    key.save()
    assert post(client, project, event_envelope(second)).status_code == 403
    assert second["event_id"] not in stored_ids()


def test_a_key_created_elsewhere_works_at_once(client, project):
    """A key the process's copy does not know reloads the copy (at most once a second)."""
    event = exception_event()
    assert post(client, project, event_envelope(exception_event())).status_code == 200  # the copy is loaded
    fresh = ProjectKey.objects.bulk_create([ProjectKey(project=project, public_key=uuid.uuid4().hex)])[0]  # no signal
    accepted(post(client, project, event_envelope(event), key=fresh.public_key), event)
