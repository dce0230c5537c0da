"""minisentry_cleanup: retention by age, count per issue and size, orphans, concurrency, reruns."""

import io
import threading
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings

import minisentry
from minisentry.backends.keys import blob_key, segment_key
from minisentry.models import Event, Issue, IssueHourlyCount, IssueTag, Segment

from ..opshelpers import NOW, capture, make_event


def cleanup(*args: str, tty: bool = False) -> str:
    out = io.StringIO()
    out.isatty = lambda: tty
    call_command("minisentry_cleanup", *args, stdout=out)
    return out.getvalue()


def counts() -> dict:
    return {
        "issues": dict(Issue.objects.values_list("pk", "event_count")),
        "hourly": IssueHourlyCount.objects.aggregate(n=Sum("count"))["n"],
        "tags": IssueTag.objects.aggregate(n=Sum("count"))["n"],
    }


def assert_consistent(backend) -> None:
    """Every row's blob loads and every blob has its row."""
    rows = {e.blob_key for e in Event.objects.all()}
    assert {key for key, _ in backend.iter_blobs()} == rows
    for event in Event.objects.all():
        assert event.load()["event_id"] == event.event_id


def test_max_age_zero_removes_every_blob_and_keeps_counts(backend):
    for issue in "abc":
        capture(10, issue, days_ago=issue == "c")
    before = counts()
    assert "Deleted 30 event(s) older than 0 days." in cleanup("--max-age-days", "0")
    assert not Event.objects.exists()
    assert list(backend.iter_blobs()) == []
    assert counts() == before and sorted(before["issues"].values()) == [10, 10, 10]


def test_max_age_keeps_recent_events(backend):
    capture(5, "a", days_ago=10)
    recent = capture(5, "a", days_ago=1)
    cleanup("--max-age-days", "5")
    assert set(Event.objects.values_list("pk", flat=True)) == {e["event_id"] for e in recent}
    assert Issue.objects.get().event_count == 10
    assert_consistent(backend)


def test_max_events_per_issue_keeps_first_and_latest(backend):
    events = capture(12, "a", days_ago=2)
    others = capture(2, "b", days_ago=2)
    assert "Deleted 9 event(s) beyond 3 per issue." in cleanup("--max-events-per-issue", "3")
    kept = {events[0]["event_id"], events[-2]["event_id"], events[-1]["event_id"]}
    assert set(Event.objects.values_list("pk", flat=True)) == kept | {e["event_id"] for e in others}
    assert_consistent(backend)
    with pytest.raises(Exception, match="at least 2"):
        cleanup("--max-events-per-issue", "1")


def test_max_total_bytes_deletes_oldest_first(backend):
    capture(20, "a", days_ago=3)
    sizes = list(Event.objects.order_by("-timestamp").values_list("blob_size", flat=True))
    limit = sum(sizes[:8])
    cleanup("--max-total-bytes", str(limit))
    assert Event.objects.count() == 8
    assert Event.objects.aggregate(n=Sum("blob_size"))["n"] <= limit
    assert Issue.objects.get().event_count == 20
    assert_consistent(backend)


def test_dry_run_and_defaults_from_settings(backend):
    capture(4, "a", days_ago=10)
    assert "Nothing to do" in cleanup()
    with override_settings(MINISENTRY_RETENTION={"max_age_days": 7}):
        assert "Would delete 4 event(s) older than 7 days." in cleanup("--dry-run")
        assert Event.objects.count() == 4
        cleanup()
    assert not Event.objects.exists()


def test_progress_bar_on_a_terminal_plain_lines_otherwise(backend):
    capture(30, "a", days_ago=10)
    with mock.patch("minisentry.ops.deletion.DELETE_BATCH", 10):
        bar = cleanup("--max-age-days", "1", tty=True)
    assert "\rDeleting [" + "#" * 10 + "." * 20 + "] 10/30" in bar
    assert "\rDeleting [" + "#" * 30 + "] 30/30\n" in bar
    capture(30, "b", days_ago=20)
    plain = cleanup("--max-age-days", "1")
    assert "\r" not in plain and "Deleting: 30/30\n" in plain


