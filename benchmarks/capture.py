"""Capture overhead: time of ``sentry_sdk.capture_exception()`` in the calling thread.

``python -m benchmarks.capture --events 2000 --runs 3``: a real exception with locals on (see
events.py), captured with ``before_send`` = ``minisentry.store()``, = a hook returning None (the
SDK's own cost: the baseline), and = a naive synchronous store (json.dumps + one ORM insert).
The writer thread runs meanwhile, as it would in production; ``hook_ms`` is the time of
minisentry's hook alone (hand-over + enqueue).

Two patterns: a *burst* (captures back to back, so the writer thread competes with the caller
for the GIL the whole time) and *paced* (``--gap-ms`` between captures, untimed, as in an
application whose requests do other work between errors; the writer is idle when the next
error comes).
"""

import argparse
import json
import random
import time
import uuid

from . import common


def naive_store(event, hint):
    from minisentry.models import EventBlob

    EventBlob.objects.create(key=uuid.uuid4().hex, data=json.dumps(event, default=repr).encode())


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

        from .events import _raise

        store = minisentry.store()
        hook_times = {"burst": [], "paced": []}
        pattern = "burst"

        def timed_store(event, hint):
            started = time.perf_counter()
            store(event, hint)
            hook_times[pattern].append((time.perf_counter() - started) * 1000)

        hooks = {"sdk_only": lambda event, hint: None, "minisentry": timed_store, "naive_sync": naive_store}
        samples = {(p, name): [] for p in hook_times for name in hooks}
        rng = random.Random(2)
        payload = {"items": [{"sku": f"SKU-{n}", "qty": n} for n in range(6)], "state": "cart", "note": "x " * 40}
        for _ in range(args.runs):
            for pattern, events, gap in (("burst", args.events, 0.0), ("paced", args.paced_events, args.gap_ms)):
                for name, hook in hooks.items():
                    sentry_sdk.init(include_local_variables=True, before_send=hook)
                    for n in range(events):
                        if gap:  # a burst must not yield the GIL between captures
                            time.sleep(gap / 1000)
                        try:
                            _raise(n % 20, 2 + n % 12, rng.randrange(10**6), payload)
                        except Exception:
                            started = time.perf_counter()
                            sentry_sdk.capture_exception()
                            samples[pattern, name].append((time.perf_counter() - started) * 1000)
                    minisentry.flush(600)
        sentry_sdk.init()
        result = {}
        for pattern, times in hook_times.items():
            figures = {name: common.summary(samples[pattern, name]) for name in hooks}
            figures["added_ms_p50"] = figures["minisentry"]["median"] - figures["sdk_only"]["median"]
            figures["hook_ms"] = common.summary(times)  # store()'s own time: hand-over + enqueue
            result[pattern] = figures
        result["dropped"] = minisentry.stats()["dropped"]
        common.emit({"benchmark": "capture", **result})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
