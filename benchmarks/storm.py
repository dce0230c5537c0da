"""The count-only path of an error storm, per event, against the stored path in the same run.

``python -m benchmarks.storm --db sqlite --events 2000``: realistic events (5–50 KB, see events.py)
of 20 issues, CPU time per event of each step the writer takes: the stored path (``prepare``:
parse, scrub, group, compress; with the storm setting on, grouping comes first and is done again
only when scrubbing replaced something) and the count-only one (parse, group, ``sample``), their
parts, and the index transaction for 500 stored or 500 counted records (a quarter of ``--events``).
"""

import argparse
import statistics
import time

from . import common


def per_event(function, items) -> float:
    """Median over 5 rounds of the CPU µs per item of ``function``."""
    rounds = []
    for _ in range(5):
        started = time.process_time()
        for item in items:
            function(item)
        rounds.append((time.process_time() - started) / len(items) * 1e6)
    return round(statistics.median(rounds), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()
    common.setup(args.db, "filesystem")
    try:
        from minisentry.grouping import get_grouping
        from minisentry.processing import codec
        from minisentry.processing.prepare import prepare
        from minisentry.processing.prepare import sample as count_only
        from minisentry.storage import index

        from .events import sample

        payloads = sample(args.events)
        events = [codec.loads(p) for p in payloads]
        counted = list(zip(events, payloads))
        figures = {
            "stored_prepare": per_event(prepare, payloads),
            "stored_prepare_storm_on": per_event(lambda p: prepare(p, keep=lambda primary_hash: True), payloads),
            "counted_prepare": per_event(lambda p: prepare(p, keep=lambda primary_hash: False), payloads),
            "parse": per_event(codec.loads, payloads),
            "group": per_event(get_grouping, events),
            "prepare_counts": per_event(lambda c: count_only(*c, keep=lambda primary_hash: False), counted),
        }
        n = len(payloads) // 4  # 500 of the default 2,000
        stored = [prepare(p) for p in payloads[:2 * n]]
        sampled = [prepare(p, keep=lambda primary_hash: False) for p in payloads[2 * n:3 * n]]
        index.store(stored[:n], "filesystem")  # creates the issues
        for name, batch in (("index_stored", stored[n:]), ("index_counted", sampled)):
            started = time.process_time()
            index.store(batch, "filesystem")
            figures[name] = round((time.process_time() - started) / len(batch) * 1e6, 1)
        common.emit({"benchmark": "storm", "db": args.db, "cpu_us_per_event": figures,
                     "raw_kb_mean": round(sum(map(len, payloads)) / len(payloads) / 1024, 1)})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
