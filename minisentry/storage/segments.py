"""Segments: a batch's compressed events (independent zstd frames, one after the other) as one blob.

Packing them, reading their live events (:func:`live_frames`), rewriting live events into a new
segment (compaction, moves, repacking events stored one blob each), and releasing segments no
event points at any more.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.utils import timezone

from ..backends import BaseBackend, get_backend
from ..backends.keys import segment_key
from ..models import Event, Segment
from .index import database, write_transaction
from .reader import READ_FIELDS, Reader, locate

REWRITE_BYTES = 8 * 2**20  # a rewritten segment's size, about (one large event may exceed it)


def pack(alias: str, blobs: Sequence[tuple[str, bytes]]) -> tuple[Segment, bytes, dict[str, int]]:
    """A new (unsaved) segment in the store ``alias`` holding ``(event id, compressed event)`` pairs one after
    the other: the segment, its bytes, and each event's offset (an id twice: its first copy's)."""
    offsets, position = {}, 0
    for event_id, blob in blobs:
        offsets.setdefault(event_id, position)
        position += len(blob)
    data = b"".join(blob for _, blob in blobs)
    now = timezone.now()
    return Segment(backend=alias, key=segment_key(now), size=len(data), created=now), data, offsets


def live_frames(segment: Segment) -> dict[str, bytes]:
    """The compressed events of ``segment`` that rows still point at, by event id (the segment
    read once); raises BlobMissing."""
    reader = Reader(keep=1)
    rows = Event.objects.using(database()).filter(segment_id=segment.pk).values_list(*READ_FIELDS)
    return {row[0]: reader.frame(locate(*row)) for row in rows}


def release(segment_ids: Iterable[int], using: str) -> dict[str, list[str]]:
    """Delete the rows of those segments no event points at any more (inside the caller's
    transaction); return their blob keys by store alias, to delete once it commits."""
    segment_ids = set(segment_ids)
    if not segment_ids:
        return {}
    live = Event.objects.using(using).filter(segment_id__in=segment_ids).values_list("segment_id", flat=True)
    dead = Segment.objects.using(using).filter(pk__in=segment_ids - set(live.distinct()))
    keys = defaultdict(list)
    for alias, key in dead.values_list("backend", "key"):
        keys[alias].append(key)
    dead.delete()  # Event.segment protects a segment an event points at
    return keys


def rewrite(target: BaseBackend, frames: dict[str, bytes], segment_ids: Iterable[int] = (),
            loose: dict[str, list[str]] | None = None) -> Segment:
    """Write ``frames`` (compressed events by event id) as one new segment in ``target``, read it
    back and compare, then repoint their rows to it in one transaction; after that, delete the
    segments ``segment_ids`` left without events and the blobs ``loose`` (keys by store alias).
    Raises OSError if the copy differs: nothing was repointed, the sources are kept."""
    segment, data, offsets = pack(target.alias, list(frames.items()))
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
    for alias, keys in (loose or {}).items():
        doomed.setdefault(alias, []).extend(keys)
    delete_blobs(doomed)
    return segment


def _event_id(event_id: str, connection):
    return Event._meta.pk.get_db_prep_value(event_id, connection)


def delete_blobs(keys_by_alias: dict[str, list[str]]) -> None:
    """Delete the blobs, one call per store."""
    for alias, keys in keys_by_alias.items():
        if keys:
            get_backend(alias).delete_blobs(keys)
