"""Smoke test: every benchmark script runs on tiny sizes (the figures are in BENCHMARKS.md)."""

import json
import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.slow
@pytest.mark.benchmarks
def test_benchmarks_run_quickly(tmp_path):
    output = tmp_path / "results.json"
    subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--output", str(output)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, timeout=1200)
    run = json.loads(output.read_text())
    assert {r["benchmark"] for r in run["results"]} == {
        "capture", "ingest", "sampling", "gunicorn_storm", "storage", "read", "cleanup", "compression", "index_write",
        "storm", "browse", "memory", "huge", "ingest_vs_bugsink"}
    assert "not run" not in run["targets"]  # every row of the Targets table has its figure
    storm = next(r for r in run["results"] if r["benchmark"] == "gunicorn_storm")
    assert all(set(r["statuses"]) == {"500"} for side in storm["sides"].values() for r in side["runs"])
    over_http = next(r for r in run["results"] if r["benchmark"] == "ingest_vs_bugsink")["sides"]["minisentry-sqlite"]
    assert over_http["statuses"] == {"200": 20} and over_http["stored"] == 20  # every envelope's event a row
    assert over_http["paced"]["statuses"] == {"200": 20} and over_http["paced"]["stored"] == 20
    # each idle page's time split by the server's own account of it (benchmarks/page_probe.py)
    assert over_http["page_parts"]["idle"]["pages"] == over_http["page_ms"]["idle"]["n"] > 0
