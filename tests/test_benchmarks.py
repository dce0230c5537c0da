"""Smoke test: every benchmark script runs on tiny sizes (the figures are in BENCHMARKS.md)."""

import json
import subprocess
import sys

import pytest

from .conftest import ROOT


@pytest.mark.slow
def test_benchmarks_run_quickly(tmp_path):
    output = tmp_path / "results.json"
    subprocess.run([sys.executable, "-m", "benchmarks", "--quick", "--output", str(output)], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL, timeout=600)
    results = json.loads(output.read_text())["results"]
    expected = {"capture", "ingest", "storage", "index_write", "storm", "browse", "memory", "huge"}
    assert {r["benchmark"] for r in results} == expected
