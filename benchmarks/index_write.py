"""The index transaction's cost per event, for batches of 500 prepared events.

``python -m benchmarks.index_write --db sqlite --batches 8``: prepares the events first (outside the
timing), then times ``storage.index.store`` alone per batch (issues already exist after the first
batch, as in steady ingest). ``--tree DIR`` imports minisentry from another checkout (e.g. main),
for a before/after in one run; ``--profile`` prints a cProfile of the timed batches.
"""

import argparse
import cProfile
import pstats
import statistics
import time

from . import common


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--batches", type=int, default=8)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    common.setup(args.db, "filesystem")
    try:
        from minisentry.processing.prepare import prepare
        from minisentry.storage import index

        from .events import sample

        size = args.batch_size
        records = [prepare(p) for p in sample(size * (args.batches + 1))]
        batches = [records[i:i + size] for i in range(0, len(records), size)]
        index.store(batches[0], "default")  # creates the issues: later batches are steady state
        profiler = cProfile.Profile() if args.profile else None
        per_event, cpu = [], []
        for batch in batches[1:]:
            started, cpu_started = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            index.store(batch, "default")
            if profiler:
                profiler.disable()
            per_event.append((time.perf_counter() - started) / len(batch) * 1e6)
            cpu.append((time.process_time() - cpu_started) / len(batch) * 1e6)
        if profiler:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        common.emit({"benchmark": "index_write", "db": args.db, "code": index.__file__,
                     "wall_us_per_event_median": round(statistics.median(per_event), 1),
                     "cpu_us_per_event_median": round(statistics.median(cpu), 1),
                     "cpu_us_per_event_min": round(min(cpu), 1)})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
