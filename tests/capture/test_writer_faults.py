"""Whatever fails in the writer, a batch ends stored, spooled or counted; drop counts survive an
outage; the spool never keeps temporary files and is refused when it is not private."""

import json
import os
import subprocess
import sys
import time
import uuid

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.test import override_settings

import minisentry
from minisentry.capture import spool, stages
from minisentry.capture.writer import writer
from minisentry.models import Counter, Event

from ..conftest import ROOT, backend_config, worker_env


def event(n: int = 0, padding: int = 0) -> dict:
    return {"event_id": uuid.uuid4().hex, "message": f"fault {n}", "level": "error", "extra": {"pad": "x" * padding}}


def capture(n: int, **kwargs) -> list[dict]:
    events = [event(i, **kwargs) for i in range(n)]
    hook = minisentry.store()
    for e in events:
        hook(e, {})
    return events


def dropped_in_db() -> int:
    return Counter.objects.filter(name="dropped").values_list("value", flat=True).first() or 0


@pytest.mark.parametrize("backend", ["filesystem"], indirect=True)
def test_a_stage_that_fails_spools_the_batch(backend, monkeypatch):
    """Storing raises something no retry expects (here an ImportError, as a half-imported module in
    a forked child did): every event of the batch is spooled, and a replay stores them."""
    def broken(records):
        raise ImportError("cannot import name 'prepare' from partially initialized module")

    before = minisentry.stats()
    monkeypatch.setattr(stages, "store", broken)
    capture(5)
    assert minisentry.flush(30)
    monkeypatch.undo()
    assert minisentry.stats()["spooled"] - before["spooled"] == 5
    assert len(spool.files()) == 5
    call_command("minisentry_replay")
    assert Event.objects.count() == 5


@pytest.mark.parametrize("backend", ["filesystem"], indirect=True)
def test_prepare_raising_spools_the_event(backend, monkeypatch):
    def broken(payload):
        raise RuntimeError("prepare is broken")

    before = minisentry.stats()["spooled"]
    monkeypatch.setattr(stages, "prepare", broken)
    capture(3)
    assert minisentry.flush(30)
    assert minisentry.stats()["spooled"] - before == 3 and len(spool.files()) == 3


@pytest.mark.parametrize("backend", ["filesystem"], indirect=True)
def test_a_backend_that_cannot_be_built_spools_the_batch(backend):
    before = minisentry.stats()["spooled"]
    with override_settings(MINISENTRY_BACKEND={"BACKEND": "minisentry.backends.filesystem.FileSystemBackend"}):
        capture(4)
        assert minisentry.flush(30)
    assert minisentry.stats()["spooled"] - before == 4 and len(spool.files()) == 4


@pytest.mark.parametrize("backend", ["filesystem"], indirect=True)
def test_when_the_spool_fails_too_every_event_is_counted(backend, tmp_path):
    (tmp_path / "not-a-dir").write_text("")
    before = minisentry.stats()["dropped"]
    broken = {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
              "OPTIONS": {"location": str(tmp_path / "not-a-dir")}}
    with override_settings(MINISENTRY_BACKEND=broken, MINISENTRY_SPOOL_DIR=str(tmp_path / "not-a-dir" / "spool")):
        capture(6)
        assert minisentry.flush(30)
    assert minisentry.stats()["dropped"] - before == 6
    assert dropped_in_db() == 6


@pytest.mark.parametrize("backend", ["filesystem"], indirect=True)
def test_drop_counts_wait_for_the_database_to_return(backend, monkeypatch):
    """The counter cannot be stored while the database is down; with no further event it is
    stored once the database returns, and flush() waits for it."""
    down = {"until": time.monotonic() + 1.5}
    real_count = stages.count

    def count(name, n):
        if time.monotonic() < down["until"]:
            raise OperationalError("the database is down")
        real_count(name, n)

    monkeypatch.setattr(stages, "count", count)
    writer.count_dropped(7, "a test says so")
    assert not minisentry.flush(0.5)  # still down: the count is not stored yet
    assert minisentry.flush(30)
    assert dropped_in_db() == 7


