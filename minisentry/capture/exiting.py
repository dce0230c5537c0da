"""Process ends the at-exit flush does not cover: ``terminate()``, and captures made after it.

``terminate()`` sends SIGTERM, which by default ends a process at once: its writer's queue (events
captured in the last ``LINGER`` seconds, a batch being stored) would be lost without a count. In a
``multiprocessing`` child whose SIGTERM handling is the default, SIGTERM first spools that, then
ends the process by SIGTERM as before (exit code -15). A handler runs between bytecodes: a child
busy in a long C call ends when the call returns."""

import logging
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable

from . import spool

logger = logging.getLogger("minisentry")


def arm(spool_rest: Callable[[], None]) -> None:
    """Install the SIGTERM handler, in a ``multiprocessing`` child's main thread only."""
    if multiprocessing.parent_process() is None or threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL:
        return

    def terminated(signum, frame) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            spool_rest()
        finally:
            os.kill(os.getpid(), signal.SIGTERM)

    signal.signal(signal.SIGTERM, terminated)


def spool_now(payload: bytes | dict) -> bool:
    """Spool one event, or else a count of one dropped event; True if the event was spooled."""
    try:
        if not spool.write([payload]):
            return True
    except BaseException:
        logger.exception("minisentry: spooling an event captured at exit failed")
    if not spool.write_count("dropped", 1):
        logger.error("minisentry: an event captured at exit could not be spooled nor counted")
    return False
