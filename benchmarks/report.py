"""The issue's Targets table from a run's results: ``python -m benchmarks.report [results.json]``.

Each row: the figure, the value before the work (from the issue), the target, and what this run
measured (with its same-run baseline). Figures a run did not measure read "not run".
"""

import json
import sys

from .common import ROOT


def _find(results: list[dict], benchmark: str, **match) -> dict | None:
    for result in results:
        if result.get("benchmark") == benchmark and all(result.get(k) == v for k, v in match.items()):
            return result
    return None


def ingest_sqlite(results):
    r = _find(results, "ingest", db="sqlite", backend="filesystem")
    return r and (f"{r['vs_naive']:.1f}× ({r['events_per_s']['median']:,.0f} ev/s; "
                  f"naive sync store {r['naive_sync_per_s']:,.0f} ev/s)")


def s3_vs_files(results):
    r = _find(results, "ingest", db="postgres", backend="s3")
    if not (r and "compare" in r):
        return None
    return (f"{r['compare']['ratio']:.2f} ({r['events_per_s']['median']:,.0f} / "
            f"{r['compare']['events_per_s']['median']:,.0f} ev/s)")


def gunicorn_storm(results):
    r = _find(results, "gunicorn_storm")
    if not r or not {"minisentry", "discard"} <= set(r["sides"]):
        return None
    on, base = r["sides"]["minisentry"], r["sides"]["discard"]
    text = (f"{on['throughput_ratio']:.2f} (p99 ×{on['p99_ratio']:.2f}; {on['requests_per_s']['median']:,.0f} / "
            f"{base['requests_per_s']['median']:,.0f} req/s)")
    off = r["sides"].get("minisentry-storm-off")
    return text + (f"; storm sampling off: {off['throughput_ratio']:.2f}" if off else "")


def burst(results):
    r = _find(results, "capture")
    if not r:
        return None
    burst, paced = r["burst"], r["paced"]
    return (f"{burst['minisentry']['added_pct']:.0f} % (storm sampling off: "
            f"{burst['minisentry_storm_off']['added_pct']:.0f} %; paced: {paced['minisentry']['added_pct']:.0f} %;"
            f" SDK alone {burst['sdk_only']['median']:.2f} ms)")


def count_only(results):
    r = _find(results, "sampling")
    if not r:
        return None
    if r["stored_share"] > 0.5:
        return f"no sampling in this code ({r['stored_share']:.0%} stored): {r['events_per_s']['median']:,.0f} ev/s"
    return (f"{r['events_per_s']['median']:,.0f} ev/s ({r['us_per_event']:.0f} µs/event; {r['stored_share']:.1%} "
            f"stored; {r['vs_durable']:.0f}× the durable path)")


def disk(results):
    r = _find(results, "storage", db="sqlite") or _find(results, "storage")
    return r and (f"{r['disk_bytes_per_event']:,.0f} B ({r['raw_bytes_per_event']:,.0f} B of JSON; "
                  f"apparent {r['apparent_blob_bytes_per_event']:,.0f} B)")


def db_bytes(results):
    names = {"sqlite": "SQLite", "postgres": "PostgreSQL"}
    sizes = [f"{r['db_bytes_per_event']:,.0f} B ({name})" for db, name in names.items()
             if (r := _find(results, "storage", db=db))]
    return " / ".join(sizes) or None


def retention(results):
    r = _find(results, "cleanup")
    if not r:
        return None
    text = f"{r['s_per_million']:.1f} s per million"
    if r["events"] != 1_000_000:
        text += f" (extrapolated: {r['events']:,} events in {r['cleanup_s']:.2f} s)"
    return text + f"; unlink of one file on the same disk: {r['unlink_us_per_file']:.0f} µs"


def other_ingest(results):
    rows = []
    for db, backend in (("postgres", "filesystem"), ("postgres", "s3"), ("postgres", "database")):
        if r := _find(results, "ingest", db=db, backend=backend):
            rows.append(f"{db} + {backend} {r['events_per_s']['median']:,.0f}")
    return "; ".join(rows) and "; ".join(rows) + " ev/s"


def storm_on(results):
    r = _find(results, "ingest", db="sqlite", backend="filesystem")
    s = r and r.get("storm_default")
    return s and f"{s['events_per_s']['median']:,.0f} ev/s, {s['stored_share']:.1%} stored"


def read_back(results):
    r = _find(results, "read")
    return r and ("; ".join(f"{kind} {f['median']:,.0f} µs" for kind, f in r["load_us"].items())
                  + f" (orjson.loads alone {r['parse_json_us']['median']:,.0f} µs)")


ROWS = [
    ("ingest SQLite + files, as a multiple of the naive sync store in the same run", "3.4× (1,552 ev/s)",
     "≥ 15× (≈ 5,000+ ev/s; the goal is 10,000)", ingest_sqlite),
    ("PostgreSQL + S3 (moto) / PostgreSQL + files, same run", "0.18–0.22", "≥ 0.6, and ≥ 2,000 ev/s", s3_vs_files),
    ("gunicorn storm: throughput with minisentry / without", "0.50–0.77", "≥ 0.90 (goal 0.97)", gunicorn_storm),
    ("burst: added to `capture_exception()` / the SDK's own cost", "28 %", "≤ 10 % (goal 3 %)", burst),
    ("count-only (sampled-out) events", "—", "≥ 20,000 ev/s", count_only),
    ("on disk per 5 KB event (files: `du`)", "4,096 B", "≤ 1,600 B", disk),
    ("DB bytes per event", "263 B (SQLite) / 377 B (PostgreSQL)", "≤ 250 B on both", db_bytes),
    ("delete 1,000,000 events, SQLite + files on disk", "~96 s", "≤ 10 s", retention),
    ("ingest, other stores (durable)", "", "", other_ingest),
    ("ingest SQLite + files, storm setting on (default)", "", "", storm_on),
    ("read one event back (`Event.load()`, median)", "", "", read_back),
]


def table(results: list[dict]) -> str:
    """The rows as a Markdown table."""
    lines = ["| figure | today | target | measured |", "|---|---|---|---|"]
    for figure, today, target, measure in ROWS:
        lines.append(f"| {figure} | {today} | {target} | {measure(results) or 'not run'} |")
    return "\n".join(lines)


def main() -> None:
    path = sys.argv[1] if len(sys.argv) > 1 else ROOT / "benchmarks" / "results.json"
    with open(path) as file:
        print(table(json.load(file)["results"]))


if __name__ == "__main__":
    main()
