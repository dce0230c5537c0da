"""Forking while the writer works (gunicorn --preload captures in the master, then forks)."""

import json
import subprocess
import sys

import pytest

from minisentry.models import Event

from ..conftest import ROOT, backend_config, worker_env

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("delay_ms", [0, 1, 5, 20])
def test_fork_right_after_the_first_capture_loses_nothing(delay_ms, tmp_path, request, transactional_db):
    config = backend_config("filesystem", tmp_path, request)
    out = subprocess.run(
        [sys.executable, "-m", "tests.forker", str(delay_ms)], cwd=ROOT, env=worker_env(config, tmp_path / "spool"),
        capture_output=True, text=True, timeout=120,
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    expected = {"child": 0, "parent_flushed": True, "dropped": 0, "spooled": 0, "sampled_out": 0, "alerts_failed": 0,
                "ingest": {}}  # nothing came from the endpoint
    assert result == expected, out.stderr
    assert Event.objects.count() == 21
