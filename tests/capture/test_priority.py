"""The writer yields the CPU to the site's requests: by default its thread runs under Linux's
``SCHED_IDLE``; ``MINISENTRY_WRITER_NICENESS`` may instead add a number to its nice value (Linux,
where a scheduling policy and a nice value belong to each thread)."""

import os
import sys
import threading

import pytest
from django.test import override_settings

import minisentry
from minisentry.capture import priority
from minisentry.capture.writer import writer

from ..conftest import single_backend

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="nice values are per thread on Linux only")


def nice(thread_id: int) -> int:
    return os.getpriority(os.PRIO_PROCESS, thread_id)


def policy(thread_id: int) -> int:
    return os.sched_getscheduler(thread_id)


def lowered_in_a_new_thread() -> tuple[int, int]:
    """How much lower than this thread a new thread runs after ``priority.lower()``, and its policy."""
    found = []

    def run():
        priority.lower()
        found.append((nice(threading.get_native_id()), policy(0)))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return found[0][0] - nice(threading.get_native_id()), found[0][1]


@single_backend
def test_the_writer_runs_when_the_site_leaves_a_core_idle(sentry):
    sentry.capture_message("stored by a thread of the lowest priority")
    assert minisentry.flush(30)
    assert policy(writer._thread.native_id) == os.SCHED_IDLE
    assert policy(threading.get_native_id()) == os.SCHED_OTHER  # the capturing thread keeps its own


@pytest.mark.parametrize(("niceness", "lowered", "scheduled"), [
    ("idle", 0, os.SCHED_IDLE), (5, 5, os.SCHED_OTHER), (1, 1, os.SCHED_OTHER), (0, 0, os.SCHED_OTHER),
    ("5", 0, os.SCHED_OTHER), (-1, 0, os.SCHED_OTHER), (20, 0, os.SCHED_OTHER), (None, 0, os.SCHED_OTHER),
])
def test_the_setting_says_how_much_lower(niceness, lowered, scheduled):
    """A number is added to the nice value; 0 keeps the process's priority; a value check E008
    refuses changes nothing."""
    with override_settings(MINISENTRY_WRITER_NICENESS=niceness):
        assert lowered_in_a_new_thread() == (min(lowered, 19 - nice(threading.get_native_id())), scheduled)
