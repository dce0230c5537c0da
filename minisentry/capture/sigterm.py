"""A ``multiprocessing`` child ended by ``terminate()`` spools what its writer still holds.

``terminate()`` sends SIGTERM, which by default ends a process at once: its writer's queue (events
captured in the last ``LINGER`` seconds, a batch being stored) would be lost without a count. In a
``multiprocessing`` child whose SIGTERM handling is the default, SIGTERM first spools that, then
ends the process by SIGTERM as before (exit code -15). A handler runs between bytecodes: a child
busy in a long C call ends when the call returns."""

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable


def arm(spool_rest: Callable[[], None]) -> None:
    """Install the handler, in a ``multiprocessing`` child's main thread only."""
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
