"""The storm's count-only path: events of one issue past ``MINISENTRY_STORM``'s rate, counted, not stored.

``python -m benchmarks.sampling --events 10000 --runs 3``: ~6 KB events of one issue, timestamped
now, handed to ``minisentry.store()`` with the default storm setting. A first untimed ingest of
``--prime`` events pushes the issue past the rate; the timed runs then measure the sampled path
(the target: ≥ 20,000 events/s, ≤ 50 µs an event). Baseline in the same process: the same events
with storm sampling off (every one stored). ``stored_share`` tells whether sampling was in force
(1.0: this code stores every event, and the figure is the durable path's).
"""


import minisentry

from . import common
from .events import fresh, sample


def timed(payloads: list[bytes], lossless: bool = False) -> tuple[float, int]:
    """Events/s of ``payloads`` (fresh, timestamped now) and how many got a row."""
    from minisentry.models import Event

    events, before = fresh(payloads, now=True), Event.objects.count()
    seconds = common.ingest(events, lossless)
    return len(payloads) / seconds, Event.objects.count() - before


def main() -> None:
    parser = common.arguments(__doc__)
    parser.add_argument("--prime", type=int, default=1000, help="events first, to pass the storm's rate")
    parser.add_argument("--baseline-events", type=int, default=1000)
    args = parser.parse_args()
    common.setup(args.db, args.backend)
    try:
        from minisentry.models import Issue

        common.unbounded_queue()
        payloads = sample(args.events, issues=1, sizes=(5000, 5000))
        with common.settings(storm=None):
            durable, _ = timed(payloads[: args.baseline_events], lossless=True)
        timed(payloads[: args.prime])
        rates, stored = [], 0
        for _ in range(args.runs):
            rate, rows = timed(payloads)
            rates.append(rate)
            stored += rows
        counted = sum(Issue.objects.values_list("event_count", flat=True))
        total = args.baseline_events + args.prime + args.runs * args.events
        sampled = common.summary(rates)["median"]
        common.emit({"benchmark": "sampling", "events": args.events, "events_per_s": common.summary(rates),
                     "us_per_event": 1e6 / sampled, "stored_share": stored / (args.runs * args.events),
                     "durable_per_s": durable, "vs_durable": sampled / durable,
                     "counted": counted, "handed_over": total, "stats": minisentry.stats(),
                     "raw_bytes_mean": sum(map(len, payloads)) / len(payloads)})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
