"""Capture overhead: time of ``sentry_sdk.capture_exception()`` in the calling thread.

``python -m benchmarks.capture --events 2000 --runs 3``: a real exception with locals on (see
events.py), captured with ``before_send`` = ``minisentry.store()`` (default settings, and with
storm sampling off: every event stored), = a hook returning None (the SDK's own cost: the
baseline), and = a naive synchronous store (json.dumps + one committed INSERT). The writer
thread runs meanwhile, as it would in production; ``hook_ms`` is the time of minisentry's hook
alone (hand-over + enqueue); ``added_pct`` is the median time minisentry adds to
``capture_exception()`` as a percentage of the SDK's own median.

Two patterns: a *burst* (captures back to back, so the writer thread competes with the caller
for the GIL the whole time) and *paced* (``--gap-ms`` between captures, untimed, as in an
application whose requests do other work between errors; the writer is idle when the next
error comes).
"""

import argparse
import contextlib
import random
import time

from . import common

STORED = ("minisentry", "minisentry_storm_off")  # the hooks that are minisentry's


def captures(events: int, gap_ms: float, samples: list, rng: random.Random, payload: dict) -> None:
    """Raise and capture ``events`` exceptions, ``gap_ms`` apart (untimed), timing each capture."""
    import sentry_sdk

    from .events import _raise

    for n in range(events):
        if gap_ms:  # a burst must not yield the GIL between captures
            time.sleep(gap_ms / 1000)
        try:
            _raise(n % 20, 2 + n % 12, rng.randrange(10**6), payload)
        except Exception:
            started = time.perf_counter()
            sentry_sdk.capture_exception()
            samples.append((time.perf_counter() - started) * 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--paced-events", type=int, default=300)
    parser.add_argument("--gap-ms", type=float, default=20.0)
    args = parser.parse_args()
    common.setup(args.db, "filesystem")
    try:
        import sentry_sdk

        import minisentry

        common.naive_table()
        store = minisentry.store()
        hook_times = {(p, name): [] for p in ("burst", "paced") for name in STORED}
        pattern = name = "burst"

        def timed_store(event, hint):
            started = time.perf_counter()
            store(event, hint)
            hook_times[pattern, name].append((time.perf_counter() - started) * 1000)

        hooks = {"sdk_only": lambda event, hint: None, "minisentry": timed_store, "minisentry_storm_off": timed_store,
                 "naive_sync": common.naive_store}
        samples = {(p, name): [] for p in ("burst", "paced") for name in hooks}
        rng = random.Random(2)
        payload = {"items": [{"sku": f"SKU-{n}", "qty": n} for n in range(6)], "state": "cart", "note": "x " * 40}
        for _ in range(args.runs):
            for pattern, events, gap in (("burst", args.events, 0.0), ("paced", args.paced_events, args.gap_ms)):
                for name, hook in hooks.items():
                    sentry_sdk.init(include_local_variables=True, before_send=hook)
                    with common.settings(storm=None) if name == "minisentry_storm_off" else contextlib.nullcontext():
                        captures(events, gap, samples[pattern, name], rng, payload)
                        minisentry.flush(600)
        sentry_sdk.init()
        result = {}
        for pattern in ("burst", "paced"):
            figures = {name: common.summary(samples[pattern, name]) for name in hooks}
            sdk = figures["sdk_only"]["median"]
            for name in (*STORED, "naive_sync"):
                figures[name]["added_ms_p50"] = figures[name]["median"] - sdk
                figures[name]["added_pct"] = 100 * figures[name]["added_ms_p50"] / sdk
            for name in STORED:  # store()'s own time: hand-over + enqueue
                figures[name]["hook_ms"] = common.summary(hook_times[pattern, name])
            result[pattern] = figures
        result["dropped"] = minisentry.stats()["dropped"]
        common.emit({"benchmark": "capture", **result})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
