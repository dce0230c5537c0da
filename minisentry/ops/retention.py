"""What ``minisentry_cleanup`` deletes: events past an age, a count per issue or a total size,
and orphans (blobs without rows, rows without blobs, segments without events).

Every selection is bounded by a point in time or a ``(timestamp, event_id)`` position found
before deleting, so events written meanwhile are never caught by it.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from .. import conf
from ..backends import (
    BaseBackend,
    BlobMissing,
    InvalidBackendError,
    aliases,
    get_backend,
)
from ..backends.base import chunked
from ..backends.keys import EVENT_KEY_RE, SEGMENT_KEY_RE, blob_key, segment_written
from ..fields import UTCDay
from ..models import Event, SampledEvent, Segment
from ..storage.index import database, write_transaction
from ..storage.segments import delete_blobs, release
from .deletion import after, delete_events

# A blob dated (an event's blob) or written (a segment) this recently may belong to rows
# committing right now.
ORPHAN_GRACE = timedelta(days=1)


def defaults() -> dict:
    """``MINISENTRY_RETENTION`` over its defaults."""
    return {**conf.DEFAULTS["RETENTION"], **(conf.get("RETENTION") or {})}


def older_than(days: float) -> QuerySet:
    return Event.objects.filter(timestamp__lt=timezone.now() - timedelta(days=days))


def forget_sampled(days: float) -> int:
    """Forget the ids of sampled-out events older than ``days`` (a copy sent again counts anew, as
    the copy of a deleted event is stored anew); how many were forgotten."""
    return SampledEvent.objects.filter(timestamp__lt=timezone.now() - timedelta(days=days)).delete()[0]


def beyond_per_issue(keep: int) -> Iterator[tuple[int, QuerySet]]:
    """For each issue with more than ``keep`` events (``keep`` ≥ 2): its events except the
    first one and the ``keep - 1`` most recent ones."""
    crowded = (
        Event.objects.order_by().values("issue_id").annotate(n=Count("pk")).filter(n__gt=keep)
        .values_list("issue_id", flat=True)
    )
    for issue_id in list(crowded):
        events = Event.objects.filter(issue_id=issue_id)
        first = events.order_by("timestamp", "pk").values_list("pk", flat=True).first()
        newest = events.order_by("-timestamp", "-pk").values_list("timestamp", "pk")
        for last_kept in newest[keep - 2 : keep - 1]:
            yield issue_id, events.exclude(after(*last_kept)).exclude(pk__in=[last_kept[1], first])


def oldest_beyond_bytes(limit: int) -> QuerySet:
    """The oldest events whose removal brings the stored (compressed) bytes down to ``limit``."""
    excess = (Event.objects.aggregate(total=Sum("blob_size"))["total"] or 0) - limit
    last = None
    if excess > 0:
        rows = Event.objects.order_by("timestamp", "pk").values_list("timestamp", "pk", "blob_size")
        for timestamp, pk, size in rows.iterator(chunk_size=5000):
            excess -= size
            last = timestamp, pk
            if excess <= 0:
                break
    return Event.objects.exclude(after(*last)) if last else Event.objects.none()


@dataclass
class Orphans:
    """Blobs without an index row (per backend), rows whose blob is missing (events stored one
    blob each, or in a segment whose blob is missing), and segments no event points at."""

    blobs: dict[BaseBackend, list[str]] = field(default_factory=dict)
    rows: list[str] = field(default_factory=list)  # event ids
    segments: list[int] = field(default_factory=list)  # segment ids


def find_orphans() -> Orphans:
    """Compare each configured blob store with the rows recording its alias, both in key order
    (constant memory).

    Candidates are checked again before they are reported, so a concurrent write is never one; a
    blob is an orphan only if no row of any store names its key (keys are unique: two aliases of
    one store never make each other's blobs orphans).
    """
    result = Orphans()
    for backend in map(get_backend, aliases()):
        segment_keys = []
        event_blobs = _split_segments(backend.iter_blobs(), segment_keys)
        blobs, rows = _compare(event_blobs, _row_keys(backend.alias))
        result.blobs[backend] = _confirm_blobs(blobs) + _lonely_segments(segment_keys)
        lost = _confirm_rows(backend, rows) + _rows_of_lost_segments(backend, set(segment_keys))
        named = Event.objects.filter(Q(backend=backend.alias) | Q(segment__backend=backend.alias))
        if lost and len(lost) == named.count():
            raise InvalidBackendError(
                f"The store {backend.alias!r} ({backend!r}) holds none of the {len(lost)} events its rows name: "
                "is it the store they were written to? Rows record their store's alias (see the README, Backends)."
            )
        result.rows += lost
    result.segments = list(Segment.objects.filter(events__isnull=True).values_list("pk", flat=True))
    return result


def _split_segments(blobs: Iterator[tuple[str, int]], segment_keys: list[str]) -> Iterator[tuple[str, int]]:
    """The blobs of events stored one blob each; segments' keys are added to ``segment_keys``."""
    for key, size in blobs:
        if SEGMENT_KEY_RE.fullmatch(key):
            segment_keys.append(key)
        elif EVENT_KEY_RE.fullmatch(key):
            yield key, size


def _lonely_segments(keys: list[str]) -> list[str]:
    """Segment blobs written before ORPHAN_GRACE that no segment row names."""
    recent = timezone.now() - ORPHAN_GRACE
    keys = [key for key in keys if segment_written(key) < recent]
    known = set()
    for chunk in chunked(keys, 500):
        known.update(Segment.objects.filter(key__in=chunk).values_list("key", flat=True))
    return [key for key in keys if key not in known]


def _rows_of_lost_segments(backend: BaseBackend, listed: set[str]) -> list[str]:
    """Event ids in segments of ``backend`` whose blob is missing (not listed, and still not there)."""
    lost = []
    for segment_id, key in Segment.objects.filter(backend=backend.alias).values_list("pk", "key").iterator():
        if key not in listed:
            try:
                backend.read_range(key, 0, 1)
            except BlobMissing:
                lost.append(segment_id)
    return list(Event.objects.filter(segment_id__in=lost).values_list("pk", flat=True)) if lost else []


def _row_keys(alias: str) -> Iterator[tuple[str, str]]:
    """``(blob key, event id)`` of the rows stored one blob each in the store ``alias``, in key
    order (UTC day, event id)."""
    rows = (
        Event.objects.filter(backend=alias).annotate(day=UTCDay("timestamp"))
        .order_by("day", "pk").values_list("pk", "timestamp")
    )
    for event_id, timestamp in rows.iterator(chunk_size=5000):
        yield blob_key(event_id, timestamp), event_id


def _compare(blobs: Iterator[tuple[str, int]], rows: Iterator[tuple[str, str]]) -> tuple[list[str], list[str]]:
    """Merge two key-ordered streams: (blob keys without a row, event ids without a blob)."""
    lonely_blobs, lonely_rows = [], []
    blob, row = next(blobs, None), next(rows, None)
    while blob or row:
        if row is None or (blob and blob[0] < row[0]):
            lonely_blobs.append(blob[0])
            blob = next(blobs, None)
        elif blob is None or row[0] < blob[0]:
            lonely_rows.append(row[1])
            row = next(rows, None)
        else:
            blob, row = next(blobs, None), next(rows, None)
    return lonely_blobs, lonely_rows


def _confirm_blobs(keys: list[str]) -> list[str]:
    """Keys that are old enough and still have no row pointing at them."""
    recent = f"{timezone.now().astimezone(UTC) - ORPHAN_GRACE:%Y/%m/%d}"
    keys = [k for k in keys if k[:10] < recent]
    confirmed = []
    for chunk in chunked(keys, 500):
        ids = {k.rsplit("/", 1)[1]: k for k in chunk}
        rows = Event.objects.filter(pk__in=list(ids), segment__isnull=True).values_list("pk", "timestamp")
        indexed = {blob_key(pk, timestamp) for pk, timestamp in rows}
        confirmed += [k for k in chunk if k not in indexed]
    return confirmed


def _confirm_rows(backend: BaseBackend, event_ids: list[str]) -> list[str]:
    """Event ids whose row still exists and whose blob is still missing."""
    confirmed = []
    for chunk in chunked(event_ids, 500):
        for event in Event.objects.filter(pk__in=chunk, backend=backend.alias):
            try:
                backend.read_blob(event.blob_key)
            except BlobMissing:
                confirmed.append(event.pk)
    return confirmed


def remove(orphans: Orphans) -> None:
    """Delete orphan blobs, the rows whose blob is missing (issue counts stay as they are) and
    segments without events."""
    for backend, keys in orphans.blobs.items():
        backend.delete_blobs(keys)
    for chunk in chunked(orphans.rows, 500):
        delete_events(Event.objects.filter(pk__in=chunk))
    using = database()
    with write_transaction(using):
        doomed = release(orphans.segments, using)
    delete_blobs(doomed)
