"""The writer thread's CPU priority: below the site's requests when the CPU is short.

On Linux a thread's scheduling policy and nice value are its own, so the writer lowers its own
priority without touching the threads that answer requests. Elsewhere it keeps the process's."""

import logging
import os
import sys
import threading

from .. import conf

logger = logging.getLogger("minisentry")
MOST = 19  # the lowest priority Linux gives
IDLE = "idle"


def lower() -> None:
    """Lower the calling thread's priority as ``MINISENTRY_WRITER_NICENESS`` says: ``"idle"``, Linux's
    ``SCHED_IDLE`` (the thread runs when a core has nothing else to run), or a number added to its
    nice value (at most to 19). Never raises: a value check E008 refuses, or a system that refuses
    the call, leaves the priority as it is."""
    niceness = conf.get("WRITER_NICENESS")
    if sys.platform != "linux" or not (niceness == IDLE or type(niceness) is int and 0 < niceness <= MOST):
        return
    try:
        if niceness == IDLE:
            os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))  # 0: the calling thread
        else:
            thread = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, thread, min(os.getpriority(os.PRIO_PROCESS, thread) + niceness, MOST))
    except OSError as error:
        logger.warning("minisentry: the writer thread keeps the process's CPU priority (%s)", error)
