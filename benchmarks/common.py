"""Shared by the benchmark scripts: a configured Django, a scratch database, a moto server, statistics.

Each script runs one configuration per process: ``setup(db, backend)`` points the test settings
(``tests/settings.py``) at a fresh SQLite file or PostgreSQL database and at a blob store under a
temporary directory, then migrates. ``teardown()`` drops the PostgreSQL database.
"""

import json
import os
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


def setup(db: str = "sqlite", backend: str = "filesystem") -> Path:
    """Configure Django for ``db`` (sqlite, postgres) and ``backend`` (filesystem, s3, database)."""
    work = Path(tempfile.mkdtemp(prefix="minisentry-bench-"))
    for name in [n for n in os.environ if n.startswith("MINISENTRY_TEST_")]:
        del os.environ[name]
    os.environ.update(DJANGO_SETTINGS_MODULE="tests.settings", MINISENTRY_TEST_WORKDIR=str(work),
                      MINISENTRY_TEST_DB=db, AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    if db == "postgres":
        name = f"bench_minisentry_{uuid.uuid4().hex[:8]}"
        _psql(f"CREATE DATABASE {name}")
        _cleanup.append(lambda: _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        os.environ.update(MINISENTRY_TEST_DB_NAME=name, MINISENTRY_TEST_USE_TEST_DB="1")
    config = {"filesystem": {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
                             "OPTIONS": {"location": str(work / "blobs")}},
              "database": {"BACKEND": "minisentry.backends.database.DatabaseBackend"},
              "s3": _s3_config}[backend]
    os.environ["MINISENTRY_TEST_BACKEND"] = json.dumps(config() if callable(config) else config)
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return work


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


def summary(samples: list[float]) -> dict:
    """Median and p99 (nearest rank) of ``samples``."""
    ordered = sorted(samples)
    return {"median": statistics.median(ordered), "p99": ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
            "n": len(ordered)}


def emit(result: dict) -> None:
    """The script's result, as the last line of its output (read by ``python -m benchmarks``)."""
    print(json.dumps(result), flush=True)
