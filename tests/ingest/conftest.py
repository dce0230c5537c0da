"""Fixtures of the ingest endpoint's tests: a project with a key, envelopes as SDKs write them,
and requests through Django's test client (``tests.ingest.urls`` mounts the endpoint)."""

import gzip
import json
import uuid

import pytest

import minisentry
from minisentry.ingest import keys, limits
from minisentry.models import Counter, Event, Project, ProjectKey

from ..uihelpers import exception_event


@pytest.fixture(autouse=True)
def fresh_endpoint_state():
    """Each test starts with no copy of the keys and no rate-limit windows (both per process)."""
    keys.keys._reset()
    limits.windows._reset()


@pytest.fixture
def project(backend):
    """A project of its own (``web``), with an active key; events are stored in ``backend``."""
    web = Project.objects.create(name="Web", slug="web")
    ProjectKey.objects.create(project=web, public_key=uuid.uuid4().hex, label="test")
    return web


def key_of(project) -> str:
    return project.keys.get().public_key


def envelope(*items: tuple[dict, bytes], header: dict | None = None) -> bytes:
    """An envelope: its header line, then each item's header line and payload."""
    lines = [json.dumps(header if header is not None else {}).encode()]
    for item_header, payload in items:
        lines += [json.dumps(item_header).encode(), payload]
    return b"\n".join(lines) + b"\n"


def event_envelope(event: dict | None = None, *, with_length: bool = True, header: dict | None = None) -> bytes:
    event = event or exception_event()
    payload = json.dumps(event).encode()
    item = {"type": "event", "length": len(payload)} if with_length else {"type": "event"}
    return envelope((item, payload), header={"event_id": event["event_id"]} if header is None else header)


def auth_header(public_key: str) -> str:
    return f"Sentry sentry_key={public_key}, sentry_version=7, sentry_client=tests/1.0"


def post(client, project, body: bytes, *, endpoint: str = "envelope", key: str | None = "project", query: str = "",
         content_type: str = "application/x-sentry-envelope", **headers):
    """POST ``body`` to the project's endpoint, authenticated by its key's header unless ``key`` is
    None (or another key given)."""
    if key is not None:
        headers["HTTP_X_SENTRY_AUTH"] = auth_header(key_of(project) if key == "project" else key)
    path = f"/minisentry/api/{project.pk}/{endpoint}/{query}"
    return client.generic("POST", path, body, content_type=content_type, **headers)


def gzipped(data: bytes) -> bytes:
    return gzip.compress(data)


def stored_ids() -> set[str]:
    assert minisentry.flush(30)
    return set(Event.objects.values_list("event_id", flat=True))


def counter(name: str) -> int:
    assert minisentry.flush(30)
    return Counter.objects.filter(name=name).values_list("value", flat=True).first() or 0
