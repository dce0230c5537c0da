"""The alerts' outbox in a process of its own: a forked child sends its alerts from a thread of its
own (its parent's queue is not its), and an exit with an alert stuck waits a bounded time."""

import json
import os
import subprocess
import sys

from ..conftest import ROOT

SCRIPT = r"""
import atexit, json, os, sys, threading, time, django
atexit.register(lambda: print("exit ends", time.monotonic(), flush=True))  # runs after the outbox's
django.setup()
from django.conf import settings
from minisentry.ops.outbox import outbox

settings.MINISENTRY_ALERTS = {"timeout": float(sys.argv[2])}  # how long the exit waits

stuck, sent = threading.Event(), []
def send(batch):
    if "stuck" in batch:
        stuck.set()
        threading.Event().wait()  # a mail server that never answers
    sent.extend((alert, threading.current_thread().name, os.getpid()) for alert in batch)
    return 0
outbox.use(load=lambda batch: batch, send=send, count=lambda name, n: None)
outbox.put("stuck")
assert stuck.wait(10)
if sys.argv[1] == "fork":
    pid = os.fork()
    if pid == 0:
        outbox.put("from the child")
        ok = outbox.flush(10)
        print(json.dumps({"flushed": ok, "sent": sent, "pid": os.getpid()}), flush=True)
        os._exit(0)
    os.waitpid(pid, 0)
else:
    atexit.register(lambda: print("exit starts", time.monotonic(), flush=True))  # runs before it
"""


def run(mode: str, timeout: float) -> subprocess.CompletedProcess:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="tests.settings", PYTHONPATH=str(ROOT))
    command = [sys.executable, "-c", SCRIPT, mode, str(timeout)]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_a_forked_child_sends_from_a_thread_of_its_own():
    out = run("fork", 0.1)
    assert out.returncode == 0, out.stderr
    [child] = [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]
    assert child["flushed"]
    assert child["sent"] == [["from the child", "minisentry-alerts", child["pid"]]]


def test_exit_gives_a_stuck_alert_a_bounded_time_and_says_so():
    out = run("exit", 2)  # the alerts' timeout bounds the wait
    assert out.returncode == 0, out.stderr
    times = dict(line.rsplit(" ", 1) for line in out.stdout.splitlines() if line.startswith("exit "))
    assert 1.9 < float(times["exit ends"]) - float(times["exit starts"]) < 4
    assert "1 alert(s) not sent at exit" in out.stderr
