"""After-store: ``issue_created`` and ``issue_regressed`` reach their receivers once the batch is
stored, with the issue and the event that created or reopened it; a receiver cannot break a store."""

from datetime import timedelta

import pytest

from minisentry.models import Issue
from minisentry.signals import issue_created, issue_regressed
from minisentry.testing import store_events

from ..opshelpers import NOW, make_event


@pytest.fixture
def heard():
    calls = []

    def receiver(signal, sender, **kwargs):
        calls.append((signal, sender, kwargs, Issue.objects.filter(pk=kwargs["issue_id"]).exists()))

    issue_created.connect(receiver)
    issue_regressed.connect(receiver)
    yield calls
    issue_created.disconnect(receiver)
    issue_regressed.disconnect(receiver)


def test_a_new_issue_and_a_regression_are_signalled_once_stored(db, heard):
    later, first = make_event("a", NOW), make_event("a", NOW - timedelta(minutes=1))
    store_events([later, first, make_event("b")])
    a, b = Issue.objects.get(title="issue a"), Issue.objects.get(title="issue b")
    assert heard == [
        (issue_created, Issue, {"issue_id": a.pk, "event_id": first["event_id"]}, True),
        (issue_created, Issue, {"issue_id": b.pk, "event_id": heard[1][2]["event_id"]}, True),
    ]
    heard.clear()
    store_events([make_event("a")])  # not new, not resolved: nothing
    assert heard == []
    Issue.objects.filter(pk=a.pk).update(status=Issue.Status.RESOLVED)
    reopening = make_event("a", NOW + timedelta(minutes=1))
    store_events([make_event("a", NOW + timedelta(minutes=2)), reopening])
    assert heard == [(issue_regressed, Issue, {"issue_id": a.pk, "event_id": reopening["event_id"]}, True)]


def test_a_receiver_that_raises_cannot_break_the_store(db, heard, caplog):
    def broken(**kwargs):
        raise RuntimeError("receiver bug")

    issue_created.connect(broken)
    try:
        [event] = store_events([make_event("a")])
    finally:
        issue_created.disconnect(broken)
    assert event.issue.title == "issue a"
    assert len(heard) == 1  # the other receivers still heard
    assert "receiver bug" in caplog.text
