"""Segments: a batch's compressed events (independent zstd frames, one after the other) as one blob.

Packing them, reading them back, rewriting live events into a new segment (compaction, moves,
repacking events stored one blob each), and releasing segments no event points at any more.
"""

from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence

from django.utils import timezone

from ..backends import BaseBackend, get_backend_for_kind
from ..backends.base import check_length
from ..models import Event, Segment
from ..processing import dictionaries
from .blobkeys import blob_key, segment_key
from .index import database, write_transaction

REWRITE_BYTES = 8 * 2**20  # a rewritten segment's size, about (one large event may exceed it)


def pack(kind: str, blobs: Sequence[tuple[str, bytes]]) -> tuple[Segment, bytes, dict[str, int]]:
    """A new (unsaved) segment of ``kind`` holding ``(event id, compressed event)`` pairs one after
    the other: the segment, its bytes, and each event's offset (an id twice: its first copy's)."""
    offsets, position = {}, 0
    for event_id, blob in blobs:
        offsets.setdefault(event_id, position)
        position += len(blob)
    data = b"".join(blob for _, blob in blobs)
    now = timezone.now()
    return Segment(kind=kind, key=segment_key(now), size=len(data), created=now), data, offsets


def live_frames(segment: Segment) -> dict[str, bytes]:
    """The compressed events of ``segment`` that rows still point at, by event id."""
    data = get_backend_for_kind(segment.kind).read_blob(segment.key)
    rows = Event.objects.using(database()).filter(segment_id=segment.pk)
    return {
        event_id: check_length(segment.key, data[offset : offset + size], size)
        for event_id, offset, size in rows.values_list("pk", "blob_offset", "blob_size")
    }


def release(segment_ids: Iterable[int], using: str) -> dict[str, list[str]]:
    """Delete the rows of those segments no event points at any more (inside the caller's
    transaction); return their blob keys by store kind, to delete once it commits."""
    segment_ids = set(segment_ids)
    if not segment_ids:
        return {}
    live = Event.objects.using(using).filter(segment_id__in=segment_ids).values_list("segment_id", flat=True)
    dead = Segment.objects.using(using).filter(pk__in=segment_ids - set(live.distinct()))
    keys = defaultdict(list)
    for kind, key in dead.values_list("kind", "key"):
        keys[kind].append(key)
    dead.delete()  # Event.segment protects a segment an event points at
    return keys


def rewrite(target: BaseBackend, frames: dict[str, bytes], segment_ids: Iterable[int] = (),
            loose: dict[str, list[str]] | None = None) -> Segment:
    """Write ``frames`` (compressed events by event id) as one new segment in ``target``, read it
    back and compare, then repoint their rows to it in one transaction; after that, delete the
    segments ``segment_ids`` left without events and the blobs ``loose`` (keys by kind).
    Raises OSError if the copy differs: nothing was repointed, the sources are kept."""
    segment, data, offsets = pack(target.kind, list(frames.items()))
    target.write_blobs({segment.key: data})
    if target.read_blob(segment.key) != data:
        raise OSError(f"the segment {segment.key} read back from {target!r} differs from the one written")
    using = database()
    with write_transaction(using) as connection:
        segment.save(using=using)
        table, quote = Event._meta.db_table, connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {quote(table)} SET {quote('segment_id')} = %s, {quote('blob_offset')} = %s, "
                f"{quote('backend')} = '' WHERE {quote('event_id')} = %s",
                [(segment.pk, offset, _event_id(event_id, connection)) for event_id, offset in offsets.items()],
            )
        doomed = release(segment_ids, using)
    for kind, keys in (loose or {}).items():
        doomed.setdefault(kind, []).extend(keys)
    delete_blobs(doomed)
    return segment


def _event_id(event_id: str, connection):
    return Event._meta.pk.get_db_prep_value(event_id, connection)


def delete_blobs(keys_by_kind: dict[str, list[str]]) -> None:
    """Delete the blobs, one call per store kind."""
    for kind, keys in keys_by_kind.items():
        if keys:
            get_backend_for_kind(kind).delete_blobs(keys)


class Reader:
    """Reads compressed events of either layout; a segment is read whole once and kept for the
    next events of it (the few most recent ones), so reading a segment's events costs one read."""

    def __init__(self, keep: int = 4):
        self._keep, self._segments = keep, OrderedDict()

    def read(self, event_id: str, timestamp, backend: str, segment_id: int | None, offset: int | None,
             size: int) -> bytes:
        """The compressed event; raises BlobMissing."""
        if segment_id is None:
            return get_backend_for_kind(backend).read_blob(blob_key(event_id, timestamp))
        if segment_id not in self._segments:
            segment = Segment.objects.using(database()).get(pk=segment_id)
            store = get_backend_for_kind(segment.kind)
            self._segments[segment_id] = segment.key, store.read_blob(segment.key), store
            if len(self._segments) > self._keep:
                self._segments.popitem(last=False)
        key, data, _ = self._segments[segment_id]
        return check_length(key, data[offset : offset + size], size)

    def decoded(self, event_id: str, timestamp, backend: str, segment_id: int | None, offset: int | None,
                size: int) -> bytes:
        """The event's JSON, decompressed with the zstd dictionary its frame names; raises BlobMissing."""
        frame = self.read(event_id, timestamp, backend, segment_id, offset, size)
        store = get_backend_for_kind(backend) if segment_id is None else self._segments[segment_id][2]
        return dictionaries.decompress(frame, store)


# The columns Reader.read takes, after event_id and timestamp.
READ_FIELDS = ("backend", "segment_id", "blob_offset", "blob_size")
