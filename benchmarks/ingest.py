"""Ingest throughput: events/s from ``before_send`` until ``flush()`` returns with every event stored.

``python -m benchmarks.ingest --db sqlite --backend filesystem --events 10000 --runs 3``: hands
realistic events (5–50 KB, 20 issues; see events.py) to ``minisentry.store()`` as the SDK's
dicts and waits for ``minisentry.flush()``. Durable runs turn storm sampling off
(``MINISENTRY_STORM = None``: every event gets its blob and row); ``--storm-runs`` more runs keep
the default setting, with the events timestamped now (a storm over 20 issues). The baseline, in
the same process: a naive synchronous store (``json.dumps`` and one committed INSERT per event).
``--compare filesystem`` alternates each durable run with one on that backend in this process
(PostgreSQL + S3 / PostgreSQL + files without the drift between processes). ``--profile`` prints
a pyinstrument profile of the writer's work for the first durable run.
"""

import time

from . import common
from .events import fresh, sample


def durable(payloads: list[bytes], profile: bool = False) -> float:
    """Events/s of a durable ingest of ``payloads`` (storm sampling off)."""
    from minisentry.models import Event

    events, before = fresh(payloads), Event.objects.count()
    with common.settings(storm=None):
        seconds = profiled(events) if profile else common.ingest(events)
    assert Event.objects.count() - before == len(payloads), "events were not all stored"
    return len(payloads) / seconds


def stormy(payloads: list[bytes]) -> dict:
    """Events/s with the default storm setting, and how many of the events got a row."""
    from minisentry.models import Event

    events, before = fresh(payloads, now=True), Event.objects.count()
    seconds = common.ingest(events, lossless=False)
    return {"events_per_s": len(payloads) / seconds, "stored": Event.objects.count() - before}


def profiled(events: list[dict]) -> float:
    """Store ``events`` in this thread, batch by batch, through the writer's own code path (an
    internal one: a developer's tool, not part of the run) under pyinstrument."""
    from pyinstrument import Profiler

    from minisentry import conf, writer

    size = conf.get("BATCH_SIZE")
    profiler = Profiler(interval=0.0005)
    started = time.perf_counter()
    with profiler:
        for i in range(0, len(events), size):
            writer._write(events[i:i + size])
    elapsed = time.perf_counter() - started
    print(profiler.output_text(unicode=False, color=False, show_all=False))
    return elapsed


def main() -> None:
    parser = common.arguments(__doc__)
    parser.add_argument("--storm-runs", type=int, default=0)
    parser.add_argument("--naive-events", type=int, default=1000)
    parser.add_argument("--compare", help="a second backend whose durable runs alternate with these")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    work = common.setup(args.db, args.backend)
    try:
        common.unbounded_queue()
        payloads = sample(args.events)
        durable(payloads[: min(500, args.events)])  # warm-up: connections, caches, first issues
        subset = payloads[: args.naive_events]
        naive = len(subset) / common.naive_ingest(fresh(subset))
        other = common.settings(backend=common.backend_config(args.compare, work)) if args.compare else None
        rates, compared = [], []
        for n in range(args.runs):
            rates.append(durable(payloads, args.profile and n == 0))
            if other:
                with other:
                    compared.append(durable(payloads))
        storm = [stormy(payloads) for _ in range(args.storm_runs)]
        result = {"benchmark": "ingest", "db": args.db, "backend": args.backend, "events": args.events,
                  "events_per_s": common.summary(rates), "naive_sync_per_s": naive,
                  "vs_naive": common.summary(rates)["median"] / naive,
                  "raw_kb_mean": sum(map(len, payloads)) / len(payloads) / 1024}
        if other:
            result["compare"] = {"backend": args.compare, "events_per_s": common.summary(compared),
                                 "ratio": common.summary(rates)["median"] / common.summary(compared)["median"]}
        if storm:
            result["storm_default"] = {"events_per_s": common.summary([r["events_per_s"] for r in storm]),
                                       "stored_share": sum(r["stored"] for r in storm) / (len(storm) * args.events)}
        common.emit(result)
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
