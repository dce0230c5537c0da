"""Ingesting the spool again: its events through the pipeline (as the writer would have stored
them: storm sampling, signals and alerts included), its counter records added to their counters.
Idempotent, and safe with several processes replaying at once."""

import logging
import os
from pathlib import Path
from typing import NamedTuple

from .. import conf
from ..backends.base import chunked
from ..pipeline.steps import count, prepare, store
from ..processing import codec
from .spool import COUNT_SUFFIX, UnsafeSpool, directory, files, listing, problem, sweep

logger = logging.getLogger("minisentry")


class Replayed(NamedTuple):
    stored: int  # events newly stored (counted, with a row unless an error storm sampled them out)
    known: int  # events that were indexed already
    bad: list[Path]  # unreadable files, kept in place
    counts: int = 0  # counter records added


def _replay_count(path: Path) -> bool:
    """Add one counter record to its counter. The file is claimed by a rename first, so two
    processes replaying at once never add it twice."""
    claimed = path.with_name(f".{path.name}.{os.getpid()}.claimed")
    try:
        os.rename(path, claimed)
    except FileNotFoundError:  # another process took it
        return False
    try:
        record = codec.loads(claimed.read_bytes())
        count(str(record["counter"]), int(record["value"]))
    except Exception:
        logger.exception("minisentry: spooled counter %s could not be added; kept", path)
        os.rename(claimed, path)
        return False
    claimed.unlink()
    return True


def replay(limit: int | None = None) -> Replayed:
    """Ingest spooled events through the pipeline, oldest first, and add spooled counts.

    A file is removed only after its event is indexed; event ids already indexed are skipped, so
    replays are idempotent. Raises :class:`UnsafeSpool` for a spool that is not private."""
    if reason := problem():
        raise UnsafeSpool(f"minisentry refuses to replay from {directory()}: {reason}")
    sweep()
    counts = sum(_replay_count(path) for path in listing(COUNT_SUFFIX))
    stored, known, bad = 0, 0, []
    for chunk in chunked(files()[:limit], conf.get("BATCH_SIZE")):
        records, done = [], []
        for path in chunk:
            try:
                records.append(prepare(path.read_bytes()))
                done.append(path)
            except FileNotFoundError:  # another process replayed it
                continue
            except Exception:
                logger.exception("minisentry: spooled event %s cannot be read; kept", path)
                bad.append(path)
        result = store(records) if records else None
        new = len(result.records) + result.sampled_out if result else 0
        stored += new
        known += len(records) - new
        for path in done:
            path.unlink(missing_ok=True)
    return Replayed(stored, known, bad, counts)
