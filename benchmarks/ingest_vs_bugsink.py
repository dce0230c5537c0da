"""Ingest over HTTP beside Bugsink: stored events/s of real SDK envelopes, and a page's p99 meanwhile.

``python -m benchmarks.ingest_vs_bugsink --events 5000 --seconds 60``: each side runs in its own
process on a fresh server, gunicorn with ``--workers`` sync workers on 127.0.0.1:

- ``minisentry-sqlite`` / ``minisentry-postgres``: the test project (``tests.server_app``: the site,
  sentry-sdk with ``minisentry.store()``; ``tests.ingest.urls``: the endpoint at ``minisentry/``) with
  the endpoint ahead of the site (``ingest_first``, as the README shows for sites that take many
  events), SQLite or PostgreSQL with filesystem blobs, ``MINISENTRY_STORM = None`` (every event
  stored, none only counted), a DSN from ``manage.py minisentry_dsn``; its normal page: the admin's
  login page. ``minisentry-sqlite-mounted``: the same on SQLite with the endpoint only mounted
  (every request through Django's middleware and sentry-sdk's instrumentation).
- ``bugsink``: Bugsink as its docs run it (``benchmarks/bugsink.py``: SQLite, snappea worker); its
  normal page: its login page.

Per side: a warm-up (``--warm-up`` envelopes, all stored: by default enough for each of 4 workers to
pass what a process does once, as a long-running site has: its first grouping of each recorded
envelope, and its zstd dictionary, trained at its 500th event), the page fetched 10 times per
worker (its first renders, which compile templates, are not counted), its latency without load
(``--page-requests`` GETs, one every ``--page-gap-ms``), then ``benchmarks/envelope_load.py`` in
another process sends ``--events`` envelopes (the recorded ones, fresh ids, gzip; ``--clients``
connections; at most ``--seconds``) while the page is fetched at the same pace; the side waits until
every accepted envelope's event is a row (or no row came for ``--stall`` s). Stored events/s: rows
gained over the seconds from the load's start to the last row; server CPU per stored event: the
server's processes and PostgreSQL's (their children included); the page's p99 under load covers
the same span. Then, on minisentry's sides, the paced load (``paced``): ``--paced-seconds`` of
envelopes offered at ``--rate`` per second (by default ``--times`` 20 Bugsink's stored rate, Bugsink
running first), the page fetched meanwhile: whether the site stores at that rate while its page's
p99 stays within 1.5 times its p99 without load. The load as fast as it goes saturates both cores
(a closed loop), which no page shares unslowed. Each page's time is split by
``benchmarks/page_probe.py`` (in both servers' gunicorn): the server's CPU time, its wait for a
core, its wait for the GIL, and the rest (the accept queue and the client); ``page_parts`` gives each
part's p99 and the page's p99 without it. The result line gives each side's figures and
minisentry's rates as multiples of Bugsink's.
"""

import argparse
import bisect
import io
import json
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from . import common, page_probe

SIDES = ("minisentry-sqlite", "minisentry-postgres", "minisentry-sqlite-mounted", "bugsink")
URLCONF = "tests.ingest.urls"  # the test site with the endpoint mounted as the README says


def fetch(url: str) -> float:
    """Milliseconds to GET ``url`` (a new connection, the whole body read); fails on a non-200."""
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
        assert response.status == 200, response.status
    return (time.perf_counter() - started) * 1000


def paced(url: str, gap: float, stop: threading.Event, latencies: list, limit: int | None = None) -> None:
    """GET ``url`` every ``gap`` seconds (or right after the previous answer, when it took longer)
    until ``stop`` is set or ``limit`` requests were answered; ``latencies`` gets (when it was sent,
    ``time.time()``; milliseconds) for each."""
    next_at = time.perf_counter()
    while not stop.is_set() and (limit is None or len(latencies) < limit):
        latencies.append((time.time(), fetch(url)))
        next_at += gap
        stop.wait(max(0.0, next_at - time.perf_counter()))


def load(dsn: str, events: int, args, rate: float = 0) -> dict:
    output = subprocess.run([sys.executable, "-m", "benchmarks.envelope_load", "--dsn", dsn, "--events", str(events),
                             "--seconds", str(args.seconds), "--clients", str(args.clients), "--rate", str(rate)],
                            cwd=common.ROOT, check=True, capture_output=True, text=True,
                            timeout=args.seconds + 600).stdout
    return json.loads(output.strip().splitlines()[-1])


def until_stored(count, target: int, stall: float) -> tuple[int, float]:
    """Poll ``count()`` until it reaches ``target`` or stops growing for ``stall`` s: (rows, when the
    last new row was seen, ``time.time()``)."""
    rows, last = count(), time.time()
    while rows < target:
        time.sleep(0.05)
        now = count()
        if now > rows:
            rows, last = now, time.time()
        elif time.time() - last > stall:
            break
    return rows, last


