"""The background writer: one thread per process turning queued snapshots into stored events.

The calling thread only appends to a bounded in-memory queue: the SDK's own serialized copy of
the event while the queue is short, JSON bytes beyond (so a burst's memory is bounded by bytes).
The writer thread takes batches, prepares them (grouping, index fields, compression) and hands
them to the backend through its own database connection. A batch that keeps failing is spooled
to disk; a snapshot that does not fit in the queue is counted as dropped, and the count is
stored and logged.
"""

import atexit
import logging
import os
import threading
import time
from collections import deque

from . import codec, conf

logger = logging.getLogger("minisentry")

LOG_INTERVAL = 10.0  # seconds between two "queue full" warnings
# The hook wakes the writer only for a backlog of WAKE_AT events; otherwise the writer looks at the
# queue every LINGER seconds. Waking a thread per event cost the calling thread a context switch
# (~10-25 µs on this VM, more than the rest of the hook).
LINGER = 0.2
WAKE_AT = 50
INLINE_EVENTS = 100  # queued events kept as dicts; past this many queued events, snapshots are bytes


def byte_size(payload: bytes | dict) -> int:
    """Bytes a queued snapshot counts against ``QUEUE_BYTES`` (dicts are bounded by number instead)."""
    return len(payload) if isinstance(payload, bytes) else 0


