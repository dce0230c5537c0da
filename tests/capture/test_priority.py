"""The writer yields the CPU to the site's requests: its thread's nice value is the process's plus
``MINISENTRY_WRITER_NICENESS`` (Linux, where a nice value belongs to each thread)."""

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


def lowered_in_a_new_thread() -> int:
    """How much lower than this thread a new thread runs after ``priority.lower()``."""
    found = []

    def run():
        priority.lower()
        found.append(nice(threading.get_native_id()))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return found[0] - nice(threading.get_native_id())


@single_backend
def test_the_writer_runs_below_the_thread_that_captures(sentry):
    sentry.capture_message("stored by a thread of lower priority")
    assert minisentry.flush(30)
    here = nice(threading.get_native_id())
    assert nice(writer._thread.native_id) == min(here + 5, 19)
    assert nice(threading.get_native_id()) == here  # the capturing thread keeps its own


@pytest.mark.parametrize(("niceness", "lowered"), [(5, 5), (1, 1), (0, 0), ("5", 0), (-1, 0), (20, 0), (None, 0)])
def test_the_setting_says_how_much_lower(niceness, lowered):
    """0 keeps the process's priority; a value check E008 refuses changes nothing."""
    with override_settings(MINISENTRY_WRITER_NICENESS=niceness):
        assert lowered_in_a_new_thread() == min(lowered, 19 - nice(threading.get_native_id()))