def test_writer_stores_into_a_date_folder_a_cleanup_pruned(backend):
    if backend.kind != "filesystem":
        pytest.skip("only the filesystem store has folders")
    hook, when = minisentry.store(), NOW - timedelta(days=10)
    for _ in range(2):  # the same date folder and the same "ab" folder twice
        hook(make_event("a", when, event_id="ab" + uuid.uuid4().hex[2:]), {})
        assert minisentry.flush(60)
        cleanup("--max-age-days", "1")
    assert Issue.objects.get().event_count == 2


def test_orphans_are_found_and_removed(backend):
    capture(5, "a", days_ago=3)
    lost = capture(1, "a", days_ago=2)[0]  # a segment of its own (one flush, one batch)
    old, recent = blob_key(uuid.uuid4().hex, NOW - timedelta(days=30)), blob_key(uuid.uuid4().hex, NOW)
    old_segment, recent_segment = segment_key(NOW - timedelta(days=2)), segment_key(NOW)
    backend.write_blobs({old: b"planted by hand", recent: b"maybe being written",
                         old_segment: b"a crash before its rows", recent_segment: b"rows committing now"})
    missing = Event.objects.get(pk=lost["event_id"])
    backend.delete_blobs([missing.blob_key])

    report = cleanup("--orphans", "--dry-run")
    assert "2 blob(s) without an event row" in report and old in report and old_segment in report
    assert f"1 event row(s) whose blob is missing.\n  {missing.pk}" in report
    assert Event.objects.count() == 6

    cleanup("--orphans")
    blobs = {key for key, _ in backend.iter_blobs()}
    assert old not in blobs and old_segment not in blobs
    assert {recent, recent_segment} <= blobs  # too recent to be called orphans
    assert Event.objects.count() == 5 and Issue.objects.get().event_count == 6
    assert not Segment.objects.filter(pk=missing.segment_id).exists()
    backend.delete_blobs([recent, recent_segment])
    assert_consistent(backend)


def test_interrupted_cleanup_is_finished_by_a_rerun(backend):
    for days_ago in (12, 11, 10):  # three flushes: segments of 10 events, one chunk each below
        capture(10, "a", days_ago=days_ago)
    real = type(backend).delete_blobs
    calls = []

    def interrupted(self, keys):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(self, keys)

    with mock.patch("minisentry.ops.deletion.DELETE_BATCH", 10), \
            mock.patch.object(type(backend), "delete_blobs", interrupted):
        with pytest.raises(KeyboardInterrupt):
            cleanup("--max-age-days", "1")
    # Blobs in files or S3 go on a background thread, one chunk behind the rows: the error of the
    # second chunk's blobs surfaces after the third chunk's rows are gone. Database blobs go at once.
    assert Event.objects.count() == (10 if backend.kind == "database" else 0)
    blobs = {key for key, _ in backend.iter_blobs()}
    assert {e.blob_key for e in Event.objects.all()} <= blobs  # never a row without its blob
    assert blobs - set(Segment.objects.values_list("key", flat=True))  # and orphans
    with mock.patch("minisentry.ops.retention.ORPHAN_GRACE", timedelta(0)):  # the orphans were just written
        cleanup("--max-age-days", "1", "--orphans")
    assert not Event.objects.exists() and list(backend.iter_blobs()) == []
    assert Issue.objects.get().event_count == 30


@override_settings(MINISENTRY_STORM=None)  # every event stored: a storm's sampling is not the subject
def test_delete_1000_events_of_an_issue_while_it_gets_new_ones(backend):
    capture(1000, "a", days_ago=3, step=timedelta(milliseconds=100))
    stop, fresh = threading.Event(), []

    def keep_capturing():
        while not stop.is_set():
            fresh.extend(capture(5, "a"))

    thread = threading.Thread(target=keep_capturing)
    thread.start()
    try:
        assert "Deleted 1000 event(s)" in cleanup("--max-age-days", "1")
    finally:
        stop.set()
        thread.join()
    assert minisentry.flush(60)
    assert fresh
    issue = Issue.objects.get()
    assert issue.event_count == 1000 + len(fresh)
    assert IssueHourlyCount.objects.aggregate(n=Sum("count"))["n"] == issue.event_count
    assert set(Event.objects.values_list("pk", flat=True)) == {e["event_id"] for e in fresh}
    assert_consistent(backend)
