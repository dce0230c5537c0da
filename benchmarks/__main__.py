"""Run every benchmark, each configuration in its own process: ``python -m benchmarks [--quick]``.

Prints each script's JSON result and writes them all to ``benchmarks/results.json``
(``--output``); BENCHMARKS.md reports them. ``--quick`` uses tiny sizes (the smoke test).
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time

from .common import ROOT

FULL = [
    ["capture", "--events", "2000", "--runs", "3"],
    ["ingest", "--db", "sqlite", "--backend", "filesystem", "--events", "10000"],
    ["ingest", "--db", "postgres", "--backend", "filesystem", "--events", "10000"],
    ["ingest", "--db", "postgres", "--backend", "s3", "--events", "10000"],
    ["ingest", "--db", "postgres", "--backend", "database", "--events", "10000"],
    ["storage", "--events", "5000"],
    ["index_write", "--db", "sqlite"],
    ["index_write", "--db", "postgres"],
    ["storm", "--db", "sqlite", "--events", "2000"],
    ["storm", "--db", "postgres", "--events", "2000"],
    ["browse", "--db", "sqlite", "--issues", "10000", "--events", "1000000"],
    ["browse", "--db", "postgres", "--issues", "10000", "--events", "1000000"],
    ["memory", "--events", "100000"],
    ["huge"],
]
QUICK = [
    ["capture", "--events", "20", "--runs", "1", "--paced-events", "5", "--gap-ms", "5"],
    ["ingest", "--db", "sqlite", "--backend", "filesystem", "--events", "30", "--runs", "1", "--baseline-events", "5"],
    ["ingest", "--db", "postgres", "--backend", "s3", "--events", "30", "--runs", "1", "--baseline-events", "5"],
    ["storage", "--events", "60"],
    ["index_write", "--db", "postgres", "--batches", "1", "--batch-size", "20"],
    ["storm", "--db", "sqlite", "--events", "40"],
    ["browse", "--db", "sqlite", "--issues", "30", "--events", "300", "--repeat", "2"],
    ["browse", "--db", "postgres", "--issues", "30", "--events", "300", "--repeat", "2"],
    ["memory", "--events", "200"],
    ["huge", "--frames", "500", "--local-bytes", "100000", "--repeat", "1"],
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
    parser.add_argument("--only", help="run only the scripts of this name (e.g. ingest)")
    args = parser.parse_args()
    results = {"machine": machine(), "results": []}
    started = time.perf_counter()
    for command in QUICK if args.quick else FULL:
        if args.only and command[0] != args.only:
            continue
        print("$ python -m benchmarks." + " ".join(command), flush=True)
        output = subprocess.run([sys.executable, "-m", f"benchmarks.{command[0]}", *command[1:]], cwd=ROOT,
                                check=True, stdout=subprocess.PIPE, text=True).stdout
        print(output, end="", flush=True)
        results["results"].append(json.loads(output.strip().splitlines()[-1]))
    results["seconds"] = time.perf_counter() - started
    with open(args.output, "w") as file:
        json.dump(results, file, indent=1)
    print(f"all done in {results['seconds']:.0f} s; results in {args.output}")


if __name__ == "__main__":
    main()
