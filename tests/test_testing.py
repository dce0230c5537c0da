"""``minisentry.testing``: the whole pipeline in the calling thread, inside the test's transaction."""

import logging

import pytest
import sentry_sdk
from sentry_sdk.integrations.logging import LoggingIntegration

import minisentry
from minisentry.capture import writer
from minisentry.models import Counter, Event, Issue
from minisentry.pipeline import steps
from minisentry.testing import store_events, synchronous

from .opshelpers import make_event


def test_store_events_returns_their_rows_in_order(db):
    events = [make_event("a"), make_event("b"), make_event("a")]
    rows = store_events(events)
    assert [r.event_id for r in rows] == [e["event_id"] for e in events]
    assert rows[0].issue_id == rows[2].issue_id != rows[1].issue_id
    assert rows[1].load()["message"] == "issue b"
    assert store_events(events[:1]) == rows[:1]  # stored before: its row, nothing twice
    assert Issue.objects.get(title="issue a").event_count == 2


def test_store_events_refuses_what_is_not_an_event(db):
    with pytest.raises(ValueError):
        store_events([make_event("a"), b"not json"])
    assert not Event.objects.exists()


@pytest.fixture
def sdk():
    sentry_sdk.init(before_send=minisentry.store(), integrations=[LoggingIntegration(event_level=logging.ERROR)])
    yield
    sentry_sdk.init()


def test_synchronous_hooks_store_at_once_in_the_tests_transaction(db, sdk):
    with synchronous():
        sentry_sdk.capture_message("stored at once")
        try:
            {}["sku"]
        except KeyError:
            sentry_sdk.capture_exception()
        # no flush: both are stored already, in this thread's (the test's) transaction
        assert sorted(Issue.objects.values_list("title", flat=True)) == ["KeyError: 'sku'", "stored at once"]
    assert Event.objects.count() == 2


def test_synchronous_raises_what_storing_raised_on_leaving(db, sdk, monkeypatch):
    def broken(backend, records):
        raise OSError("the blob store is full")

    monkeypatch.setattr(steps, "save", broken)
    with pytest.raises(OSError, match="is full"), synchronous():
        sentry_sdk.capture_message("lost")  # the hook never raises into the caller
    assert not Event.objects.exists()
    # counted in this thread's transaction: the writer thread has nothing to write into the next test's
    assert Counter.objects.get(name="dropped").value == 1
    assert not writer.writer._tallies.pending()