def test_at_exit_with_the_database_unreachable_counts_are_spooled_and_replayed(tmp_path, request, transactional_db):
    config = backend_config("filesystem", tmp_path, request)
    env = worker_env(config, tmp_path / "spool")
    env.update(MINISENTRY_TEST_DB_NAME=str(tmp_path / "no-such-dir" / "db.sqlite3"), PGPORT="1",
               MINISENTRY_TEST_QUEUE_SIZE="5", MINISENTRY_TEST_SHUTDOWN_TIMEOUT="1")
    out = subprocess.run([sys.executable, "-m", "tests.worker", "--events", "200", "--no-flush"],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    dropped = json.loads(out.stdout.strip().splitlines()[-1])["dropped"]
    assert dropped > 0
    assert list((tmp_path / "spool").glob("*.count"))
    with override_settings(MINISENTRY_SPOOL_DIR=str(tmp_path / "spool")):
        call_command("minisentry_replay")
        assert dropped_in_db() == dropped
        assert Event.objects.count() + dropped == 200
        assert not list((tmp_path / "spool").iterdir())


@pytest.fixture
def full_disk(tmp_path):
    """A 256 KiB tmpfs (needs root, as CI runs): a spool that really fills up."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)]).returncode:
        pytest.skip("mounting a small tmpfs needs root")
    yield mount
    subprocess.run(["umount", str(mount)], check=True)


@pytest.mark.parametrize("backend", ["filesystem"], indirect=True)
def test_a_full_spool_leaves_no_temporary_files_and_recovers(backend, tmp_path, full_disk):
    broken = {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
              "OPTIONS": {"location": str(tmp_path / "f")}}
    (tmp_path / "f").write_text("")
    before = minisentry.stats()
    with override_settings(MINISENTRY_BACKEND=broken, MINISENTRY_SPOOL_DIR=str(full_disk / "spool")):
        capture(300, padding=2000)
        assert minisentry.flush(60)
        spooled = minisentry.stats()["spooled"] - before["spooled"]
        dropped = minisentry.stats()["dropped"] - before["dropped"]
        names = [p.name for p in (full_disk / "spool").iterdir()]
    assert dropped > 0 and spooled > 0 and spooled + dropped == 300
    assert not [n for n in names if n.endswith(".tmp")]
    with override_settings(MINISENTRY_SPOOL_DIR=str(full_disk / "spool")):
        call_command("minisentry_replay")
        assert Event.objects.count() == spooled
        assert os.listdir(full_disk / "spool") == []
        assert spool.write([event(1, padding=2000)]) == 0  # the next outage can spool again


@pytest.mark.parametrize("backend", ["filesystem"], indirect=True)
def test_stale_temporary_files_are_swept(backend):
    spool.write([event(1)])
    stale = spool.directory() / ".crashed-writer.json.tmp"
    stale.write_bytes(b"{")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    call_command("minisentry_replay")
    assert not stale.exists() and Event.objects.count() == 1


@pytest.mark.parametrize("backend", ["filesystem"], indirect=True)
def test_stats_show_the_spool_and_its_free_space(backend, capsys):
    call_command("minisentry_stats", "--json")
    figures = json.loads(capsys.readouterr().out)
    assert figures["spool_free_bytes"] > 0
    call_command("minisentry_stats")
    assert "free" in capsys.readouterr().out


@pytest.mark.parametrize("backend", ["filesystem"], indirect=True)
def test_a_spool_that_others_may_write_to_is_refused(backend, tmp_path, caplog):
    shared = tmp_path / "shared-spool"
    shared.mkdir()
    shared.chmod(0o777)
    (shared / "1-planted.json").write_bytes(json.dumps(event(1)).encode())
    with override_settings(MINISENTRY_SPOOL_DIR=str(shared)):
        assert spool.write([event(2)]) == 1
        assert "refuses the spool directory" in caplog.text
        with pytest.raises(Exception, match="refuses to replay"):
            call_command("minisentry_replay")
        from django.core.checks import run_checks

        assert "minisentry.E005" in {m.id for m in run_checks()}
    assert Event.objects.count() == 0


def test_the_default_spool_is_private_to_the_user():
    from minisentry import conf

    default = conf.DEFAULTS["SPOOL_DIR"]
    assert str(os.geteuid()) in default.name


def test_a_store_that_stalls_is_logged_then_spooled(transactional_db, tmp_path, moto_endpoint, monkeypatch, caplog):
    from ..conftest import s3_config
    from ..servers import black_hole

    monkeypatch.setattr("minisentry.backends.base.STALL_WARNING", 0.3)
    before = minisentry.stats()["spooled"]
    with black_hole() as endpoint:
        config = s3_config(moto_endpoint, f"minisentry-{uuid.uuid4().hex[:12]}")
        config["OPTIONS"].update(endpoint_url=endpoint, read_timeout=1, max_attempts=1)
        with override_settings(MINISENTRY_BACKEND=config, MINISENTRY_SPOOL_DIR=str(tmp_path / "spool")):
            capture(3)
            assert minisentry.flush(60)
    assert "has not answered for" in caplog.text
    assert minisentry.stats()["spooled"] - before == 3
    assert len(list((tmp_path / "spool").glob("*.json"))) == 3


class Exiting:
    """A value whose ``__repr__`` raises a ``BaseException`` (as a process-ending library might)."""

    def __init__(self, kind: type[BaseException]):
        self.kind = kind

    def __repr__(self):
        raise self.kind("raised by __repr__")


@pytest.mark.parametrize("kind", [SystemExit, KeyboardInterrupt])
@pytest.mark.parametrize("backend", ["filesystem"], indirect=True)
def test_a_base_exception_from_an_event_neither_ends_the_writer_nor_loses_its_batch(backend, kind):
    """11 events queued together, one holding a value whose ``__repr__`` raises ``kind``: the 10
    others are stored, that one is spooled or counted, flush() says so, and the writer goes on."""
    before = minisentry.stats()
    events = [event(n) for n in range(11)]
    events[5]["extra"] = {"value": Exiting(kind)}
    hook = minisentry.store()
    for e in events:
        hook(e, {})
    assert minisentry.flush(30)
    after = minisentry.stats()
    assert Event.objects.count() == 10
    assert after["spooled"] - before["spooled"] + after["dropped"] - before["dropped"] == 1
    hook(event(11), {})
    assert minisentry.flush(30) and Event.objects.count() == 11


@pytest.mark.parametrize("backend", ["filesystem"], indirect=True)
def test_callbacks_raising_system_exit_never_reach_the_application(backend):
    def ends_the_process(argument):
        raise SystemExit(3)

    hook = minisentry.store(event_callback=ends_the_process, hint_callback=ends_the_process)
    assert hook(event(), {}) is None
    assert minisentry.flush(30) and Event.objects.count() == 1
