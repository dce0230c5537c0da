"""Storing a batch on the writer thread's own database connections, with retries."""

import logging
import time
from types import ModuleType

from django.db import connections

from .. import conf

logger = logging.getLogger("minisentry")


def close_connections() -> None:
    for connection in connections.all(initialized_only=True):
        try:
            connection.close()
        except Exception:
            logger.warning("minisentry: closing a database connection failed", exc_info=True)


def save(stages: ModuleType, records: list) -> bool:
    """Store the records (blobs, then index, then alerts), with retries; False once every attempt
    failed (``SystemExit`` or ``KeyboardInterrupt`` from a store included). The connection stays
    open from batch to batch of a session (closing SQLite's last one checkpoints its WAL: ~5 ms of
    CPU); a failed attempt closes it."""
    delay = conf.get("RETRY_DELAY")
    for attempt in range(1, conf.get("RETRIES") + 1):
        try:
            stages.store(records)
            return True
        except BaseException:
            logger.warning("minisentry: storing %d event(s) failed (attempt %d)", len(records), attempt, exc_info=True)
            close_connections()
            time.sleep(delay)
            delay *= 2
    return False