class Writer:
    def __init__(self):
        self._reset()
        os.register_at_fork(after_in_child=self._reset)
        self._exit_registered = False

    def _reset(self) -> None:
        """Fresh state: in a forked child the parent's queue and thread are not ours."""
        self._pid = os.getpid()
        self._cond = threading.Condition(threading.Lock())
        self._queue: deque[bytes | dict] = deque()
        self._queued_bytes = 0
        self._pending = 0  # queued + being written
        self._in_flight: list[bytes | dict] = []
        self._thread: threading.Thread | None = None
        self._dropped_unsaved = 0  # not yet added to the stored counter
        self._dropped_retry = 0  # adding them failed once; retried with the next batch
        self.dropped = 0
        self.spooled = 0
        self._last_warning = 0.0
        self._drop_reason = ""
        self._next_spool_check = 0.0  # monotonic time of the next look into the spool

    # calling thread ---------------------------------------------------------------------------

    def enqueue(self, payload: bytes | dict) -> bool:
        """Queue a snapshot for the writer; False (and counted) when the queue is full.

        A dict must be the caller's to give away (the SDK's serialized copy of an event it will not
        send); it is queued as is while fewer than ``INLINE_EVENTS`` events wait, serialized otherwise."""
        if self._pid != os.getpid():
            self._reset()
        if isinstance(payload, dict) and len(self._queue) >= INLINE_EVENTS:
            payload = codec.dumps(payload)
        with self._cond:
            if (
                len(self._queue) >= conf.get("QUEUE_SIZE")
                or self._queued_bytes + byte_size(payload) > conf.get("QUEUE_BYTES")
            ):
                self._count_dropped_locked(1, "the queue is full")
                return False
            self._queue.append(payload)
            self._queued_bytes += byte_size(payload)
            self._pending += 1
            if len(self._queue) >= WAKE_AT:
                self._cond.notify()
            self._ensure_thread_locked()
        return True

    def count_dropped(self, n: int, reason: str) -> None:
        with self._cond:
            self._count_dropped_locked(n, reason)

    def _count_dropped_locked(self, n: int, reason: str) -> None:
        """Count; the writer thread logs and stores the count (no I/O in the calling thread)."""
        self.dropped += n
        self._dropped_unsaved += n
        self._drop_reason = reason
        self._cond.notify()
        self._ensure_thread_locked()

    def _ensure_thread_locked(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="minisentry-writer", daemon=True)
            self._thread.start()
            if not self._exit_registered:
                atexit.register(self._at_exit)
                self._exit_registered = True

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued event is stored (or spooled); False if ``timeout`` ran out."""
        if threading.current_thread() is self._thread:
            return not self._pending
        with self._cond:
            if self._pending:
                self._ensure_thread_locked()
                self._cond.notify_all()  # the writer may be lingering
            return self._cond.wait_for(lambda: not self._pending and not self._dropped_unsaved, timeout)

    def _at_exit(self) -> None:
        """Give the writer SHUTDOWN_TIMEOUT seconds, then spool whatever is still unwritten."""
        if self._pid != os.getpid() or self.flush(conf.get("SHUTDOWN_TIMEOUT")):
            return
        with self._cond:
            left = list(self._in_flight) + list(self._queue)
            self._queue.clear()
        logger.error("minisentry: %d event(s) not written at exit; spooling them", len(left))
        from . import spool

        self.spooled += len(left) - spool.write(left)

    # writer thread ----------------------------------------------------------------------------

    def _run(self) -> None:
        from django.apps import apps

        while True:
            with self._cond:
                while not self._queue and not self._dropped_unsaved:
                    self._cond.wait(LINGER)
                size = conf.get("BATCH_SIZE")
                batch = [self._queue.popleft() for _ in range(min(size, len(self._queue)))]
                self._in_flight = batch
                self._queued_bytes -= sum(map(byte_size, batch))
            try:
                while not apps.ready:  # events captured while Django starts wait for it
                    time.sleep(0.05)
                self._save_dropped_count()
                if batch:
                    self._write(batch)
                with self._cond:
                    idle = not self._queue
                if idle:  # hold no database connection while there is nothing to write
                    self._close_connections()
            except Exception:  # the writer must survive anything
                logger.exception("minisentry: writer error")
            finally:
                with self._cond:
                    self._in_flight = []
                    self._pending -= len(batch)
                    self._cond.notify_all()

    @staticmethod
    def _close_connections() -> None:
        from django.db import connections

        for connection in connections.all(initialized_only=True):
            try:
                connection.close()
            except Exception:
                logger.warning("minisentry: closing a database connection failed", exc_info=True)

    def _save_dropped_count(self) -> None:
        with self._cond:
            fresh, self._dropped_unsaved = self._dropped_unsaved, 0
            n, self._dropped_retry = fresh + self._dropped_retry, 0
            total, reason = self.dropped, self._drop_reason
        if not n:
            return
        now = time.monotonic()
        if fresh and now - self._last_warning > LOG_INTERVAL:
            self._last_warning = now
            logger.error("minisentry: dropped event(s) because %s; %d dropped so far", reason, total)
        try:
            from . import index

            index.count("dropped", n)
        except Exception:
            logger.exception("minisentry: could not store the dropped-events counter")
            with self._cond:
                self._dropped_retry += n

    def _write(self, batch: list[bytes | dict]) -> None:
        from django.db import close_old_connections

        from .backends import get_backend
        from .prepare import prepare
        from . import alerts, spool

        records, unreadable = [], []
        for payload in batch:
            try:
                records.append(prepare(payload))
            except Exception:
                logger.exception("minisentry: cannot prepare an event; spooling it")
                unreadable.append(payload)
            # Hand the GIL over between events: a thread capturing an event would otherwise wait
            # for the switch interval (5 ms) while this one groups a whole batch.
            time.sleep(0)
        delay = conf.get("RETRY_DELAY")
        for attempt in range(1, conf.get("RETRIES") + 1):
            try:
                close_old_connections()
                alerts.notify(get_backend().save(records))  # never raises
                break
            except Exception:
                logger.warning("minisentry: storing %d event(s) failed (attempt %d)", len(records), attempt, exc_info=True)
                self._close_connections()
                time.sleep(delay)
                delay *= 2
        else:
            unreadable.extend(r.payload for r in records)
            records = []
        if unreadable:
            lost = spool.write(unreadable)
            self.spooled += len(unreadable) - lost
            if lost:
                self.count_dropped(lost, "the spool directory could not be written")
            else:
                logger.error("minisentry: %d event(s) spooled to %s", len(unreadable), spool.directory())
            self._next_spool_check = 0.0
        elif records and time.monotonic() >= self._next_spool_check:
            self._replay()

    def _replay(self) -> None:
        """After a success, ingest what earlier failures left in the spool (one batch at a time)."""
        from . import spool

        try:
            stored, _known, bad = spool.replay(limit=conf.get("BATCH_SIZE"))
            if stored:
                logger.info("minisentry: replayed %d spooled event(s)", stored)
            more = len(spool.files()) > len(bad)
        except Exception:
            logger.exception("minisentry: replaying the spool failed")
            more = False
        if not more:
            self._next_spool_check = time.monotonic() + conf.get("SPOOL_CHECK_INTERVAL")


writer = Writer()
enqueue = writer.enqueue
flush = writer.flush
