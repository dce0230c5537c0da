"""The background writer: one thread per process turning queued snapshots into stored events.

The calling thread only appends to a bounded in-memory queue: the SDK's own serialized copy of
the event while the queue is short, JSON bytes beyond (so a burst's memory is bounded by bytes).
The writer thread takes batches, prepares them (grouping, index fields, compression) and hands
them to the backend through its own database connection. Whatever fails, a batch ends stored,
spooled to disk, or (when the spool cannot be written either) counted as dropped; a snapshot that
does not fit in the queue is counted as dropped, and the count is stored and logged. Events from the
ingest endpoint (``source="ingest"``) may fill only ``MINISENTRY_INGEST_QUEUE_SHARE`` of the queue:
past it ``enqueue`` refuses them (the endpoint answers 429), and the site's own events keep the rest.

What the writer runs on a batch (``capture.stages``: prepare, store, count, replay) uses the models,
so ``apps.py`` hands it over once the apps are ready; this module is importable from ``settings.py``.

Fork safety: the writer holds its work lock while it handles a batch, and releases it only with
its database connections closed; ``os.fork()`` waits for that lock, so a child never inherits a
half-written batch or an open connection, and starts a clean writer of its own.

Re-entry: a signal handler or a ``__del__`` may capture while its thread holds the writer's state
lock (an ``RLock``): such a capture only appends to a second deque (atomic), which the writer
adopts at its next look, so it neither deadlocks nor corrupts a count.

Exit: the at-exit flush runs from ``atexit`` and from a ``multiprocessing.util.Finalize`` (its
children end with ``os._exit``); an event captured after it is flushed (or spooled) at once.
"""

import atexit
import logging
import os
import sys
import threading
import time
from collections import deque
from multiprocessing import util as mp_util
from types import ModuleType

from .. import conf
from ..processing import codec
from . import exiting, priority, spool
from .counting import Counting, Tallies
from .saving import close_connections, save

logger = logging.getLogger("minisentry")

# The hook wakes the writer only for a backlog of WAKE_AT events, else it looks every LINGER seconds
# (a wake-up per event cost the caller a context switch, ~10-25 µs). Between batches it lingers too,
# unless WAKE_AT wait: a batch's dozen statements and commit, paid by a few events, cost ~1 ms each.
LINGER = 0.2
WAKE_AT = 50
# The first INLINE_EVENTS queued events wait as dicts, later ones too while the queue (DICT_BYTES a
# dict, a generous guess) stays under half QUEUE_BYTES; else as JSON (~4x smaller), counted by length.
INLINE_EVENTS = 100
DICT_BYTES = 64 * 1024
FORK_WAIT = 30.0  # longest a fork waits for the writer to finish its batch (stores have timeouts)
# multiprocessing's finalizers of positive priority (pools, queues), which may capture, run before ours
EXIT_PRIORITY = 0


def byte_size(payload: bytes | dict) -> int:
    """Bytes a queued snapshot counts against ``QUEUE_BYTES``."""
    return len(payload) if isinstance(payload, bytes) else DICT_BYTES


class Received(bytes):
    """A payload from the ingest endpoint, as queued: its share of the queue is counted apart."""


