"""Durable ingest throughput: events/s from enqueue to committed rows and written blobs.

``python -m benchmarks.ingest --db sqlite --backend filesystem --events 10000 --runs 3``: queues
realistic events (5–50 KB, 20 issues; see events.py) and waits for ``minisentry.flush()``; the
baseline is the same writer storing one event per batch (no batching). ``--profile`` prints a
pyinstrument profile of the writer thread's work for one run.
"""

import argparse
import time

from . import common


def run(payloads: list[bytes], batch_size: int) -> float:
    """Seconds to store ``payloads`` through the writer with ``batch_size``."""
    from django.conf import settings

    from minisentry import conf
    from minisentry.capture import writer

    settings.MINISENTRY_BATCH_SIZE = batch_size
    conf._get.cache_clear()
    started = time.perf_counter()
    for payload in payloads:
        assert writer.enqueue(payload)
    assert writer.flush(3600)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--backend", default="filesystem")
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline-events", type=int, default=1000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    common.setup(args.db, args.backend)
    try:
        from django.conf import settings

        from minisentry import conf
        from minisentry.models import Event

        from .events import sample

        payloads = sample(args.events * args.runs + args.baseline_events)
        settings.MINISENTRY_STORM = None  # the durable path: every event stored (benchmarks/storm.py: the other)
        settings.MINISENTRY_QUEUE_SIZE = len(payloads)
        settings.MINISENTRY_QUEUE_BYTES = sum(map(len, payloads))
        conf._get.cache_clear()
        baseline = args.baseline_events / run(payloads[: args.baseline_events], 1)  # also the warm-up
        rates, rest = [], payloads[args.baseline_events:]
        for n in range(args.runs):
            chunk = rest[n * args.events:(n + 1) * args.events]
            if args.profile and n == 0:
                rates.append(len(chunk) / profile(chunk))
            else:
                rates.append(len(chunk) / run(chunk, conf.DEFAULTS["BATCH_SIZE"]))
        assert Event.objects.count() == len(payloads), "events were lost"
        common.emit({"benchmark": "ingest", "db": args.db, "backend": args.backend,
                     "events_per_s": common.summary(rates), "baseline_unbatched_per_s": baseline,
                     "raw_kb_mean": sum(map(len, payloads)) / len(payloads) / 1024})
    finally:
        common.teardown()


def profile(payloads: list[bytes]) -> float:
    """Store ``payloads`` in this thread (the writer's own code path) under pyinstrument."""
    from pyinstrument import Profiler

    from minisentry import conf
    from minisentry.capture import writer

    size = conf.DEFAULTS["BATCH_SIZE"]
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for i in range(0, len(payloads), size):
            writer.writer._write(payloads[i:i + size])
    elapsed = time.perf_counter() - started
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    return elapsed


if __name__ == "__main__":
    main()
