"""Promises kept under real gunicorn processes: ``--preload`` forks, a store that never answers."""

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import override_settings

from minisentry import spool
from minisentry.models import Event, Issue

from .conftest import backend_config, s3_config, worker_env
from .servers import black_hole, gunicorn

pytestmark = pytest.mark.slow


def test_preload_with_a_capture_at_import_stores_every_event(tmp_path, request, transactional_db):
    """The master captures while it loads the app, then forks 4 workers: nothing may be lost."""
    env = worker_env(backend_config("filesystem", tmp_path, request), tmp_path / "spool")
    env["MINISENTRY_TEST_CAPTURE_AT_IMPORT"] = "1"
    with gunicorn(env, tmp_path / "gunicorn.log", "--preload", "-w", "4") as server:
        statuses = server.get_many([f"/fail/{n}/" for n in range(1000)])
        assert statuses == [500] * 1000
        server.stop()
    log = (tmp_path / "gunicorn.log").read_text()
    assert Event.objects.count() == 1001, log
    assert Issue.objects.aggregate(n=Sum("event_count"))["n"] == 1001
    assert Issue.objects.filter(title__startswith="RuntimeError: request").get().event_count == 1000
    assert not list((tmp_path / "spool").glob("*.json"))


def test_a_store_that_never_answers_cannot_keep_the_queue_at_exit(tmp_path, request, transactional_db, moto_endpoint):
    """S3 accepts connections and never answers: at SIGTERM the worker spools its events within
    SHUTDOWN_TIMEOUT + 5 s, and a replay against a working S3 stores them all."""
    shutdown = 2.0
    with black_hole() as endpoint:
        config = s3_config(moto_endpoint, "minisentry-black-hole")
        config["OPTIONS"]["endpoint_url"] = endpoint
        env = worker_env(config, tmp_path / "spool")
        env["MINISENTRY_TEST_SHUTDOWN_TIMEOUT"] = str(shutdown)
        with gunicorn(env, tmp_path / "gunicorn.log", "-w", "1") as server:
            assert server.get_many([f"/fail/{n}/" for n in range(10)], clients=2) == [500] * 10
            took = server.stop()
    log = (tmp_path / "gunicorn.log").read_text()
    assert took < shutdown + 5, log
    spooled = list((tmp_path / "spool").glob("*.json"))
    assert len(spooled) == 10, log
    assert "not written at exit; spooling them" in log

    working = s3_config(moto_endpoint, "minisentry-after-the-outage")
    with override_settings(MINISENTRY_BACKEND=working, MINISENTRY_SPOOL_DIR=str(tmp_path / "spool")):
        call_command("minisentry_replay")
        assert spool.files() == []
        assert Event.objects.count() == 10
        assert Event.objects.first().load()["exception"]["values"][-1]["type"] == "RuntimeError"
