"""Moving blobs database → filesystem → S3 with ``minisentry_move_blobs`` (S3: a local moto server).

``python -m benchmarks.move_blobs --events 10000 [--dir DIR]``: stores N events in the database
store, moves them twice, checks that every ``Event.load()`` returns the same JSON, prints blobs/s.
"""

import argparse
import subprocess
import sys
import time
import urllib.request
from io import StringIO
from pathlib import Path

from . import common
from .cleanup import seed

PORT = 5391


def moto() -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(PORT)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}", timeout=1)
            return process
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the moto server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--dir", help="Working directory (default: a new temporary one).")
    args = parser.parse_args()
    work = common.setup("sqlite", "filesystem", directory=args.dir)
    server = moto()
    try:
        common.unbounded_queue()
        run(args.events, work)
    finally:
        server.terminate()
        common.teardown()


def run(n: int, work: Path) -> None:
    from django.core.management import call_command
    from django.test import override_settings

    from minisentry.models import Event
    from tests.conftest import s3_config

    stores = {
        "database": {"BACKEND": "minisentry.backends.database.DatabaseBackend"},
        "filesystem": {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
                       "OPTIONS": {"location": str(work / "moved")}},
        "s3": s3_config(f"http://127.0.0.1:{PORT}", "minisentry-bench"),
    }
    with override_settings(MINISENTRY_BACKEND="database", MINISENTRY_BACKENDS=stores):
        seed(n)
        before = {e.pk: e.load() for e in Event.objects.all()}
    for kind in ("filesystem", "s3"):
        with override_settings(MINISENTRY_BACKEND=kind, MINISENTRY_BACKENDS=stores):
            started = time.perf_counter()
            call_command("minisentry_move_blobs", stdout=StringIO())
            elapsed = time.perf_counter() - started
            assert {e.segment.backend for e in Event.objects.select_related("segment")} == {kind}
            assert {e.pk: e.load() for e in Event.objects.all()} == before
        print(f"moved {n} blobs to {kind} in {elapsed:.1f} s, {n / elapsed:,.0f} blobs/s; every load() unchanged")


if __name__ == "__main__":
    main()
