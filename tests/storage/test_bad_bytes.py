"""Bad bytes in the store: damaged frames and dictionaries, tampered sizes, decompression bombs.
Each reads as "no longer readable" (a BlobMissing): the pages answer 200 and say so, the export
skips and counts the event, and nothing large is allocated."""

import io
import json
import tracemalloc
from datetime import timedelta
from unittest import mock

import pytest
import zstandard
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

import minisentry
from minisentry.backends import BlobMissing
from minisentry.backends.keys import dictionary_key, segment_key
from minisentry.models import Event, Segment
from minisentry.processing import codec, dictionaries
from minisentry.processing.prepare import prepare
from minisentry.storage.reader import READ_FIELDS, Reader, locate
from minisentry.storage.save import save

from ..conftest import single_backend
from ..opshelpers import NOW, make_event

UNREADABLE = b"no longer readable"


def store(n: int, **extra) -> list[dict]:
    events = [make_event("a", NOW - timedelta(seconds=n - i), extra=f"payload {i} " * 40, **extra)
              for i in range(n)]
    for event in events:
        event["tags"] = {"customer": "acme"}
    save(minisentry.get_backend(), [prepare(codec.dumps(event)) for event in events])
    return events


def pages(client, event: Event) -> dict[str, int]:
    """The status of every page that reads ``event``'s JSON."""
    urls = {
        "event": reverse("minisentry:event_detail", args=[event.event_id]),
        "raw": reverse("minisentry:event_raw", args=[event.event_id]),
        "issue": reverse("minisentry:issue_detail", args=[event.issue_id]),
        "tagged": reverse("minisentry:issue_events", args=[event.issue_id]) + "?tag=customer:acme",
        "json": reverse("minisentry:event_json", args=[event.event_id]),
    }
    return {name: client.get(url) for name, url in urls.items()}


def export() -> tuple[list[dict], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("minisentry_export", stdout=out, stderr=err)
    return [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def rewrite_frame(event: Event, frame: bytes) -> None:
    """Put ``frame`` in place of the event's own, in a segment of its own (as a tampered store would)."""
    backend = minisentry.get_backend()
    key = segment_key(NOW)
    backend.write_blobs({key: frame})
    segment = Segment.objects.create(backend=backend.alias, key=key, size=len(frame), created=NOW)
    Event.objects.filter(pk=event.pk).update(segment=segment, blob_offset=0, blob_size=len(frame))


@single_backend
def test_a_damaged_frame_reads_as_unreadable_on_every_page_and_in_the_export(backend, admin_client):
    events = store(6)
    latest = Event.objects.get(pk=events[-1]["event_id"])
    segment = latest.segment
    data = bytearray(backend.read_blob(segment.key))
    data[latest.blob_offset + latest.blob_size // 2] ^= 0x10  # one bit inside its frame
    backend.write_blobs({segment.key: bytes(data)})

    responses = pages(admin_client, latest)
    assert {name: r.status_code for name, r in responses.items()} == {
        "event": 200, "raw": 200, "issue": 200, "tagged": 200, "json": 404}
    assert all(UNREADABLE in responses[name].content for name in ("event", "raw", "issue"))
    exported, report = export()
    assert exported == events[:-1] and "Skipped 1 event(s)" in report and latest.event_id in report


def test_no_single_bit_flip_reads_as_other_json(db):
    """zstd's content checksum: every flipped bit of a frame fails to read, none gives other JSON."""
    event = make_event("a", extra="payload " * 30)
    payload = codec.dumps(event)
    frame = codec.compress(payload, 3)
    where = locate(event["event_id"], NOW, "", "default", segment_key(NOW), len(frame), 0, len(frame), len(payload))
    reader, results = Reader(), {"same": 0, "unreadable": 0}
    for bit in range(len(frame) * 8):
        flipped = bytearray(frame)
        flipped[bit // 8] ^= 1 << bit % 8
        with mock.patch.object(Reader, "frame", return_value=bytes(flipped)):
            try:
                assert reader.load(where) == event
                results["same"] += 1
            except BlobMissing:  # Unreadable, or a dictionary the flipped header names
                results["unreadable"] += 1
    # none gave other JSON (above); a few header bits zstd ignores leave the frame as it was
    assert results["unreadable"] > 0.98 * len(frame) * 8, results


@single_backend
@override_settings(MINISENTRY_COMPRESSION_DICTIONARY={"samples": 40, "retrain_after": 60, "size": 8192})
def test_a_corrupt_dictionary_is_never_cached_and_a_repair_needs_no_restart(backend, admin_client):
    store(45)  # the 40th event trains a dictionary: the last five use it
    latest = Event.objects.get(pk=Event.objects.order_by("-timestamp").values_list("pk", flat=True)[0])
    with override_settings(MINISENTRY_COMPRESSION_LEVEL=3):  # a fresh process: no dictionary in memory
        frame = Reader().frame(locate(*Event.objects.filter(pk=latest.pk).values_list(*READ_FIELDS).get()))
        dict_id = dictionaries.frame_dictionary(frame)
        key = dictionary_key(dict_id)
        good = backend.read_blob(key)
        backend.write_blobs({key: good[:8] + good[8:][::-1]})  # its id kept, its tables and content not

        for _ in range(2):  # the second time too: the failure was not cached
            response = admin_client.get(reverse("minisentry:event_detail", args=[latest.event_id]))
            assert response.status_code == 200 and UNREADABLE in response.content
        with pytest.raises(BlobMissing):
            latest.load()

        backend.write_blobs({key: good})  # repaired: read again, no restart
        response = admin_client.get(reverse("minisentry:event_detail", args=[latest.event_id]))
        assert response.status_code == 200 and UNREADABLE not in response.content
        assert latest.load()["event_id"] == latest.event_id


@single_backend
def test_a_tampered_size_reads_nothing_beyond_its_segment(backend, admin_client):
    events = store(3)
    latest = Event.objects.get(pk=events[-1]["event_id"])
    huge = 2**40 if connection.vendor == "sqlite" else 2**31 - 1  # PostgreSQL's integer column holds no more
    Event.objects.filter(pk=latest.pk).update(blob_size=huge)
    responses = pages(admin_client, latest)
    assert [responses[name].status_code for name in ("event", "raw", "issue")] == [200, 200, 200]
    assert UNREADABLE in responses["event"].content
    exported, report = export()
    assert exported == events[:-1] and "Skipped 1 event(s)" in report


@single_backend
def test_a_decompression_bomb_is_refused_before_it_is_inflated(backend, admin_client):
    events = store(2)
    latest = Event.objects.get(pk=events[-1]["event_id"])
    bomb = io.BytesIO()
    size = 300 * 2**20
    with zstandard.ZstdCompressor(level=19).stream_writer(bomb, size=size, closefd=False) as writer:
        chunk = b"\0" * 2**20
        for _ in range(size // len(chunk)):
            writer.write(chunk)
    bomb = bomb.getvalue()
    assert len(bomb) < 16 * 1024 and zstandard.get_frame_parameters(bomb).content_size == size
    rewrite_frame(latest, bomb)

    tracemalloc.start()
    try:
        responses = pages(admin_client, latest)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [responses[name].status_code for name in ("event", "raw", "issue")] == [200, 200, 200]
    assert UNREADABLE in responses["raw"].content
    assert peak < 32 * 2**20, f"{peak / 2**20:.0f} MiB"
    exported, report = export()
    assert exported == events[:1] and "Skipped 1 event(s)" in report
