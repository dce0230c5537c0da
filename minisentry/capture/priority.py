"""The writer thread's CPU priority: below the site's requests when the CPU is short.

On Linux the nice value belongs to each thread, so the writer can lower its own without touching the
threads that answer requests. Elsewhere it keeps the process's priority."""

import logging
import os
import sys
import threading

from .. import conf

logger = logging.getLogger("minisentry")
MOST = 19  # the lowest priority Linux gives


def lower() -> None:
    """Raise the calling thread's nice value by ``MINISENTRY_WRITER_NICENESS`` (at most to 19). Never
    raises: a value check E008 refuses, or a system that refuses the call, leaves the priority as it is."""
    niceness = conf.get("WRITER_NICENESS")
    if sys.platform != "linux" or type(niceness) is not int or not 0 < niceness <= MOST:
        return
    try:
        thread = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, thread, min(os.getpriority(os.PRIO_PROCESS, thread) + niceness, MOST))
    except OSError as error:
        logger.warning("minisentry: the writer thread keeps the process's CPU priority (%s)", error)
