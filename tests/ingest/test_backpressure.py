"""Backpressure and fairness: rate limits per key and per project (429 with ``Retry-After`` and
``X-Sentry-Rate-Limits`` as Relay writes them), a full share of the writer's queue (429, counted),
the site's own events keeping the rest of the queue, and a database that does not answer (503 in
bounded time, never a hang)."""

import threading
import time

import pytest

import minisentry
from minisentry.capture.writer import writer
from minisentry.ingest import keys

from ..conftest import single_backend
from ..uihelpers import exception_event
from .conftest import counter, event_envelope, key_of, post, stored_ids

pytestmark = [pytest.mark.urls("tests.ingest.urls"), single_backend]


def send(client, project, n: int) -> list:
    return [post(client, project, event_envelope()) for _ in range(n)]


def assert_rate_limited(response, scope: str) -> None:
    assert response.status_code == 429
    retry = int(response["Retry-After"])
    assert 1 <= retry <= 60
    assert response["X-Sentry-Rate-Limits"] == f"{retry}:error;default;security:{scope}:{scope}_quota"
    assert "rate limit of" in response["X-Sentry-Error"]


def test_a_key_rate_limit(client, project):
    key = project.keys.get()
    key.rate_limit = 3
    key.save()
    responses = send(client, project, 5)
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    assert_rate_limited(responses[-1], "key")
    assert len(stored_ids()) == 3
    assert counter("ingest:rate_limited") == 2


def test_a_project_rate_limit_covers_all_its_keys(client, project):
    project.rate_limit = 2
    project.save()
    first = key_of(project)
    second = project.keys.create(public_key="ab" * 16).public_key
    codes = [post(client, project, event_envelope(), key=k).status_code for k in (first, second, first)]
    assert codes == [200, 200, 429]
    assert_rate_limited(post(client, project, event_envelope(), key=second), "project")
    assert len(stored_ids()) == 2


def test_a_full_share_of_the_queue_is_429_and_the_site_keeps_the_rest(client, project, settings):
    """While the writer is busy, the endpoint fills its share (half of 10 events) and is refused;
    the site's own hook still queues into the other half."""
    settings.MINISENTRY_QUEUE_SIZE = 10
    settings.MINISENTRY_INGEST_QUEUE_SHARE = 0.5
    with writer._work:  # the writer thread waits for this to handle a batch
        codes = [r.status_code for r in send(client, project, 7)]
        hooked = [minisentry.store()(exception_event(), {}) for _ in range(4)]
        full = post(client, project, event_envelope())
        unread = post(client, project, b"not gzip at all", HTTP_CONTENT_ENCODING="gzip")  # 400 once read
    assert codes == [200] * 5 + [429] * 2
    assert unread.status_code == 429  # refused before its body was read: a flood costs little of the writer's CPU
    assert full.status_code == 429 and full["Retry-After"] == "1"
    assert full["X-Sentry-Rate-Limits"] == "1:error;default;security:organization:queue_full"
    assert hooked == [None] * 4
    assert len(stored_ids()) == 5 + 4
    assert counter("ingest:queue_full") == 4 and minisentry.stats()["ingest"]["queue_full"] >= 4
    assert counter("dropped") == 0


def test_a_database_that_does_not_answer_is_503_in_bounded_time(client, project, settings, monkeypatch):
    """No copy of the keys and a database that hangs: 503 with Retry-After after
    ``INGEST_DB_TIMEOUT``; with a copy, events go on being accepted."""
    settings.MINISENTRY_INGEST_DB_TIMEOUT = 0.3
    release = threading.Event()
    loaded = keys.load

    def hanging_load():
        release.wait(30)
        return loaded()

    monkeypatch.setattr(keys, "load", hanging_load)
    try:
        started = time.monotonic()
        response = post(client, project, event_envelope())
        assert time.monotonic() - started < 2
        assert response.status_code == 503 and response["Retry-After"] == "10"
    finally:
        release.set()
    monkeypatch.setattr(keys, "load", loaded)
    keys.keys._reset()
    assert post(client, project, event_envelope()).status_code == 200  # the copy is loaded
    monkeypatch.setattr(keys, "load", hanging_load)
    release.clear()
    try:
        settings.MINISENTRY_INGEST_KEY_CACHE_SECONDS = 0  # every request wants a fresh copy
        started = time.monotonic()
        codes = [post(client, project, event_envelope()).status_code for _ in range(5)]
        assert codes == [200] * 5
        assert time.monotonic() - started < 2
    finally:
        release.set()
    assert len(stored_ids()) == 6


def test_a_locked_key_table_on_postgresql_is_503_in_bounded_time(client, project, settings):
    """Another transaction holds the key table locked: the request is answered within
    ``INGEST_DB_TIMEOUT`` (the load waits on in its own thread), then served once it is free."""
    from django.db import connections

    if connections["default"].vendor != "postgresql":
        pytest.skip("SQLite readers are not blocked by a writer (WAL)")
    import psycopg

    settings.MINISENTRY_INGEST_DB_TIMEOUT = 0.5
    params = connections["default"].get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    key = key_of(project)
    with psycopg.connect(**params) as locker:
        locker.execute("LOCK TABLE minisentry_projectkey IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        response = post(client, project, event_envelope(), key=key)
        assert response.status_code == 503 and time.monotonic() - started < 3
    deadline = time.monotonic() + 10
    while (response := post(client, project, event_envelope(), key=key)).status_code == 503 \
            and time.monotonic() < deadline:
        time.sleep(0.2)
    assert response.status_code == 200
