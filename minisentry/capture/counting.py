"""The writer's counting: counts for durable counters (``dropped``, the ingest endpoint's
``ingest:*``…) are added by any thread in memory and stored by the writer thread; a count the
database refuses is retried every ``COUNT_RETRY`` seconds, and spooled at exit."""

import logging
import time
from collections import Counter

logger = logging.getLogger("minisentry")

COUNT_RETRY = 1.0  # seconds between attempts to store counts the database refused
LOG_INTERVAL = 10.0  # seconds between two "queue full" warnings


class Tallies:
    """Counts not stored yet; the writer holds its lock around every call."""

    def __init__(self):
        self.unsaved: Counter[str] = Counter()  # counted, not yet handed to the database
        self.saving: Counter[str] = Counter()  # being added to the stored counters now
        self.retry: Counter[str] = Counter()  # adding them failed; retried at retry_at
        self.retry_at = 0.0
        self.total: Counter[str] = Counter()  # everything counted by this process

    def add(self, name: str, n: int) -> None:
        self.unsaved[name] += n
        self.total[name] += n

    def retry_due(self) -> bool:
        return bool(self.retry) and time.monotonic() >= self.retry_at

    def pending(self) -> bool:
        """Whether any count is not stored yet."""
        return bool(self.unsaved or self.saving or self.retry)

    def take(self) -> Counter[str]:
        """The counts to store now (fresh ones, and refused ones once due), marked as being saved."""
        counts = self.unsaved
        if self.retry_due():
            counts, self.retry = counts + self.retry, Counter()
        self.unsaved, self.saving = Counter(), counts
        return counts

    def done(self, failed: Counter[str] | None = None) -> None:
        """The counts taken are stored, less ``failed`` (retried later)."""
        self.saving = Counter()
        if failed:
            self.retry.update(failed)
            self.retry_at = time.monotonic() + COUNT_RETRY

    def drain(self) -> Counter[str]:
        """Every count not stored, taken for the spool (at exit)."""
        counts = self.unsaved + self.saving + self.retry
        self.unsaved, self.saving, self.retry = Counter(), Counter(), Counter()
        return counts


class Counting:
    """The writer's counting: drops and other durable counts, from any thread (a re-entered one
    included: see ``writer``), stored by the writer thread."""

    def count_dropped(self, n: int, reason: str) -> None:
        if self._lock._is_owned():  # re-entered: as in enqueue
            return self._nested_counts.append(("dropped", n))
        with self._cond:
            self._count_dropped_locked(n, reason)

    def _count_dropped_locked(self, n: int, reason: str) -> None:
        """Count; the writer thread logs and stores the count (no I/O in the calling thread)."""
        self.dropped += n
        self._drop_reason = reason
        self._count_locked("dropped", n)

    def counted(self, prefix: str) -> dict[str, int]:
        """What this process counted since it started, of the counters named ``prefix…``."""
        return {name.removeprefix(prefix): n for name, n in sorted(self._tallies.total.items())
                if name.startswith(prefix)}

    def count(self, name: str, n: int = 1) -> None:
        """Add ``n`` to the durable counter ``name``; the writer thread stores it."""
        if self._lock._is_owned():
            return self._nested_counts.append((name, n))
        with self._cond:
            self._count_locked(name, n)

    def _count_locked(self, name: str, n: int) -> None:
        self._tallies.add(name, n)
        self._cond.notify()
        self._ensure_thread_locked()

    def _save_counts(self) -> None:
        """Store the counts taken (a warning for fresh drops first); those refused are retried."""
        with self._cond:
            fresh = self._tallies.unsaved["dropped"] > 0
            counts = self._tallies.take()
            total, reason = self.dropped, self._drop_reason
        now = time.monotonic()
        if fresh and now - self._last_warning > LOG_INTERVAL:
            self._last_warning = now
            logger.error("minisentry: dropped event(s) because %s; %d dropped so far", reason, total)
        failed = counts.copy()
        try:
            for name, n in counts.items():
                self._stages.count(name, n)
                del failed[name]
        except BaseException:
            logger.exception("minisentry: could not store the %s counter; retrying", next(iter(failed)))
        finally:
            with self._cond:
                self._tallies.done(failed)
