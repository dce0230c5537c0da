"""Compacting segments: live events of segments mostly deleted are rewritten into new segments.

The new segment is written and read back before the rows move to it in one transaction; the old
segments go after that commits. An interruption leaves at worst a segment no row points at,
which ``minisentry_cleanup --orphans`` removes."""

import logging
from collections.abc import Callable
from itertools import groupby
from operator import attrgetter

from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from ..backends import BlobMissing, get_backend
from ..models import Segment
from ..storage.index import database, write_transaction
from ..storage.segments import (
    REWRITE_BYTES,
    delete_blobs,
    live_frames,
    release,
    rewrite,
)

logger = logging.getLogger("minisentry")

THRESHOLD = 0.5  # default: segments with less than half their bytes live are compacted


def sparse_segments(threshold: float) -> list[Segment]:
    """Segments whose live events take less than ``threshold`` of their bytes, by store, oldest first;
    each with ``live`` (bytes)."""
    segments = Segment.objects.using(database()).annotate(live=Coalesce(Sum("events__blob_size"), 0))
    return list(segments.filter(live__lt=F("size") * threshold).order_by("backend", "pk"))


def compact(threshold: float = THRESHOLD, progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Rewrite the live events of segments below ``threshold`` into new segments of about
    REWRITE_BYTES each; segments without live events are only deleted. ``progress(n)`` is called
    after each rewritten group of n segments. Returns (segments removed, bytes freed)."""
    removed = freed = 0
    for alias, segments in groupby(sparse_segments(threshold), key=attrgetter("backend")):
        target = get_backend(alias)
        group, frames, size = [], {}, 0
        for segment in segments:
            try:
                frames.update(live_frames(segment) if segment.live else {})
            except BlobMissing as exc:  # gone, or an event's bytes unreadable: the segment is kept
                logger.warning("minisentry: segment %s not compacted (%s); see minisentry_cleanup --orphans",
                               segment.key, exc)
                continue
            group.append(segment)
            size += segment.live
            if size >= REWRITE_BYTES:
                _rewrite(target, group, frames)
                removed, freed = removed + len(group), freed + sum(s.size - s.live for s in group)
                if progress:
                    progress(len(group))
                group, frames, size = [], {}, 0
        if group:
            _rewrite(target, group, frames)
            removed, freed = removed + len(group), freed + sum(s.size - s.live for s in group)
            if progress:
                progress(len(group))
    return removed, freed


def _rewrite(target, group: list[Segment], frames: dict[str, bytes]) -> None:
    ids = [segment.pk for segment in group]
    if frames:
        rewrite(target, frames, ids)
        return
    using = database()
    with write_transaction(using):
        doomed = release(ids, using)
    delete_blobs(doomed)
