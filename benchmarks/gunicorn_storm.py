"""The error storm through gunicorn: requests/s and p99 when every request raises, minisentry on or not.

``python -m benchmarks.gunicorn_storm --seconds 60 --rounds 1``: gunicorn (``--workers`` sync
workers, 127.0.0.1) serves ``benchmarks/storm_app.py``, whose every request raises; a load
generator in a second process (``benchmarks/load.py``) keeps ``--clients`` requests in flight for
``--seconds``. Each side gets a fresh server: ``discard`` (sentry-sdk with ``before_send``
returning None: the baseline), ``minisentry`` (default settings) and ``minisentry-storm-off``
(every event stored); the sides alternate, ``--rounds`` times. After each minisentry side the
server is stopped gracefully (its writers store their backlog: ``drain_s``) and the events
stored and counted are read from the database (SQLite + files). The storm's rate is per minute
and per worker (600 events each by default): a run of less than a minute measures a storm's first
seconds, when every worker still stores its first events in full.
"""

import argparse
import json
import os
import subprocess
import sys
import time

from . import common

SIDES = ("discard", "minisentry", "minisentry-storm-off")


def load(port: int, seconds: float, clients: int) -> dict:
    output = subprocess.run([sys.executable, "-m", "benchmarks.load", "--port", str(port), "--seconds", str(seconds),
                             "--clients", str(clients)], cwd=common.ROOT, check=True, capture_output=True,
                            text=True, timeout=seconds + 120).stdout
    return json.loads(output.strip().splitlines()[-1])


def warm_up(server, requests: int) -> None:
    """Wait until the workers answer (they boot after the master listens), then send ``requests``."""
    deadline = time.monotonic() + 120
    while requests:
        try:
            assert server.get(f"/fail/{requests}/") == 500
            requests -= 1
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    time.sleep(1)


def side(name: str, args, work) -> dict:
    """One side's run on a fresh server: the load's figures, the seconds the graceful stop took,
    and the events the database gained (rows, and counted on their issues)."""
    from django.db.models import Sum

    from minisentry.models import Event, Issue
    from tests.servers import gunicorn

    env = dict(os.environ, MINISENTRY_BENCH_HOOK=name, PYTHONPATH=str(common.ROOT),
               MINISENTRY_TEST_SHUTDOWN_TIMEOUT="120", MINISENTRY_TEST_RETRY_DELAY="0.2")
    rows, counted = Event.objects.count(), Issue.objects.aggregate(n=Sum("event_count"))["n"] or 0
    with gunicorn(env, work / f"gunicorn-{name}.log", "-w", str(args.workers),
                  app="benchmarks.storm_app:application") as server:
        try:
            warm_up(server, 4 * args.workers)
            result = load(server.port, args.seconds, args.clients)
            result["drain_s"] = server.stop(180)
        except Exception:
            print(server.log.read_text()[-3000:], file=sys.stderr)
            raise
    result["stored"] = Event.objects.count() - rows
    result["counted"] = (Issue.objects.aggregate(n=Sum("event_count"))["n"] or 0) - counted
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--sides", default=",".join(SIDES))
    args = parser.parse_args()
    work = common.setup("sqlite", "filesystem")
    try:
        sides = args.sides.split(",")
        runs = {name: [] for name in sides}
        for _ in range(args.rounds):
            for name in sides:
                runs[name].append(side(name, args, work))
        result = {"benchmark": "gunicorn_storm", "seconds": args.seconds, "workers": args.workers,
                  "clients": args.clients, "sides": {}}
        for name, results in runs.items():
            result["sides"][name] = {
                "requests_per_s": common.summary([r["requests_per_s"] for r in results]),
                "p99_ms": common.summary([r["latency_ms"]["p99"] for r in results]),
                "runs": results}
        base = result["sides"].get("discard")
        for name, figures in result["sides"].items():
            if base and name != "discard":
                figures["throughput_ratio"] = figures["requests_per_s"]["median"] / base["requests_per_s"]["median"]
                figures["p99_ratio"] = figures["p99_ms"]["median"] / base["p99_ms"]["median"]
        common.emit(result)
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
