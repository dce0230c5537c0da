"""The store step: a batch's events as one blob (a segment) through its blob store, then its index rows.

The segment is written before its rows commit, so a crash leaves at worst a segment without a row
(an orphan ``minisentry_cleanup --orphans`` removes), never a row without its blob. Segments kept
in the index's own database commit in the same transaction as their rows."""

from collections.abc import Sequence
from contextlib import nullcontext

from ..backends import BaseBackend
from . import dictionaries, index
from .segments import pack


def save(backend: BaseBackend, records: Sequence) -> index.Stored:
    """Write the records' compressed events through ``backend`` (a configured store: its rows
    record its alias) as one segment, then index them;
    events already indexed are skipped (replays are idempotent). Returns what the index
    transaction did."""
    using = index.database()
    with index.write_transaction(using) if backend.in_database else nullcontext():
        # Only blobs need the look-up here (no blob for an event already stored); the index
        # transaction looks every event up again, the sampled-out ones (no blob) included.
        known = index.known_event_ids([r.event_id for r in records if not r.sampled], using)
        records = [r for r in records if r.event_id not in known]
        if not records:
            return index.Stored()
        kept = [r for r in records if not r.sampled]  # an error storm's sampled-out events: counts only
        dictionaries.store_needed(backend, (r.blob for r in kept))  # before the frames needing them
        segment = offsets = None
        if kept:
            segment, data, offsets = pack(backend.alias, [(r.event_id, r.blob) for r in kept])
            backend.write_blobs({segment.key: data})
        return index.store(records, backend.alias, segment, offsets)
