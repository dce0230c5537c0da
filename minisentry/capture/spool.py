"""Events the writer could not store, kept as files until ``capture.replay`` ingests them.

The spool holds raw events, so it must be private: it is created ``0700``, and a directory that
belongs to another user or that others may write to is refused (nothing is written to it or
replayed from it), since a local user could otherwise read events or plant some. Besides event
files (``*.json``) it keeps counter records (``*.count``: drop counts the database could not
take at exit), added to their counter on replay.
"""

import logging
import os
import shutil
import stat
import time
import uuid
from pathlib import Path

from .. import conf
from ..processing import codec

logger = logging.getLogger("minisentry")

EVENT_SUFFIX, COUNT_SUFFIX = ".json", ".count"
STALE_TMP = 600.0  # seconds after which a temporary file is a crashed writer's leftover


class UnsafeSpool(OSError):
    """The spool directory belongs to another user or is writable by others."""


def directory() -> Path:
    return Path(conf.get("SPOOL_DIR"))


def problem(path: Path | None = None) -> str:
    """Why ``path`` (the spool directory by default) must not be used as a spool, or ``""``."""
    path = path or directory()
    try:
        info = path.stat()
    except FileNotFoundError:
        return ""
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    if not stat.S_ISDIR(info.st_mode):
        return "it is not a directory"
    if info.st_uid != os.geteuid():
        return f"it belongs to user id {info.st_uid}, not to this process's ({os.geteuid()})"
    if info.st_mode & 0o022:
        return f"others may write to it (mode {stat.S_IMODE(info.st_mode):04o})"
    return ""


def private_directory() -> Path:
    """The spool directory, created private if it is missing; raises :class:`UnsafeSpool`."""
    spool = directory()
    spool.mkdir(mode=0o700, parents=True, exist_ok=True)
    if reason := problem(spool):
        raise UnsafeSpool(f"minisentry refuses the spool directory {spool}: {reason}")
    return spool


def _write_file(spool: Path, suffix: str, data: bytes) -> None:
    """Write ``data`` atomically as a new spool file; its temporary file never outlives a failure."""
    name = f"{time.time_ns()}-{uuid.uuid4().hex}{suffix}"
    tmp = spool / f".{name}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        os.replace(tmp, spool / name)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write(payloads: list[bytes | dict]) -> int:
    """Keep each snapshot (JSON bytes or an event dict) in the spool; return how many could not
    be written (and were logged)."""
    try:
        spool = private_directory()
    except OSError as exc:
        logger.error("minisentry: cannot use the spool directory: %s; %d event(s) lost", exc, len(payloads))
        return len(payloads)
    failed = 0
    for payload in payloads:
        try:
            _write_file(spool, EVENT_SUFFIX, codec.as_bytes(payload))
        except OSError:
            failed += 1
            logger.exception("minisentry: cannot write to spool directory %s", spool)
    return failed


def write_count(name: str, n: int) -> bool:
    """Keep ``n`` to add to the counter ``name`` on replay; False (logged) if it cannot be written."""
    try:
        _write_file(private_directory(), COUNT_SUFFIX, codec.dumps({"counter": name, "value": n}))
        return True
    except OSError:
        logger.exception("minisentry: cannot write the %s counter (%d) to the spool", name, n)
        return False


def listing(suffix: str) -> list[Path]:
    try:
        return sorted(p for p in directory().iterdir() if p.suffix == suffix and not p.name.startswith("."))
    except (FileNotFoundError, NotADirectoryError):
        return []


def files() -> list[Path]:
    """Spooled events, oldest first."""
    return listing(EVENT_SUFFIX)


def sweep(older_than: float = STALE_TMP) -> int:
    """Remove temporary files that crashed writers left behind; return how many."""
    removed, limit = 0, time.time() - older_than
    try:
        candidates = [p for p in directory().iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
    except (FileNotFoundError, NotADirectoryError):
        return 0
    for path in candidates:
        try:
            if path.lstat().st_mtime < limit:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            pass
    return removed


def size() -> tuple[int, int]:
    """Number of spooled events and their bytes."""
    paths = files()
    return len(paths), sum(p.stat().st_size for p in paths if p.exists())


def free_bytes() -> int | None:
    """Free space on the spool's file system (of its nearest existing parent), or None."""
    path = directory()
    while not path.exists() and path != path.parent:
        path = path.parent
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None
