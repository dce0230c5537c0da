"""Segments on every store: one blob per batch, range reads, mixed layouts, retention, compaction, orphans."""

import io
import json
from datetime import timedelta
from unittest import mock

import pytest
from django.core.management import call_command

import minisentry
from minisentry.backends import BlobMissing
from minisentry.models import Event, Segment
from minisentry.ops.deletion import delete_events
from minisentry.processing import codec
from minisentry.processing.prepare import prepare
from minisentry.storage import index
from minisentry.storage.save import save
from minisentry.storage.segments import pack

from ..opshelpers import NOW, make_event, unpack


def store(n: int, issue: str = "a", days_ago: float = 0) -> list[dict]:
    """``n`` events saved as one batch, one second apart, the last ``days_ago`` days ago."""
    last = NOW - timedelta(days=days_ago)
    events = [make_event(issue, last - timedelta(seconds=n - i), extra=f"payload {i} " * 20) for i in range(n)]
    save_events(events)
    return events


def save_events(events: list[dict]) -> None:
    save(minisentry.get_backend(), [prepare(codec.dumps(event)) for event in events])


def blob_keys(backend) -> set[str]:
    return {key for key, _ in backend.iter_blobs()}


def segment_keys() -> set[str]:
    return set(Segment.objects.values_list("key", flat=True))


def loads() -> dict:
    return {e.event_id: e.load() for e in Event.objects.select_related("segment")}


def cleanup(*args: str) -> str:
    out = io.StringIO()
    call_command("minisentry_cleanup", *args, stdout=out)
    return out.getvalue()


def test_a_batch_is_one_segment_read_back_by_ranges(backend):
    events = store(25)
    segment = Segment.objects.get()
    assert blob_keys(backend) == {segment.key} and segment.backend == "default"
    assert segment.key.startswith(f"segments/{NOW:%Y/%m/%d}/")
    rows = list(Event.objects.order_by("blob_offset"))
    assert [r.blob_offset for r in rows] == [sum(x.blob_size for x in rows[:i]) for i in range(25)]
    assert segment.size == sum(r.blob_size for r in rows) == len(backend.read_blob(segment.key))
    assert loads() == {e["event_id"]: e for e in events}
    last = rows[-1]
    with pytest.raises(BlobMissing):  # a range past the end is not silently short
        backend.read_range(segment.key, last.blob_offset, last.blob_size + 1)
    with pytest.raises(BlobMissing):
        backend.read_range(segment.key.replace(segment.key[-4:], "0000"), 0, 1)


def test_pack_places_frames_one_after_the_other(backend):
    frames = [("a" * 32, b"first"), ("b" * 32, b"second"), ("a" * 32, b"again")]
    segment, data, offsets = pack(backend.alias, frames)
    assert data == b"firstsecondagain" and offsets == {"a" * 32: 0, "b" * 32: 5} and segment.size == 16
    backend.write_blobs({segment.key: data})
    assert backend.read_range(segment.key, 5, 6) == b"second"


def test_mixed_layouts_read_export_count_and_delete(backend):
    old = store(10, "a", days_ago=2)
    unpack(backend)  # the old layout: one blob per event, the store's alias on each row
    new = store(10, "b")
    assert Event.objects.filter(segment=None).count() == 10 and Segment.objects.count() == 1
    assert loads() == {e["event_id"]: e for e in old + new}

    out = io.StringIO()
    call_command("minisentry_export", stdout=out, stderr=io.StringIO())
    assert [json.loads(line) for line in out.getvalue().splitlines()] == old + new

    out = io.StringIO()
    call_command("minisentry_stats", "--json", stdout=out)
    stats = json.loads(out.getvalue())
    segment = Segment.objects.get()
    assert stats["events"] == 20 and (stats["segments"], stats["segment_bytes"]) == (1, segment.size)
    assert [(b["alias"], b["events"]) for b in stats["backends"]] == [("default", 20)]

    assert delete_events(Event.objects.all()) == 20
    assert blob_keys(backend) == set() and not Segment.objects.exists()


def test_retention_deletes_whole_segments(backend):
    store(10, "a", days_ago=10)
    store(10, "a", days_ago=5)
    recent = store(10, "a")
    kept = Segment.objects.order_by("-created", "-pk").first()
    assert Event.objects.filter(segment=kept).count() == 10
    assert "Deleted 20 event(s) older than 3 days." in cleanup("--max-age-days", "3")
    assert list(Segment.objects.all()) == [kept] and blob_keys(backend) == {kept.key}
    assert loads() == {e["event_id"]: e for e in recent}


def test_compaction_rewrites_sparse_segments_and_keeps_dense_ones(backend):
    sparse_events, dense_events = store(10, "a"), store(10, "b")
    sparse, dense = Segment.objects.order_by("pk")
    delete_events(Event.objects.filter(pk__in=[e["event_id"] for e in sparse_events[:6]]))  # 40 % live
    delete_events(Event.objects.filter(pk__in=[e["event_id"] for e in dense_events[:4]]))  # 60 % live
    before = loads()
    assert "Would compact 1 segment(s)" in cleanup("--compact-below", "0.5", "--dry-run")
    assert "Compacted 1 segment(s) less than 50% live" in cleanup("--compact-below", "0.5")
    assert loads() == before  # content identical
    new = Segment.objects.exclude(pk__in=[sparse.pk, dense.pk]).get()
    assert not Segment.objects.filter(pk=sparse.pk).exists() and Segment.objects.filter(pk=dense.pk).exists()
    assert blob_keys(backend) == {new.key, dense.key}
    moved = Event.objects.filter(segment=new)
    assert {e.pk for e in moved} == {e["event_id"] for e in sparse_events[6:]}
    assert new.size == sum(e.blob_size for e in moved) and new.backend == "default"
    assert "Compacted" not in cleanup("--compact-below", "0.5")  # nothing left below it


def test_orphan_segments_old_ones_removed_live_ones_kept(backend):
    kept = store(5, "a")
    with mock.patch.object(index, "store", side_effect=RuntimeError("crash before the rows commit")):
        with pytest.raises(RuntimeError):
            store(5, "b")
    crashed = 0 if backend.in_database else 1  # in the database the segment rolls back with its rows
    lonely = blob_keys(backend) - segment_keys()
    assert len(lonely) == crashed and Event.objects.count() == 5  # never rows without their segment
    store(3, "c")
    emptied = Segment.objects.order_by("-pk").first()
    Event.objects.filter(segment=emptied).delete()  # e.g. through the ORM: a segment row without events

    report = cleanup("--orphans")
    assert "0 blob(s) without an event row" in report  # just written: within the grace period
    assert "1 segment(s) without events" in report and not Segment.objects.filter(pk=emptied.pk).exists()
    with mock.patch("minisentry.ops.retention.ORPHAN_GRACE", timedelta(0)):
        assert f"{crashed} blob(s) without an event row" in cleanup("--orphans")
    assert blob_keys(backend) == segment_keys() and len(segment_keys()) == 1
    assert loads() == {e["event_id"]: e for e in kept}


def test_a_segment_whose_blob_is_missing_loses_only_its_rows(backend):
    kept = store(4, "a")
    store(4, "b")
    lost = Segment.objects.order_by("-pk").first()
    backend.delete_blobs([lost.key])
    report = cleanup("--orphans")
    assert "4 event row(s) whose blob is missing." in report
    assert loads() == {e["event_id"]: e for e in kept} and not Segment.objects.filter(pk=lost.pk).exists()
