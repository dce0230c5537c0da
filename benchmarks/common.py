"""Shared by the benchmark scripts: a configured Django, a scratch database, a moto server, statistics.

Each script runs one configuration per process: ``setup(db, backend)`` points the test settings
(``tests/settings.py``) at a fresh SQLite file or PostgreSQL database and at a blob store under a
temporary directory, then migrates. ``teardown()`` drops the PostgreSQL database.

The scripts use minisentry's public API only (``store()``, ``flush()``, ``stats()``, settings,
models, management commands), so that they measure whatever the writer and the layout become.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = {"host": os.environ.get("PGHOST", "127.0.0.1"), "port": os.environ.get("PGPORT", "5432"),
      "user": os.environ.get("PGUSER", "postgres")}
_cleanup = []


def setup(db: str = "sqlite", backend: str = "filesystem", directory: str | None = None,
          wagtail: bool = False) -> Path:
    """Configure Django for ``db`` (sqlite, postgres) and ``backend`` (filesystem, s3, database),
    with a working directory (database file, blobs) made under ``directory`` (default: /tmp).
    Wagtail (when installed) only with ``wagtail``: its migrations take most of a fresh database's set-up."""
    work = Path(tempfile.mkdtemp(prefix="minisentry-bench-", dir=directory))
    _cleanup.append(lambda: shutil.rmtree(work, ignore_errors=True))
    for name in [n for n in os.environ if n.startswith("MINISENTRY_TEST_")]:
        del os.environ[name]
    os.environ.update(DJANGO_SETTINGS_MODULE="tests.settings", MINISENTRY_TEST_WORKDIR=str(work),
                      MINISENTRY_TEST_DB=db, AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
                      MINISENTRY_TEST_WAGTAIL="1" if wagtail else "0")
    if db == "postgres":
        name = f"bench_minisentry_{uuid.uuid4().hex[:8]}"
        _psql(f"CREATE DATABASE {name}")
        _cleanup.append(lambda: _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        os.environ.update(MINISENTRY_TEST_DB_NAME=name, MINISENTRY_TEST_USE_TEST_DB="1")
    os.environ["MINISENTRY_TEST_BACKEND"] = json.dumps(backend_config(backend, work))
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return work


def backend_config(backend: str, work: Path) -> dict:
    """The ``MINISENTRY_BACKEND`` setting of ``backend`` (filesystem, s3, database)."""
    if backend == "filesystem":
        return {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
                "OPTIONS": {"location": str(work / "blobs")}}
    if backend == "database":
        return {"BACKEND": "minisentry.backends.database.DatabaseBackend"}
    return _s3_config()


def settings(**values):
    """``MINISENTRY_<name>`` settings, as a context manager (``setting_changed`` fires, so minisentry
    reads them afresh). ``with settings(storm=None):`` stores every event."""
    from django.test import override_settings

    return override_settings(**{f"MINISENTRY_{name.upper()}": value for name, value in values.items()})


def unbounded_queue() -> None:
    """A queue that holds a whole benchmark's events: an ingest measures the writer, never drops."""
    settings(queue_size=10**7, queue_bytes=2**40).enable()


def ingest(events: list[dict], lossless: bool = True) -> float:
    """Seconds from handing ``events`` (the SDK's dicts, given away) to ``minisentry.store()``
    until ``minisentry.flush()`` returns: every event handled (``lossless``: none dropped; with
    storm sampling on, the sampled-out ones may be counted under another name or this one)."""
    import minisentry

    hook = minisentry.store()
    dropped = minisentry.stats()["dropped"]
    started = time.perf_counter()
    for event in events:
        hook(event, {})
    assert minisentry.flush(3600), "the writer did not finish within an hour"
    elapsed = time.perf_counter() - started
    assert not lossless or minisentry.stats()["dropped"] == dropped, "events were dropped"
    return elapsed


NAIVE_TABLE = "CREATE TABLE bench_naive (event_id char(32) PRIMARY KEY, data text NOT NULL)"


def naive_table() -> None:
    """The table of :func:`naive_store`."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(NAIVE_TABLE)


def naive_store(event, hint) -> None:
    """The baseline: a ``before_send`` that stores each event synchronously, ``json.dumps`` and one
    INSERT committed on its own (in ``naive_table()``)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_naive (event_id, data) VALUES (%s, %s)",
                       [uuid.uuid4().hex, json.dumps(event, default=repr)])


def naive_ingest(events: list[dict]) -> float:
    """Seconds for :func:`naive_store` to store ``events`` (the table made first, untimed)."""
    naive_table()
    started = time.perf_counter()
    for event in events:
        naive_store(event, {})
    return time.perf_counter() - started


def disk_bytes(path: Path) -> int:
    """Bytes allocated on disk under ``path`` (``du``: blocks, directories included), not apparent size."""
    total = 0
    for folder, _, files in os.walk(path):
        total += os.lstat(folder).st_blocks * 512
        total += sum(os.lstat(os.path.join(folder, name)).st_blocks * 512 for name in files)
    return total


def teardown() -> None:
    from django.db import connections

    connections.close_all()
    while _cleanup:
        _cleanup.pop()()


def _psql(sql: str) -> None:
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PG) as connection:
        connection.execute(sql)


def _s3_config() -> dict:
    """A moto S3 server in its own process on loopback, and a bucket in it."""
    import socket

    import boto3

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _cleanup.append(lambda: (process.terminate(), process.wait(10)))
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            urllib.request.urlopen(endpoint, timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    credentials = {"region_name": "us-east-1", "aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    boto3.client("s3", endpoint_url=endpoint, **credentials).create_bucket(Bucket="bench")
    return {"BACKEND": "minisentry.backends.s3.S3Backend",
            "OPTIONS": {"bucket_name": "bench", "prefix": "events", "endpoint_url": endpoint,
                        "region_name": "us-east-1", "access_key": "testing", "secret_key": "testing"}}


def arguments(doc: str, db: str = "sqlite") -> argparse.ArgumentParser:
    """A script's parser with the usual ``--db``, ``--backend``, ``--events`` and ``--runs``."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--db", default=db)
    parser.add_argument("--backend", default="filesystem")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    return parser


def summary(samples: list[float]) -> dict:
    """Median, p99 (nearest rank) and best (highest) of ``samples``."""
    ordered = sorted(samples)
    return {"median": statistics.median(ordered), "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
            "max": ordered[-1], "n": len(ordered)}


def emit(result: dict) -> None:
    """The script's result, as the last line of its output (read by ``python -m benchmarks``)."""
    print(json.dumps(result), flush=True)
