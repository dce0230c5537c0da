"""Capture overhead: time of ``sentry_sdk.capture_exception()`` in the calling thread.

``python -m benchmarks.capture --events 2000 --runs 3``: a real exception with locals on (see
events.py), captured with ``before_send`` = ``minisentry.store()``, = a hook returning None (the
SDK's own cost: the baseline), and = a naive synchronous store (json.dumps + one ORM insert).
The writer thread runs meanwhile, as it would in production; ``hook_ms`` is the time of
minisentry's hook alone (snapshot + enqueue).
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
    args = parser.parse_args()
    common.setup(args.db, "filesystem")
    try:
        import sentry_sdk

        import minisentry

        from .events import _raise

        store = minisentry.store()
        hook_times = []

        def timed_store(event, hint):
            started = time.perf_counter()
            store(event, hint)
            hook_times.append((time.perf_counter() - started) * 1000)

        hooks = {"sdk_only": lambda event, hint: None, "minisentry": timed_store, "naive_sync": naive_store}
        samples = {name: [] for name in hooks}
        rng = random.Random(2)
        payload = {"items": [{"sku": f"SKU-{n}", "qty": n} for n in range(6)], "state": "cart", "note": "x " * 40}
        for _ in range(args.runs):
            for name, hook in hooks.items():
                sentry_sdk.init(include_local_variables=True, before_send=hook)
                for n in range(args.events):
                    try:
                        _raise(n % 20, 2 + n % 12, rng.randrange(10**6), payload)
                    except Exception:
                        started = time.perf_counter()
                        sentry_sdk.capture_exception()
                        samples[name].append((time.perf_counter() - started) * 1000)
                minisentry.flush(600)
        sentry_sdk.init()
        result = {name: common.summary(values) for name, values in samples.items()}
        result["added_ms_p50"] = result["minisentry"]["median"] - result["sdk_only"]["median"]
        result["hook_ms"] = common.summary(hook_times)  # store()'s own time: snapshot + enqueue
        result["dropped"] = minisentry.stats()["dropped"]
        common.emit({"benchmark": "capture", **result})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
