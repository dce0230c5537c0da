"""Reading one event back: ``Event.load()`` from each blob store (files, S3 on moto over HTTP, database).

``python -m benchmarks.read --db sqlite --events 2000 --reads 500``: stores realistic events
(events.py) through ``minisentry.store()`` (storm sampling off) into each store in turn, then
times ``load()`` of randomly chosen events (the row fetched first, untimed). Baseline in the same
process: ``orjson.loads`` of the same events' JSON (what a read cannot avoid).
"""

import argparse
import random
import time

import orjson

from . import common
from .events import fresh, sample

BACKENDS = ("filesystem", "s3", "database")


def timed_loads(events, reads: int, rng: random.Random) -> list[float]:
    samples = []
    for event in rng.sample(events, min(reads, len(events))):
        started = time.perf_counter()
        event.load()
        samples.append((time.perf_counter() - started) * 1e6)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite")
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--reads", type=int, default=500)
    parser.add_argument("--backends", default=",".join(BACKENDS))
    args = parser.parse_args()
    work = common.setup(args.db, "filesystem")
    try:
        from django.db.models import Q

        from minisentry.models import Event

        common.unbounded_queue()
        payloads = sample(args.events, seed=5)
        configs = {kind: common.backend_config(kind, work) for kind in args.backends.split(",")}
        rng, result = random.Random(5), {}
        with common.settings(backends=configs, storm=None):
            for kind in configs:
                with common.settings(backend=kind):  # new events go to (and record) the alias
                    common.ingest(fresh(payloads))
            for kind in configs:
                stored = Q(backend=kind) | Q(segment__backend=kind)
                events = list(Event.objects.filter(stored).select_related("segment"))
                assert len(events) == len(payloads), (kind, len(events))
                result[kind] = common.summary(timed_loads(events, args.reads, rng))
        parse = []
        for payload in rng.sample(payloads, min(args.reads, len(payloads))):
            started = time.perf_counter()
            orjson.loads(payload)
            parse.append((time.perf_counter() - started) * 1e6)
        baseline = common.summary(parse)
        common.emit({"benchmark": "read", "db": args.db, "events": args.events, "load_us": result,
                     "parse_json_us": baseline,
                     "vs_parse": {kind: figures["median"] / baseline["median"] for kind, figures in result.items()},
                     "raw_kb_mean": sum(map(len, payloads)) / len(payloads) / 1024})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