class Writer(Counting):
    def __init__(self):
        self._reset()
        self._exit_registered = False
        self._stages: ModuleType | None = None
        os.register_at_fork(before=self._before_fork, after_in_parent=self._after_fork, after_in_child=self._reset)
        self._arm_exit()
        mp_util.register_after_fork(self, Writer._arm_exit)  # a multiprocessing child clears finalizers

    def _arm_exit(self) -> None:
        """Flush as a ``multiprocessing`` child ends (``os._exit`` skips ``atexit``); spool if terminated."""
        mp_util.Finalize(None, self._at_exit, exitpriority=EXIT_PRIORITY)
        exiting.arm(self._spool_rest)

    def _reset(self) -> None:
        """Fresh state: in a forked child the parent's queue, locks and thread are not ours."""
        self._pid = os.getpid()
        self._lock = threading.RLock()  # the state's: reentrant, for a capture from a signal handler
        self._cond = threading.Condition(self._lock)
        self._nested: deque[bytes | dict] = deque()  # captured while their thread held the lock
        self._nested_counts: deque[tuple[str, int]] = deque()  # counts added there
        self._exited = False  # the at-exit flush has run: later captures are flushed at once
        self._exit_stuck = False  # it timed out: later captures are spooled at once
        self._work = threading.RLock()  # held while importing stages and handling a batch
        self._fork_waiting = self._fork_held = False
        self._queue: deque[bytes | dict] = deque()
        self._queued_bytes = 0
        self._received = self._received_bytes = 0  # queued events (and their bytes) from the endpoint
        self._pending = 0  # queued + being written
        self._flushing = 0  # threads waiting in flush(): the writer neither lingers nor yields
        self._in_flight: list[bytes | dict] = []
        self._thread: threading.Thread | None = None
        self._tallies = Tallies()  # counts for the durable counters, stored by the writer thread
        self.dropped = 0
        self.spooled = 0
        self._last_warning = 0.0
        self._drop_reason = ""
        self._next_spool_check = 0.0  # monotonic time of the next look into the spool

    def _before_fork(self) -> None:
        self._fork_waiting = True
        self._fork_held = self._work.acquire(timeout=FORK_WAIT)

    def _after_fork(self) -> None:
        self._fork_waiting = False
        if self._fork_held:
            self._fork_held = False
            self._work.release()

    # calling thread ---------------------------------------------------------------------------

    def enqueue(self, payload: bytes | dict, source: str = "site") -> bool:
        """Queue a snapshot for the writer; False (and counted) when the queue is full.

        A dict must be the caller's to give away (the SDK's serialized copy of an event it will not
        send); it is queued as is while fewer than ``INLINE_EVENTS`` events wait or while the queue
        stays under half ``QUEUE_BYTES`` (a dict counting ``DICT_BYTES``), serialized otherwise.
        ``source="ingest"``: bytes from the ingest endpoint, refused (False, not counted: the
        endpoint answers 429 and counts it) past their share of the queue."""
        if source == "ingest":
            return self._enqueue_received(Received(payload))
        if self._lock._is_owned():  # re-entered (a signal handler, a __del__): see the module's doc
            return self._enqueue_nested(payload)
        if self._pid != os.getpid():  # forked by something that skips os.register_at_fork hooks
            self._reset()
        if self._exited:
            return self._enqueue_late(payload)
        limit = conf.get("QUEUE_BYTES")
        inline = isinstance(payload, dict)
        if inline and len(self._queue) >= INLINE_EVENTS and self._queued_bytes + DICT_BYTES > limit // 2:
            payload, inline = codec.dumps(payload), False
        size = byte_size(payload)
        with self._cond:
            if len(self._queue) >= conf.get("QUEUE_SIZE") or not inline and self._queued_bytes + size > limit:
                self._count_dropped_locked(1, "the queue is full")
                return False
            self._push_locked(payload, size)
        return True

    def has_room(self, size: int = 0) -> bool:
        """Whether the endpoint's share of the queue can take one more event of ``size`` bytes."""
        share = conf.get("INGEST_QUEUE_SHARE")
        return not (self._received + 1 > share * conf.get("QUEUE_SIZE") or len(self._queue) >= conf.get("QUEUE_SIZE")
                    or self._received_bytes + size > share * conf.get("QUEUE_BYTES"))

    def _enqueue_received(self, payload: Received) -> bool:
        if self._pid != os.getpid():
            self._reset()
        if self._exited or self._lock._is_owned():
            return False  # the endpoint answers 503/429: its client sends again later
        with self._cond:
            if not self.has_room(len(payload)):
                return False
            self._push_locked(payload, len(payload))
        return True

    def _push_locked(self, payload: bytes | dict, size: int) -> None:
        """Queue it, waking the writer once enough wait, and start the thread if needed."""
        self._append_locked(payload, size)
        if len(self._queue) >= WAKE_AT:
            self._cond.notify()
        self._ensure_thread_locked()

    def _append_locked(self, payload: bytes | dict, size: int) -> None:
        self._queue.append(payload)
        self._queued_bytes += size
        self._pending += 1
        if isinstance(payload, Received):
            self._received += 1
            self._received_bytes += size

    def _taken_locked(self, payloads: list[bytes | dict]) -> None:
        """``payloads`` left the queue (for a batch, or the spool)."""
        received = [len(p) for p in payloads if isinstance(p, Received)]
        self._queued_bytes -= sum(map(byte_size, payloads))
        self._received, self._received_bytes = self._received - len(received), self._received_bytes - sum(received)

    def _enqueue_nested(self, payload: bytes | dict) -> bool:
        """Queue a capture made while this thread holds the lock, changing nothing it holds it for."""
        if len(self._nested) >= conf.get("QUEUE_SIZE"):
            self._nested_counts.append(("dropped", 1))
            return False
        self._nested.append(payload)
        return True

    def _adopt_nested_locked(self) -> None:
        """Move nested captures and drop counts into the queue and the counts."""
        while self._nested:
            payload = self._nested.popleft()
            self._append_locked(payload, byte_size(payload))
        while self._nested_counts:
            name, n = self._nested_counts.popleft()
            if name == "dropped":
                self._count_dropped_locked(n, "the queue is full")
            else:
                self._count_locked(name, n)

    def _enqueue_late(self, payload: bytes | dict) -> bool:
        """After the at-exit flush: flush the event now, or spool it (the writer gone or stuck); not
        once the interpreter finalizes (imports fail, a frozen daemon thread may hold any lock)."""
        thread = self._thread
        if sys.is_finalizing():
            return False
        if self._exit_stuck or thread is None or not thread.is_alive():
            self.spooled += exiting.spool_now(payload)
            return True
        with self._cond:
            self._append_locked(payload, byte_size(payload))
        self._flush_or_spool()
        return True

    def _ensure_thread_locked(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="minisentry-writer", daemon=True)
            self._thread.start()
            if not self._exit_registered:
                atexit.register(self._at_exit)
                self._exit_registered = True

    def _settled(self) -> bool:
        self._adopt_nested_locked()
        return not (self._pending or self._tallies.pending())

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued event is stored (or spooled) and every drop count is stored;
        False if ``timeout`` ran out first."""
        if threading.current_thread() is self._thread or self._lock._is_owned():
            return not (self._pending or self._nested)  # waiting here would wait for ourselves
        with self._cond:
            if self._settled():
                return True
            self._ensure_thread_locked()
            self._tallies.retry_at = 0.0
            self._flushing += 1
            self._cond.notify_all()  # the writer may be lingering
            try:
                return self._cond.wait_for(self._settled, timeout)
            finally:
                self._flushing -= 1

    def _at_exit(self) -> None:
        """Give the writer SHUTDOWN_TIMEOUT seconds, then spool whatever is still unwritten, the
        drop counts the database did not take included; later captures are flushed at once."""
        if self._pid == os.getpid():
            self._exited = True
            self._flush_or_spool()

    def _flush_or_spool(self) -> None:
        if not self.flush(conf.get("SHUTDOWN_TIMEOUT")):
            self._exit_stuck = True  # later captures are spooled at once
            self._spool_rest()

    def _spool_rest(self) -> None:
        """Spool what is queued or being written, then the drop counts not stored (these too)."""
        with self._cond:
            self._adopt_nested_locked()
            left = list(self._in_flight) + list(self._queue)
            self._pending -= len(self._queue)
            self._taken_locked(list(self._queue))
            self._queue.clear()
            self._in_flight = []  # spooled: replay is idempotent if the writer still stores them
        if left:
            logger.error("minisentry: %d event(s) not written at exit; spooling them", len(left))
            self._keep(left)
        with self._cond:
            self._adopt_nested_locked()
            counts = self._tallies.drain()
        for name, n in counts.items():
            if not spool.write_count(name, n):
                logger.error("minisentry: %d could not be added to the %s counter at exit", n, name)

    # writer thread ----------------------------------------------------------------------------

    def use(self, stages: ModuleType) -> None:
        """Run ``stages`` (``minisentry.capture.stages``) on batches; ``apps.py`` calls this."""
        self._stages = stages

    def _run(self) -> None:
        while self._stages is None:  # events captured while Django starts wait for it
            time.sleep(0.05)
        priority.lower()
        while True:
            with self._cond:
                deadline = time.monotonic() + LINGER
                while not self._due(deadline):
                    self._cond.wait(max(deadline - time.monotonic(), 0.0) or LINGER)
            self._session()

    def _due(self, deadline: float) -> bool:
        """Whether to write now: a drop count to store, ``WAKE_AT`` events waiting, a flush waiting,
        or any event once ``deadline`` (``LINGER`` after the last batch) has passed."""
        self._adopt_nested_locked()
        if self._tallies.unsaved or self._tallies.retry_due():
            return True
        return bool(self._queue) and (
            len(self._queue) >= WAKE_AT or self._flushing > 0 or time.monotonic() >= deadline
        )

    def _session(self) -> None:
        """Write batches while a backlog (``WAKE_AT`` events) or a flush waits and no fork does,
        then close the database connections: the work lock is released only without an open
        connection, since a forked child must not inherit one (SQLite's locks would then refuse
        the child's own)."""
        with self._work:
            try:
                while True:
                    self._save_counts()
                    with self._cond:
                        self._adopt_nested_locked()
                        size = conf.get("BATCH_SIZE")
                        batch = [self._queue.popleft() for _ in range(min(size, len(self._queue)))]
                        self._in_flight = batch
                        self._taken_locked(batch)
                    try:
                        if batch:
                            self._write(batch)
                    finally:
                        with self._cond:
                            self._in_flight = []
                            self._pending -= len(batch)
                            self._cond.notify_all()
                    with self._cond:
                        more = len(self._queue) >= WAKE_AT or self._queue and self._flushing > 0
                    if not more or self._fork_waiting:
                        break
            except BaseException:  # the writer must survive anything; _write keeps its batch itself
                logger.exception("minisentry: writer error")
            finally:
                close_connections()

    def _write(self, batch: list[bytes | dict]) -> None:
        """Store the batch; what cannot be stored is spooled. Never raises."""
        try:
            records, unreadable = [], []
            for payload in batch:
                try:
                    records.append(self._stages.prepare(payload))
                except BaseException as error:  # SystemExit from an object's __repr__ too
                    if isinstance(payload, Received) and isinstance(error, ValueError):
                        logger.debug("minisentry: an event from the ingest endpoint is invalid: %s", error)
                        self.count("ingest:invalid")  # the sender's fault: counted, not kept
                    else:
                        logger.exception("minisentry: cannot prepare an event; spooling it")
                        unreadable.append(payload)
                # Hand the GIL over between events: a thread capturing an event would otherwise wait
                # for the switch interval (5 ms) while this one groups a whole batch. Not while a
                # flush waits for this thread: a zero sleep takes ~60-90 µs on this VM.
                if not self._flushing:
                    time.sleep(0)
            stored = save(self._stages, records) if records else True
        except BaseException:
            logger.exception("minisentry: writing %d event(s) failed; spooling them", len(batch))
            self._keep(batch)
            return
        if not stored:
            unreadable.extend(r.original() for r in records)
        if unreadable:
            self._keep(unreadable)
            self._next_spool_check = 0.0
        elif records and time.monotonic() >= self._next_spool_check:
            self._replay()

    def _keep(self, payloads: list[bytes | dict]) -> None:
        """Spool the payloads; what the spool cannot take is counted as dropped. Never raises."""
        try:
            lost = spool.write(payloads)
        except BaseException:
            logger.exception("minisentry: spooling %d event(s) failed", len(payloads))
            lost = len(payloads)
        with self._cond:
            self.spooled += len(payloads) - lost
        if lost:
            self.count_dropped(lost, "the spool directory could not be written")
        else:
            logger.error("minisentry: %d event(s) spooled to %s", len(payloads), spool.directory())

    def _replay(self) -> None:
        """After a success, ingest what earlier failures left in the spool (one batch at a time)."""
        try:
            replayed = self._stages.replay(limit=conf.get("BATCH_SIZE"))
            if replayed.stored:
                logger.info("minisentry: replayed %d spooled event(s)", replayed.stored)
            more = len(spool.files()) > len(replayed.bad)
        except BaseException:
            logger.exception("minisentry: replaying the spool failed")
            more = False
        if not more:
            self._next_spool_check = time.monotonic() + conf.get("SPOOL_CHECK_INTERVAL")


writer = Writer()
enqueue, flush, count_dropped = writer.enqueue, writer.flush, writer.count_dropped  # what the hook calls
