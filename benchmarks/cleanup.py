"""Retention: deleting many events with ``minisentry_cleanup --max-age-days 0``, SQLite + files on disk.

``python -m benchmarks.cleanup --events 1000000 [--dir DIR]``: stores N small events (~1 KB of
JSON, ten issues, timestamps spread over the last ten days) through ``minisentry.store()`` with
storm sampling off, so the blobs are laid out as the writer lays them out; then times the
cleanup, checks that no event is left and measures what stays on disk. ``--dir`` puts the
database and the blobs on that file system (default: /tmp, the VM's disk). Baseline in the same
run: unlinking 10,000 freshly made small files on the same file system (µs per file).
"""

import argparse
import time
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

from . import common

CHUNK = 10_000
CALIBRATION_FILES = 10_000


def event(i: int, n: int, now: datetime) -> dict:
    """A small exception event of one of ten issues, ``10 * i / n`` days old."""
    site = i % 10
    frames = [{"filename": f"shop/views_{site}.py", "module": f"shop.views_{site}", "function": f"handle_{site}",
               "lineno": 10 + depth, "in_app": True, "context_line": f"    step_{depth}(order)"} for depth in range(3)]
    return {"event_id": f"{i:032x}", "timestamp": (now - timedelta(days=10 * i / n, seconds=1)).isoformat(),
            "level": "error", "platform": "python", "environment": "production", "server_name": "web-1",
            "exception": {"values": [{"type": "ValueError", "value": f"order {i} failed", "module": "builtins",
                                      "stacktrace": {"frames": frames}}]},
            "extra": {"padding": "x" * 500}}


def seed(n: int) -> float:
    """Store ``n`` events through the writer; the seconds it took."""
    now, started = datetime.now(UTC), time.perf_counter()
    with common.settings(storm=None):
        for start in range(0, n, CHUNK):
            common.ingest([event(i, n, now) for i in range(start, min(start + CHUNK, n))])
    return time.perf_counter() - started


def unlink_us(folder: Path) -> float:
    """µs to unlink one of CALIBRATION_FILES small files spread over 100 folders of ``folder``."""
    paths = []
    for i in range(CALIBRATION_FILES):
        path = folder / f"{i % 100:02d}" / f"{i:08d}.zst"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x" * 600)
        paths.append(path)
    started = time.perf_counter()
    for path in paths:
        path.unlink()
    return (time.perf_counter() - started) * 1e6 / len(paths)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--dir", help="where the database and the blobs go (default: a new folder in /tmp)")
    args = parser.parse_args()
    work = common.setup("sqlite", "filesystem", directory=args.dir)
    try:
        from django.core.management import call_command

        from minisentry.models import Event

        common.unbounded_queue()
        seconds = seed(args.events)
        assert Event.objects.count() == args.events
        disk_before = common.disk_bytes(work / "blobs")
        started = time.perf_counter()
        call_command("minisentry_cleanup", "--max-age-days", "0", stdout=StringIO())
        elapsed = time.perf_counter() - started
        assert not Event.objects.exists()
        baseline = unlink_us(work / "calibration")
        common.emit({"benchmark": "cleanup", "events": args.events, "seed_s": seconds,
                     "seed_events_per_s": args.events / seconds, "cleanup_s": elapsed,
                     "events_per_s": args.events / elapsed, "s_per_million": elapsed * 1e6 / args.events,
                     "disk_bytes_before": disk_before, "disk_bytes_after": common.disk_bytes(work / "blobs"),
                     "unlink_us_per_file": baseline,
                     "vs_unlink": elapsed * 1e6 / args.events / baseline})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
