"""The store step: a batch's blobs through its blob store, then its index rows.

A blob is written before its row commits, so a crash leaves at worst a blob without a row (an
orphan ``minisentry_cleanup --orphans`` removes), never a row without its blob. Blobs kept in the
index's own database commit in the same transaction as their rows."""

from collections.abc import Sequence
from contextlib import nullcontext

from ..backends import BaseBackend
from . import index


def save(backend: BaseBackend, records: Sequence) -> index.Stored:
    """Write the records' blobs through ``backend``, then index them; events already indexed are
    skipped (replays are idempotent). Returns what the index transaction did."""
    using = index.database()
    with index.write_transaction(using) if backend.in_database else nullcontext():
        known = index.known_event_ids((r.event_id for r in records), using)
        records = [r for r in records if r.event_id not in known]
        if not records:
            return index.Stored()
        backend.write_blobs({r.blob_key: r.blob for r in records if not r.sampled})
        return index.store(records, backend.kind)
