"""Promises kept under real gunicorn processes: ``--preload`` forks, a store that never answers."""

import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings

from minisentry.capture import spool
from minisentry.models import Event, Issue

from ..conftest import ROOT, backend_config, s3_config, worker_env
from ..servers import StallingProxy, gunicorn

pytestmark = pytest.mark.slow


def test_preload_with_a_capture_at_import_stores_every_event(tmp_path, request, transactional_db):
    """The master captures while it loads the app, then forks 4 workers: nothing may be lost."""
    env = worker_env(backend_config("filesystem", tmp_path, request), tmp_path / "spool")
    env["MINISENTRY_TEST_CAPTURE_AT_IMPORT"] = "1"
    env["MINISENTRY_TEST_STORM"] = "null"  # a worker may get more than a storm's 600 of one issue
    with gunicorn(env, tmp_path / "gunicorn.log", "--preload", "-w", "4") as server:
        statuses = server.get_many([f"/fail/{n}/" for n in range(1000)])
        assert statuses == [500] * 1000
        server.stop()
    log = (tmp_path / "gunicorn.log").read_text()
    assert Event.objects.count() == 1001, log
    assert Issue.objects.aggregate(n=Sum("event_count"))["n"] == 1001
    assert Issue.objects.filter(title__startswith="RuntimeError: request").get().event_count == 1000
    assert not list((tmp_path / "spool").glob("*.json"))


def behind_a_stalling_proxy(moto_endpoint: str, bucket: str, tmp_path, shutdown: float) -> tuple[StallingProxy, dict]:
    """A proxy to moto, and a subprocess environment storing into ``bucket`` through it."""
    proxy = StallingProxy((urlsplit(moto_endpoint).hostname, urlsplit(moto_endpoint).port))
    config = s3_config(moto_endpoint, bucket)
    config["OPTIONS"]["endpoint_url"] = proxy.url
    env = worker_env(config, tmp_path / "spool")
    env["MINISENTRY_TEST_SHUTDOWN_TIMEOUT"] = str(shutdown)
    return proxy, env


def wait_for_events(n: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while Event.objects.count() < n and time.monotonic() < deadline:
        time.sleep(0.1)
    assert Event.objects.count() == n


def test_a_store_that_stops_answering_cannot_keep_the_queue_at_exit(tmp_path, request, transactional_db, moto_endpoint):
    """S3 stops answering (connections accepted, requests read, no reply): at SIGTERM the worker
    spools its events within SHUTDOWN_TIMEOUT + 5 s, and a replay stores them all. The request
    after the stall captures 60 events at once, so the writer's batch holds many and uploads them
    in parallel, as under load."""
    shutdown = 2.0
    proxy, env = behind_a_stalling_proxy(moto_endpoint, "minisentry-stalling", tmp_path, shutdown)
    try:
        with gunicorn(env, tmp_path / "gunicorn.log", "-w", "1") as server:
            assert server.get_many([f"/fail/{n}/?log=2" for n in range(5)], clients=2) == [500] * 5
            wait_for_events(15)
            proxy.stall()
            assert server.get("/fail/5/?log=59") == 500
            time.sleep(1)  # the writer is now stuck uploading them
            took = server.stop()
    finally:
        proxy.close()
    log = (tmp_path / "gunicorn.log").read_text()
    assert took < shutdown + 5, log
    assert len(list((tmp_path / "spool").glob("*.json"))) == 60, log
    assert "not written at exit; spooling them" in log

    direct = s3_config(moto_endpoint, "minisentry-stalling")
    with override_settings(MINISENTRY_BACKEND=direct, MINISENTRY_SPOOL_DIR=str(tmp_path / "spool")):
        call_command("minisentry_replay")
        assert spool.files() == []
    assert Event.objects.count() == 75
    assert Issue.objects.get(title__startswith="RuntimeError").event_count == 6


def test_a_process_exits_and_spools_whatever_its_stalled_store_does(tmp_path, request, transactional_db, moto_endpoint):
    """A plain process (no server): its store stops answering with a batch in flight; the
    interpreter still exits within SHUTDOWN_TIMEOUT + 5 s, the events spooled."""
    shutdown = 2.0
    proxy, env = behind_a_stalling_proxy(moto_endpoint, "minisentry-exit", tmp_path, shutdown)
    process = subprocess.Popen([sys.executable, "-m", "tests.exiter", "10"], cwd=ROOT, env=env, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout.readline().strip() == "stored"
        proxy.stall()
        process.stdin.write("go\n")
        process.stdin.flush()
        start = time.monotonic()
        try:
            _, err = process.communicate(timeout=shutdown + 6)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError(f"the process did not exit within {shutdown + 6} s") from None
        took = time.monotonic() - start
    finally:
        proxy.close()
    assert process.returncode == 0, err
    assert took < shutdown + 6  # the second it sleeps, then at most SHUTDOWN_TIMEOUT + 5 s
    assert len(list((tmp_path / "spool").glob("*.json"))) == 10, err
