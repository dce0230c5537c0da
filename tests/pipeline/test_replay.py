"""Replayed events take the pipeline every event takes: alerts and the storm sampler's counts."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import override_settings

import minisentry
from minisentry.capture import spool
from minisentry.models import Counter, Event, Issue
from minisentry.ops.outbox import outbox
from minisentry.pipeline import storm

from ..opshelpers import NOW, Sink, make_event


@pytest.fixture
def spool_dir(tmp_path):
    with override_settings(MINISENTRY_SPOOL_DIR=str(tmp_path / "spool")):
        yield


def alerting(sink: Sink):
    return override_settings(MINISENTRY_ALERTS={"emails": ["ops@example.com"], "webhook_url": f"{sink.url}/hook"})


def events(n: int, issue: str) -> list[dict]:
    return [make_event(issue, NOW - timedelta(seconds=n - i)) for i in range(n)]


def test_an_issue_first_stored_by_replay_alerts_exactly_once(db, spool_dir, mailoutbox):
    spooled = events(10, "a")
    with Sink() as sink, alerting(sink):
        assert spool.write(spooled[:5]) == 0
        call_command("minisentry_replay")
        assert spool.write(spooled) == 0  # five again (two writers spooled them), five more
        call_command("minisentry_replay")
        assert outbox.flush(10)
        assert [m.subject for m in mailoutbox] == ["[minisentry] New issue: issue a"]
        assert len(sink.requests) == 1
    assert Issue.objects.get().event_count == 10 and Event.objects.count() == 10


@override_settings(MINISENTRY_STORM={"events_per_minute": 5, "keep_one_in": 10})
def test_a_replayed_storm_is_sampled_and_counted_like_a_live_one(db, spool_dir, monkeypatch, capsys):
    monkeypatch.setattr(storm.sampler, "clock", lambda: 1000.0)
    before = minisentry.stats()["sampled_out"]
    assert spool.write(events(30, "a")) == 0
    call_command("minisentry_replay")
    [issue] = Issue.objects.all()
    kept = 5 + 2  # the first five, then the 10th and 20th past the rate
    assert issue.event_count == 30 and Event.objects.count() == kept
    assert issue.sampled_out == 30 - kept == Counter.objects.get(name="sampled_out").value
    assert minisentry.stats()["sampled_out"] - before == 30 - kept
    assert "30 stored, 0 already stored" in capsys.readouterr().out


@pytest.mark.parametrize("backend", ["filesystem"], indirect=True)
def test_the_writer_replaying_the_spool_alerts_about_its_new_issues(backend, mailoutbox):
    """The writer stores the spool again after a success: the issue only the spool held alerts
    once, from the alerts' own thread."""
    with Sink() as sink, alerting(sink):
        assert spool.write(events(3, "spooled")) == 0
        hook = minisentry.store()
        for event in events(2, "live"):
            hook(event, {})
        assert minisentry.flush(30)
        assert not spool.files()
        assert outbox.flush(10)
        assert sorted(m.subject for m in mailoutbox) == [
            "[minisentry] New issue: issue live", "[minisentry] New issue: issue spooled",
        ]
        assert len(sink.requests) == 2