def cpu_seconds(roots: list[int]) -> float:
    """CPU time (user + system) of the processes ``roots`` and their descendants, those that
    exited included (their time is in their parent's)."""
    parents, times = {}, {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # exited meanwhile
            continue
        parents[int(entry)], times[int(entry)] = int(fields[1]), sum(map(int, fields[11:15]))
    tree = set(roots)
    while grown := {pid for pid, parent in parents.items() if parent in tree} - tree:
        tree |= grown
    return sum(times.get(pid, 0) for pid in tree) / os.sysconf("SC_CLK_TCK")


def page_parts(log: Path, pages: list[tuple[float, float]], start: float, end: float) -> dict:
    """The figures of the pages sent from ``start`` to ``end`` (``pages``: the client's (when sent,
    milliseconds)), each joined to its line in ``page_probe``'s log: p99 of the client's time, of each
    part of it, and of the client's time without each part (which part makes the p99), and the full
    collections meanwhile."""
    lines = [line.split() for line in open(log)]
    served = sorted((float(f[1]), *map(float, f[2:6])) for f in lines if f[0] == "page")
    times = [row[0] for row in served]
    parts = {"server_cpu": [], "run_queue": [], "gil": [], "accept_and_client": [], "full_gc": []}
    client = []
    for sent, ms in pages:
        if not start <= sent <= end:
            continue
        i = bisect.bisect_left(times, sent)
        if i == len(times) or times[i] > sent + ms / 1000:
            continue  # not logged (the server's hook failed): left out
        _, wall, cpu, waited, full_gc = served[i]
        client.append(ms)
        for name, value in zip(parts, (cpu, waited, max(0.0, wall - cpu - waited), max(0.0, ms - wall), full_gc)):
            parts[name].append(value)

    def p99(values):
        return round(common.summary(values)["p99"], 3) if values else None

    collections = [float(f[2]) for f in lines if f[0] == "gc" and start <= float(f[1]) <= end]
    return {"pages": len(client), "p99_ms": p99(client),
            "part_p99_ms": {name: p99(values) for name, values in parts.items()},
            "p99_without_ms": {name: p99([c - v for c, v in zip(client, values)]) for name, values in parts.items()},
            "full_gcs": {"count": len(collections), "max_ms": max(collections, default=None)}}


def under_load(dsn: str, page: str, count, roots: list[int], args, events: int, rate: float, page_cpu: float,
               probe: Path) -> dict:
    """``events`` envelopes (at ``rate`` per second, or as fast as the clients go) while the page is
    fetched every ``--page-gap-ms``; until every accepted envelope's event is a row."""
    base, cpu = count(), cpu_seconds(roots)
    busy, stop = [], threading.Event()
    prober = threading.Thread(target=paced, args=(page, args.page_gap_ms / 1000, stop, busy))
    prober.start()
    try:
        result = load(dsn, events, args, rate)
        rows, last = until_stored(count, base + result["accepted"], args.stall)
    finally:
        stop.set()
        prober.join()
    # the pages fetched meanwhile left out, at their idle cost
    result["server_cpu_ms_per_event"] = (cpu_seconds(roots) - cpu - page_cpu * len(busy)) * 1000 / max(1, rows - base)
    result["stored"] = rows - base
    result["store_seconds"] = last - result["started"]
    result["stored_per_s"] = result["stored"] / result["store_seconds"]
    # the pages sent from the load's first envelope to the last row, not while the load builds its
    # bodies (all of them for a load shorter than the gap between two pages: the smoke test's)
    during = [ms for sent, ms in busy if result["started"] <= sent <= last]
    result["page_ms"] = common.summary(during or [ms for _, ms in busy])
    result["page_parts"] = page_parts(probe, busy, result["started"], last)
    return result


def measure(dsn: str, page: str, count, roots: list[int], args, probe: Path, rate: float = 0) -> dict:
    """The warm-up, the idle page, the load as fast as it goes (its figures at the top level), then,
    with a ``rate``, the load paced at that rate (``paced``); the CPU time the server's processes
    (``roots`` and their children) spent per stored event."""
    base = count()
    warm = load(dsn, args.warm_up, args)
    until_stored(count, base + warm["accepted"], args.stall)
    paced(page, 0, threading.Event(), [], 10 * args.workers)  # each worker's first pages (templates) not counted
    idle, cpu = [], cpu_seconds(roots)
    paced(page, args.page_gap_ms / 1000, threading.Event(), idle, args.page_requests)
    page_cpu = (cpu_seconds(roots) - cpu) / len(idle)  # the server's CPU time per page (and its idling)
    result = under_load(dsn, page, count, roots, args, args.events, 0, page_cpu, probe)
    result["page_cpu_ms"] = page_cpu * 1000
    result["page_ms"] = {"idle": common.summary([ms for _, ms in idle]), "load": result["page_ms"]}
    result["page_parts"] = {"idle": page_parts(probe, idle, idle[0][0], idle[-1][0]), "load": result["page_parts"]}
    result["page_p99_ratio"] = result["page_ms"]["load"]["p99"] / result["page_ms"]["idle"]["p99"]
    if rate:
        at_rate = under_load(dsn, page, count, roots, args, round(rate * args.paced_seconds), rate, page_cpu,
                             probe)
        at_rate["rate"] = rate
        at_rate["page_p99_ratio"] = at_rate["page_ms"]["p99"] / result["page_ms"]["idle"]["p99"]
        result["paced"] = at_rate
    return result


def database_server() -> list[int]:
    """PostgreSQL's postmaster (its backends' CPU is the server's too); none for SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    return [int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])]


def minisentry_side(db: str, ingest_first: bool, args) -> dict:
    work = common.setup(db, "filesystem")
    from django.core.management import call_command
    from django.test import override_settings

    from minisentry.models import Event
    from tests.servers import gunicorn

    override_settings(ROOT_URLCONF=URLCONF).enable()
    env = dict(os.environ, PYTHONPATH=str(common.ROOT), MINISENTRY_TEST_STORM="null", MINISENTRY_TEST_URLCONF=URLCONF,
               MINISENTRY_TEST_SHUTDOWN_TIMEOUT="120", MINISENTRY_TEST_RETRY_DELAY="0.2",
               MINISENTRY_TEST_INGEST_FIRST="1" if ingest_first else "")
    probe = work / "page_probe.log"
    try:
        with gunicorn(env, work / "gunicorn.log", "-w", str(args.workers),
                      *page_probe.configure(env, "/admin/login/", probe)) as server:
            out = io.StringIO()
            call_command("minisentry_dsn", "--base-url", f"http://127.0.0.1:{server.port}", stdout=out)
            dsn = out.getvalue().strip().splitlines()[-1]
            try:
                return measure(dsn, f"http://127.0.0.1:{server.port}/admin/login/", Event.objects.count,
                               [server.process.pid, *database_server()], args, probe, args.rate)
            except Exception:
                print(server.log.read_text()[-3000:], file=sys.stderr)
                raise
    finally:
        common.teardown()


def bugsink_side(args) -> dict:
    import shutil
    import tempfile

    from tests.conftest import free_port

    from .bugsink import Bugsink, wait_for_port

    work = Path(tempfile.mkdtemp(prefix="bugsink-bench-"))
    port = free_port()
    bugsink = Bugsink(work / "bugsink", port, args.workers)
    probe = work / "page_probe.log"
    bugsink.start(work / "bugsink.log", *page_probe.configure(bugsink.env, "/accounts/login/", probe))
    try:
        wait_for_port(port)
        return measure(bugsink.dsn, f"http://127.0.0.1:{port}/accounts/login/", bugsink.stored,
                       [process.pid for process in bugsink.processes], args, probe)
    except Exception:
        print((work / "bugsink.log").read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        bugsink.stop()
        shutil.rmtree(work, ignore_errors=True)


def run_side(name: str, argv: list[str]) -> dict:
    """One side in its own process (each configures Django afresh)."""
    output = subprocess.run([sys.executable, "-m", "benchmarks.ingest_vs_bugsink", "--side", name, *argv],
                            cwd=common.ROOT, check=True, stdout=subprocess.PIPE, text=True).stdout
    print(output, end="", flush=True)  # each side's figures as soon as it has them
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sides", default=",".join(SIDES))
    parser.add_argument("--side", help=argparse.SUPPRESS)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--warm-up", type=int, default=2500)
    parser.add_argument("--page-requests", type=int, default=600)
    parser.add_argument("--page-gap-ms", type=float, default=50)
    parser.add_argument("--stall", type=float, default=30)
    parser.add_argument("--rate", type=float, default=0, help="the paced load's envelopes/s (default: see --times)")
    parser.add_argument("--times", type=float, default=20, help="with bugsink among the sides and no --rate: the "
                        "paced load is this many times Bugsink's stored rate (Bugsink then runs first)")
    parser.add_argument("--paced-seconds", type=float, default=30)
    args, argv = parser.parse_args(), sys.argv[1:]
    if args.side:
        if args.side == "bugsink":
            figures = bugsink_side(args)
        else:
            figures = minisentry_side(args.side.split("-")[1], not args.side.endswith("-mounted"), args)
        common.emit({"side": args.side, **figures})
        return
    passed = [a for i, a in enumerate(argv) if a != "--sides" and (i == 0 or argv[i - 1] != "--sides")]
    names = args.sides.split(",")
    sides = {}
    if "bugsink" in names and not args.rate:
        sides["bugsink"] = run_side("bugsink", passed)
        passed += ["--rate", str(round(args.times * sides["bugsink"]["stored_per_s"]))]
    sides.update({name: run_side(name, passed) for name in names if name not in sides})
    result = {"benchmark": "ingest_vs_bugsink", "events": args.events, "workers": args.workers,
              "clients": args.clients, "sides": sides}
    if "bugsink" in sides:
        for name, figures in sides.items():
            if name != "bugsink":
                figures["vs_bugsink"] = figures["stored_per_s"] / sides["bugsink"]["stored_per_s"]
                figures["cpu_vs_bugsink"] = (sides["bugsink"]["server_cpu_ms_per_event"]
                                             / figures["server_cpu_ms_per_event"])
    common.emit(result)


if __name__ == "__main__":
    main()
