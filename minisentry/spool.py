"""Events the writer could not store, kept as files until ``minisentry_replay`` ingests them."""

import logging
import os
import time
import uuid
from pathlib import Path

from . import codec, conf

logger = logging.getLogger("minisentry")


def directory() -> Path:
    return Path(conf.get("SPOOL_DIR"))


def write(payloads: list[bytes | dict]) -> int:
    """Keep each snapshot (JSON bytes or an event dict) in the spool; return how many could not
    be written (and were logged)."""
    spool = directory()
    try:
        spool.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        logger.exception("minisentry: cannot create spool directory %s; %d event(s) lost", spool, len(payloads))
        return len(payloads)
    failed = 0
    for payload in payloads:
        name = f"{time.time_ns()}-{uuid.uuid4().hex}.json"
        tmp = spool / f".{name}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as file:
                file.write(codec.as_bytes(payload))
            os.replace(tmp, spool / name)
        except OSError:
            failed += 1
            logger.exception("minisentry: cannot write to spool directory %s", spool)
    return failed


def files() -> list[Path]:
    """Spooled events, oldest first."""
    try:
        return sorted(p for p in directory().iterdir() if p.suffix == ".json" and not p.name.startswith("."))
    except FileNotFoundError:
        return []


def size() -> tuple[int, int]:
    """Number of spooled events and their bytes."""
    paths = files()
    return len(paths), sum(p.stat().st_size for p in paths if p.exists())


def replay(limit: int | None = None) -> tuple[int, int, list[Path]]:
    """Ingest spooled events through the configured backend, oldest first.

    Returns (stored, already known, unreadable files kept in place). A file is removed only
    after its event is indexed; event ids already indexed are skipped, so replays are idempotent.
    """
    from .backends import get_backend
    from .backends.base import chunked
    from .prepare import prepare

    backend, stored, known, bad = get_backend(), 0, 0, []
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
        new = len(backend.save(records).records) if records else 0
        stored += new
        known += len(records) - new
        for path in done:
            path.unlink(missing_ok=True)
    return stored, known, bad
