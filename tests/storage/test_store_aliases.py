"""Rows record their store's alias: events stored before migration 0008 (rows naming a store kind)
read back the same after it, and after migrating back."""

import uuid
from datetime import UTC, datetime

import pytest
from django.test import override_settings

from minisentry.backends import InvalidBackendError, get_backend
from minisentry.backends.keys import blob_key, segment_key
from minisentry.models import Event, Segment
from minisentry.processing import codec

from .test_event_columns import migrate

BEFORE = ("minisentry", "0005_event_narrow")
MOMENT = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_events_stored_before_0008_read_back_after_it(transactional_db, tmp_path):
    files = {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend", "OPTIONS": {"location": str(tmp_path)}}
    table = {"BACKEND": "minisentry.backends.database.DatabaseBackend"}
    events = [{"event_id": uuid.uuid4().hex, "message": f"event {i}", "level": "error"} for i in range(4)]
    frames = [codec.compress(codec.dumps(event), 3) for event in events]
    try:
        with override_settings(MINISENTRY_BACKEND=files, MINISENTRY_BACKENDS={"archive": table}):
            old = migrate(BEFORE)
            issue = old.get_model("minisentry", "Issue").objects.create(
                fingerprint="f" * 32, title="t", first_seen=MOMENT, last_seen=MOMENT)
            OldSegment, OldEvent = old.get_model("minisentry", "Segment"), old.get_model("minisentry", "Event")

            def row(i: int, **where):
                return OldEvent.objects.create(event_id=events[i]["event_id"], issue=issue, timestamp=MOMENT,
                                               blob_size=len(frames[i]), raw_size=len(codec.dumps(events[i])), **where)

            # events 0 and 1 in a segment of the filesystem store, as 0005 recorded it: by kind
            key = segment_key(MOMENT)
            get_backend("default").write_blobs({key: frames[0] + frames[1]})
            segment = OldSegment.objects.create(kind="filesystem", key=key, size=len(frames[0] + frames[1]),
                                                created=MOMENT)
            row(0, segment=segment, blob_offset=0)
            row(1, segment=segment, blob_offset=len(frames[0]))
            # event 2 stored one blob of its own in the database store, named by its kind
            get_backend("archive").write_blobs({blob_key(events[2]["event_id"], MOMENT): frames[2]})
            row(2, backend="database")
            # event 3 in a segment of a kind no store is configured for now
            lost = OldSegment.objects.create(kind="s3", key=segment_key(MOMENT), size=len(frames[3]), created=MOMENT)
            row(3, segment=lost, blob_offset=0)

            migrate()
            assert dict(Segment.objects.values_list("key", "backend")) == {key: "default", lost.key: "s3"}
            assert Event.objects.get(pk=events[2]["event_id"]).backend == "archive"
            assert [Event.objects.get(pk=e["event_id"]).load() for e in events[:3]] == events[:3]
            with pytest.raises(InvalidBackendError, match="store 's3'"):  # until a store is named so
                Event.objects.get(pk=events[3]["event_id"]).load()

            migrate(BEFORE)  # and back: kinds again
            assert dict(old.get_model("minisentry", "Segment").objects.values_list("key", "kind")) == {
                key: "filesystem", lost.key: "s3"}
            assert OldEvent.objects.get(pk=events[2]["event_id"]).backend == "database"
    finally:
        migrate()
