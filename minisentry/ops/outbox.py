"""The alerts' outbox: a bounded queue and the daemon thread that sends what it holds, one per
process, so that a mail server or webhook that never answers holds only this thread, never the
writer.

What the thread does with the alerts is handed over by ``apps.py`` (``use``): ``load`` (database
work: rate limits, the issues' rows) then ``send`` (network, with timeouts) on each batch taken
from the queue, and ``count`` to store how many could not go out. This module touches no model,
so ``minisentry.stats()`` reads its count from ``settings.py`` on.

An alert that cannot go out (a full queue, a timeout, an error) is logged and counted: in
``failed`` (this process, ``minisentry.stats()["alerts_failed"]``) and in the ``alerts_failed``
counter (``minisentry_stats``). A forked child starts with an empty queue and a thread of its own
(a fork waits for the thread's database work, whose connections are closed before it lets go). At
interpreter exit, queued alerts get up to ``MINISENTRY_ALERTS["timeout"]`` seconds; what is left
then is logged.
"""

import atexit
import logging
import os
import threading
import time
from collections import deque

from .. import conf
from ..capture.saving import close_connections

logger = logging.getLogger("minisentry")

SIZE = 1000  # alerts waiting at most; past it an alert is counted as failed
FORK_WAIT = 30.0  # longest a fork waits for the thread's database work
COUNT_RETRY = 5.0  # seconds between attempts to store the failed count


class Outbox:
    def __init__(self):
        self._load = self._send = self._count = None
        self.failed = 0
        self._reset()
        os.register_at_fork(before=self._before_fork, after_in_parent=self._after_fork, after_in_child=self._reset)
        # Registered at import, before the writer's exit handler (at its first event): handlers run
        # last-registered first, so this one runs after the writer stored (and alerted) what it could.
        atexit.register(self._at_exit)

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._cond = threading.Condition(threading.Lock())
        self._db = threading.Lock()  # held for the thread's database work; a fork waits for it
        self._fork_held = False
        self._queue: deque = deque()
        self._busy = 0  # alerts taken from the queue, not yet sent
        self._unsaved = 0  # failures counted here, not yet in the database
        self._count_at = 0.0
        self._thread: threading.Thread | None = None

    def _before_fork(self) -> None:
        self._fork_held = self._db.acquire(timeout=FORK_WAIT)

    def _after_fork(self) -> None:
        if self._fork_held:
            self._fork_held = False
            self._db.release()

    def use(self, load, send, count) -> None:
        """``load(alerts) -> ready`` (database), ``send(ready) -> failures`` (network, never raises),
        ``count(name, n)`` (a durable counter); ``apps.py`` calls this."""
        self._load, self._send, self._count = load, send, count

    def put(self, alert) -> bool:
        """Queue an alert for the thread; False (logged and counted) when the queue is full."""
        if self._pid != os.getpid():
            self._reset()
        with self._cond:
            if len(self._queue) >= SIZE:
                self._fail_locked(1)
                logger.error("minisentry: the alerts' queue is full (%d); an alert was not sent", SIZE)
                return False
            self._queue.append(alert)
            self._cond.notify()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="minisentry-alerts", daemon=True)
                self._thread.start()
        return True

    def fail(self, n: int, stored: bool = False) -> None:
        """Count ``n`` alerts that did not go out (the caller logged why); ``stored``: the caller
        added them to the ``alerts_failed`` counter itself."""
        with self._cond:
            if stored:
                self.failed += n
            else:
                self._fail_locked(n)

    def _fail_locked(self, n: int) -> None:
        self.failed += n
        self._unsaved += n

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every queued alert was sent or failed; False if ``timeout`` ran out first."""
        if threading.current_thread() is self._thread:
            return False
        with self._cond:
            return self._cond.wait_for(lambda: not (self._queue or self._busy), timeout)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not (self._queue or self._unsaved and time.monotonic() >= self._count_at):
                    self._cond.wait(COUNT_RETRY if self._unsaved else None)
                batch = list(self._queue)
                self._queue.clear()
                self._busy = len(batch)
            try:
                if batch:
                    self.fail(self._send(self._load_batch(batch)))
            except Exception:
                logger.exception("minisentry: %d alert(s) could not be sent", len(batch))
                self.fail(len(batch))
            finally:
                self._save_count()
                with self._cond:
                    self._busy = 0
                    self._cond.notify_all()

    def _load_batch(self, batch: list):
        with self._db:
            try:
                return self._load(batch)
            finally:
                close_connections()

    def _save_count(self) -> None:
        with self._cond:
            n = self._unsaved if time.monotonic() >= self._count_at else 0
            self._unsaved -= n
        if not n:
            return
        with self._db:
            try:
                self._count("alerts_failed", n)
            except Exception:
                logger.exception("minisentry: could not store the alerts_failed counter; retrying")
                with self._cond:
                    self._unsaved += n
                    self._count_at = time.monotonic() + COUNT_RETRY
            finally:
                close_connections()

    def _at_exit(self) -> None:
        if self._pid != os.getpid() or self.flush(exit_wait()):
            return
        with self._cond:
            left = len(self._queue) + self._busy
        logger.error("minisentry: %d alert(s) not sent at exit", left)


def exit_wait() -> float:
    """How long the exit waits for queued alerts: the alerts' timeout."""
    options = conf.get("ALERTS")
    timeout = options.get("timeout") if isinstance(options, dict) else None
    return float(timeout) if isinstance(timeout, (int, float)) else conf.DEFAULTS["ALERTS"]["timeout"]


outbox = Outbox()
