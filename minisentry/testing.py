"""Storing events in tests without the writer thread: the whole pipeline (prepare, store,
after-store) runs in the calling thread, inside the test's transaction, so tests need neither
``transactional_db`` nor ``minisentry.flush()``. For minisentry's tests and your project's::

    from minisentry.testing import store_events, synchronous

    def test_grouping(db):                      # pytest-django; or in a django.test.TestCase
        first, second = store_events([event_a, event_b])   # their Event rows
        assert first.issue_id == second.issue_id

    def test_the_view_error_is_stored(db, client):
        with synchronous():                     # every minisentry.store() hook stores at once
            client.get("/boom/")
        assert Issue.objects.count() == 1

Events are dicts as sentry-sdk hands them to ``before_send`` (or their JSON); the pipeline reads
them as the hook would, so do not change them afterwards. The signals of
``minisentry.signals`` are sent as the store's savepoint is released, and alerts go out from
the calling thread (into Django's test mail outbox). An event an error storm counts without
storing (``MINISENTRY_STORM``) has no row. Within ``synchronous()``, an event the hook could not
capture is counted as dropped in the calling thread too (the ``dropped`` counter), never by the
writer thread's own connection, which would write outside the test's transaction.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from .capture import writer
from .models import Event
from .pipeline import steps as pipeline

__all__ = ["store_events", "synchronous"]


def store_events(events: Iterable[dict | bytes]) -> list[Event]:
    """Store the events as one batch through the pipeline, in this thread; return their
    ``Event`` rows in the order given (events stored before included, sampled-out ones left
    out). Raises ValueError, storing nothing, if one is not an event."""
    records = [pipeline.prepare(event) for event in events]
    pipeline.store(records)
    rows = Event.objects.in_bulk([r.event_id for r in records])
    return [rows[r.event_id] for r in records if r.event_id in rows]


@contextmanager
def synchronous() -> Iterator[None]:
    """Within it, ``minisentry.store()`` hooks store each event at once in the calling thread
    (instead of queuing it for the writer). The first exception storing raised is raised again
    on leaving the block (the hook itself, as always, never raises into the code capturing)."""
    errors = []

    def enqueue(payload: bytes | dict) -> bool:
        try:
            pipeline.run([payload])
        except Exception as exc:
            errors.append(exc)
            raise
        return True

    def count_dropped(n: int, reason: str) -> None:  # the hook calls it from its own except clause
        try:
            pipeline.count("dropped", n)
        except Exception as exc:
            errors.append(exc)

    queued, counted = writer.enqueue, writer.count_dropped
    writer.enqueue, writer.count_dropped = enqueue, count_dropped
    try:
        yield
    finally:
        writer.enqueue, writer.count_dropped = queued, counted
    if errors:
        raise errors[0]
