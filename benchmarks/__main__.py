"""Run every benchmark, each configuration in its own process: ``python -m benchmarks [--quick]``.

Prints each script's JSON result, writes them all to ``benchmarks/results.json`` (``--output``)
and prints the issue's Targets table (``report.py``; BENCHMARKS.md reports them). ``--quick`` uses
tiny sizes (the smoke test); ``--only NAME[,NAME]`` runs only those scripts; ``--retention-events``
sets the size of the retention benchmark (default 1,000,000).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

from . import report
from .common import ROOT

FULL = [
    ["capture", "--events", "2000", "--runs", "3"],
    ["ingest", "--db", "sqlite", "--backend", "filesystem", "--events", "10000", "--storm-runs", "1"],
    ["ingest", "--db", "postgres", "--backend", "filesystem", "--events", "10000"],
    ["ingest", "--db", "postgres", "--backend", "s3", "--events", "10000", "--compare", "filesystem"],
    ["ingest", "--db", "postgres", "--backend", "database", "--events", "10000"],
    ["sampling", "--events", "10000", "--runs", "3"],
    # a minute at least: the storm's rate is per minute and per worker, and a shorter run is the
    # first seconds of a storm, where each worker still stores its first 600 events in full
    ["gunicorn_storm", "--seconds", "60", "--rounds", "1"],
    ["storage", "--db", "sqlite", "--events", "5000"],
    ["storage", "--db", "postgres", "--events", "5000"],
    ["read", "--db", "sqlite", "--events", "2000", "--reads", "500"],
    ["cleanup", "--events", "{retention}"],
    ["compression", "--events", "2000"],
    ["index_write", "--db", "sqlite"],
    ["index_write", "--db", "postgres"],
    ["storm", "--db", "sqlite", "--events", "2000"],
    ["browse", "--db", "sqlite", "--issues", "10000", "--events", "1000000"],
    ["browse", "--db", "postgres", "--issues", "10000", "--events", "1000000"],
    ["memory", "--events", "100000"],
    ["huge"],
    # Bugsink beside minisentry over HTTP: Bugsink is installed into .venv/bugsink on first use
    ["ingest_vs_bugsink", "--events", "30000", "--seconds", "60"],
]
TINY_INGEST = ["--events", "30", "--runs", "1", "--naive-events", "5"]
QUICK = [
    ["capture", "--events", "20", "--runs", "1", "--paced-events", "5", "--gap-ms", "5"],
    ["ingest", "--db", "sqlite", "--backend", "filesystem", *TINY_INGEST, "--storm-runs", "1"],
    ["ingest", "--db", "postgres", "--backend", "s3", *TINY_INGEST, "--compare", "filesystem"],
    ["sampling", "--events", "100", "--runs", "1", "--prime", "50", "--baseline-events", "20"],
    ["gunicorn_storm", "--seconds", "1", "--rounds", "1", "--workers", "2", "--sides", "discard,minisentry"],
    ["storage", "--db", "sqlite", "--events", "60"],
    ["storage", "--db", "postgres", "--events", "60"],
    ["read", "--events", "20", "--reads", "10"],
    ["cleanup", "--events", "{retention}"],
    ["compression", "--events", "60", "--runs", "1"],
    ["index_write", "--db", "postgres", "--batches", "1", "--batch-size", "20"],
    ["storm", "--db", "sqlite", "--events", "40"],
    ["browse", "--db", "sqlite", "--issues", "30", "--events", "300", "--repeat", "2"],
    ["browse", "--db", "postgres", "--issues", "30", "--events", "300", "--repeat", "2"],
    ["memory", "--events", "200"],
    ["huge", "--frames", "500", "--local-bytes", "100000", "--repeat", "1"],
    ["ingest_vs_bugsink", "--sides", "minisentry-sqlite", "--events", "20", "--warm-up", "4", "--page-requests", "10",
     "--seconds", "30", "--stall", "10", "--rate", "20", "--paced-seconds", "1"],
]


def machine() -> dict:
    import django
    import sentry_sdk

    return {"cores": os.cpu_count(), "python": platform.python_version(), "django": django.get_version(),
            "sentry_sdk": sentry_sdk.VERSION, "platform": platform.platform()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", default=str(ROOT / "benchmarks" / "results.json"))
    parser.add_argument("--only", help="run only the scripts of these names (e.g. ingest,storage)")
    parser.add_argument("--retention-events", type=int, help="events the retention benchmark deletes "
                        "(default 1,000,000; 300 with --quick)")
    args = parser.parse_args()
    retention = str(args.retention_events or (300 if args.quick else 1_000_000))
    results = {"machine": machine(), "results": []}
    started = time.perf_counter()
    for command in QUICK if args.quick else FULL:
        if args.only and command[0] not in args.only.split(","):
            continue
        command = [retention if part == "{retention}" else part for part in command]
        print("$ python -m benchmarks." + " ".join(command), flush=True)
        output = subprocess.run([sys.executable, "-m", f"benchmarks.{command[0]}", *command[1:]], cwd=ROOT,
                                check=True, stdout=subprocess.PIPE, text=True).stdout
        print(output, end="", flush=True)
        results["results"].append(json.loads(output.strip().splitlines()[-1]))
    results["seconds"] = time.perf_counter() - started
    results["targets"] = report.table(results["results"])
    with open(args.output, "w") as file:
        json.dump(results, file, indent=1)
    print(results["targets"])
    print(f"all done in {results['seconds']:.0f} s; results in {args.output}")


if __name__ == "__main__":
    main()
