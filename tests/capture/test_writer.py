"""The writer: flush, spool and replay, drops counted, fork, exit, many processes at once."""

import json
import os
import subprocess
import sys
import uuid

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings

import minisentry
from minisentry.capture import spool
from minisentry.capture.writer import INLINE_EVENTS
from minisentry.models import (
    Counter,
    Event,
    Issue,
    IssueHash,
    IssueHourlyCount,
    IssueTag,
    Segment,
)

from ..conftest import ROOT, backend_config, worker_env


def event(n: int = 0) -> dict:
    return {"event_id": uuid.uuid4().hex, "message": f"spooled {n}", "level": "error"}


def test_failing_store_spools_then_replay_stores_once(backend, tmp_path, caplog):
    broken = {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
              "OPTIONS": {"location": str(tmp_path / "a-file")}}
    (tmp_path / "a-file").write_text("a file where the store's directory should be")
    hook = minisentry.store()
    events = [event(n) for n in range(7)]
    with override_settings(MINISENTRY_BACKEND=broken):
        for e in events:
            hook(e, {})
        assert minisentry.flush(30)
    assert Event.objects.count() == 0
    assert len(spool.files()) == 7
    assert "spooled to" in caplog.text

    call_command("minisentry_replay")
    assert spool.files() == []
    assert set(Event.objects.values_list("event_id", flat=True)) == {e["event_id"] for e in events}
    assert Issue.objects.get().event_count == 7

    spool.write([json.dumps(events[0]).encode()])  # the same event again: replay is idempotent
    call_command("minisentry_replay")
    assert Event.objects.count() == 7 and Issue.objects.get().event_count == 7


def test_writer_replays_the_spool_after_a_success(backend):
    spool.write([json.dumps(event(n)).encode() for n in range(3)])
    minisentry.store()(event(99), {})
    assert minisentry.flush(30)
    assert Event.objects.count() == 4
    assert spool.files() == []


def test_full_queue_drops_are_counted_and_stored(backend):
    before = minisentry.stats()["dropped"]
    hook = minisentry.store()
    with override_settings(MINISENTRY_QUEUE_SIZE=3):
        for n in range(300):
            hook(event(n), {})
        assert minisentry.flush(30)
    dropped = minisentry.stats()["dropped"] - before
    assert dropped > 0
    assert Event.objects.count() + dropped == 300
    assert Counter.objects.get(name="dropped").value == dropped


def test_queue_bytes_bound_a_burst_of_events_handed_over_as_dicts(backend):
    """The first events wait as the SDK's dicts; past INLINE_EVENTS they are JSON counted against QUEUE_BYTES."""
    before = minisentry.stats()["dropped"]
    hook = minisentry.store()
    with override_settings(MINISENTRY_QUEUE_SIZE=100_000, MINISENTRY_QUEUE_BYTES=4096, MINISENTRY_STORM=None):
        for n in range(1000):
            hook(dict(event(n), extra={"padding": "x" * 1000}), {})
        assert minisentry.flush(60)
    dropped = minisentry.stats()["dropped"] - before
    assert Event.objects.count() >= INLINE_EVENTS
    assert dropped > 0
    assert Event.objects.count() + dropped == 1000


def test_forked_child_gets_its_own_writer(backend):
    hook = minisentry.store()
    hook(event(1), {})
    assert minisentry.flush(30)
    pid = os.fork()
    if pid == 0:  # child
        try:
            hook(event(2), {})
            os._exit(0 if minisentry.flush(30) else 1)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    hook(event(3), {})
    assert minisentry.flush(30)
    assert Event.objects.count() == 3


def run_workers(config, tmp_path, processes: int, events: int, *extra: str, each=lambda i: []) -> list[dict]:
    """Run ``processes`` workers at once; ``each(i)`` gives worker i's own extra arguments."""
    env = worker_env(config, tmp_path / "spool")
    procs = [
        subprocess.Popen([sys.executable, "-m", "tests.worker", "--events", str(events), *extra, *each(i)],
                         cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for i in range(processes)
    ]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    assert [p.returncode for p in procs] == [0] * processes
    return [json.loads(out.strip().splitlines()[-1]) for out in outputs]


@pytest.mark.parametrize("kind", ["filesystem", "s3", "database"])
def test_exit_without_flush_still_stores(kind, tmp_path, request, transactional_db):
    config = backend_config(kind, tmp_path, request)
    [result] = run_workers(config, tmp_path, 1, 40, "--no-flush")
    assert result["dropped"] == 0
    assert Event.objects.count() == 40


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["filesystem", "database"])
def test_four_processes_into_the_same_ten_issues(kind, tmp_path, request, transactional_db):
    config = backend_config(kind, tmp_path, request)
    results = run_workers(config, tmp_path, 4, 2500, "--sites", "10")
    assert all(r["flushed"] and r["dropped"] == 0 for r in results)
    assert Event.objects.count() == 10_000
    assert Issue.objects.count() == 10
    assert sorted(Issue.objects.values_list("event_count", flat=True)) == [1000] * 10
    assert IssueHash.objects.values("hash").distinct().count() == IssueHash.objects.count()
    assert IssueHourlyCount.objects.aggregate(n=Sum("count"))["n"] == 10_000
    assert IssueTag.objects.filter(key="level").aggregate(n=Sum("count"))["n"] == 10_000
    with override_settings(MINISENTRY_BACKEND=config):
        keys = {key for key, _ in minisentry.get_backend().iter_blobs()}
    assert keys == set(Segment.objects.values_list("key", flat=True))  # one segment per batch
    assert Event.objects.filter(segment=None).count() == 0


@pytest.mark.slow
def test_burst_of_30000_events_is_stored_or_counted(tmp_path, request, transactional_db):
    config = backend_config("filesystem", tmp_path, request)
    [result] = run_workers(config, tmp_path, 1, 30_000, "--messages")  # three times the queue
    stored = Event.objects.count()
    counters = dict(Counter.objects.values_list("name", "value"))
    assert result["flushed"]
    # an error storm: past 600 events a minute per issue, events are counted, one in 100 stored
    assert stored + result["sampled_out"] + result["dropped"] == 30_000
    assert Issue.objects.aggregate(n=Sum("event_count"))["n"] == 30_000 - result["dropped"]
    assert counters.get("dropped", 0) == result["dropped"]
    assert counters.get("sampled_out", 0) == result["sampled_out"] > 0
    # Memory stays bounded by the queue (64 MiB of payloads at most), not by the burst.
    assert result["max_rss_kb"] < 400 * 1024
