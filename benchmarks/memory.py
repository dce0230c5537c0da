"""Memory: peak RSS of a process capturing a burst of events (``tests/worker.py``), SQLite + filesystem.

``python -m benchmarks.memory --events 100000``: the same worker capturing 0 events is the baseline.
"""

import argparse
import json
import os
import subprocess
import sys

from . import common


def worker(events: int) -> dict:
    output = subprocess.run([sys.executable, "-m", "tests.worker", "--events", str(events), "--sites", "20"],
                            cwd=common.ROOT, env=dict(os.environ, PYTHONPATH=str(common.ROOT)),
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    common.setup("sqlite", "filesystem")
    try:
        from minisentry.models import Event

        baseline = worker(0)
        burst = worker(args.events)
        common.emit({"benchmark": "memory", "events": args.events, "peak_rss_mb": burst["max_rss_kb"] / 1024,
                     "baseline_rss_mb": baseline["max_rss_kb"] / 1024, "dropped": burst["dropped"],
                     "sampled_out": burst["sampled_out"], "stored": Event.objects.count(), "flushed": burst["flushed"]})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
