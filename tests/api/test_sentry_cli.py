"""The real sentry-cli (PyPI package) against the API under gunicorn: it lists issues over several
pages, resolves, mutes and unresolves them, and says "Project not found" for an unknown project."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from minisentry.api.tokens import new_token
from minisentry.models import Issue

from ..conftest import backend_config, worker_env
from ..servers import gunicorn
from ..uihelpers import make_user, message_event, store

pytestmark = pytest.mark.slow
CLI = shutil.which("sentry-cli", path=str(Path(sys.executable).parent)) or shutil.which("sentry-cli")


def cli(server, token: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    env["SENTRY_DISABLE_UPDATE_CHECK"] = "1"
    return subprocess.run(
        [CLI, "--url", f"http://127.0.0.1:{server.port}/", "--auth-token", token, "issues", *args],
        capture_output=True, text=True, timeout=60, env=env,
    )


@pytest.mark.skipif(CLI is None, reason="sentry-cli is not installed (pip install sentry-cli)")
def test_sentry_cli_lists_resolves_mutes_and_unresolves(tmp_path, request, transactional_db):
    store(*[message_event(f"failure {i}", fingerprint=[f"f{i}"]) for i in range(120)])  # two pages of 100
    _, token = new_token(make_user("ops", "view_issue", "change_issue"), "write")
    env = worker_env(backend_config("filesystem", tmp_path, request), tmp_path / "spool")
    with gunicorn(env, tmp_path / "gunicorn.log", "-w", "2") as server:
        listed = cli(server, token, "list", "-o", "site", "-p", "site")
        assert listed.returncode == 0, listed.stderr
        ids = {str(pk) for pk in Issue.objects.values_list("pk", flat=True)}
        assert ids <= set(listed.stdout.split()), listed.stdout  # every issue, from both pages
        first, second = sorted(ids, key=int)[:2]

        done = cli(server, token, "resolve", "-o", "site", "-p", "site", "-i", first, "-i", second)
        assert done.returncode == 0, done.stderr
        assert set(Issue.objects.filter(status="resolved").values_list("pk", flat=True)) == {int(first), int(second)}

        done = cli(server, token, "mute", "-o", "site", "-p", "site", "-i", first)
        assert done.returncode == 0, done.stderr
        assert Issue.objects.get(pk=first).status == "ignored"

        done = cli(server, token, "unresolve", "-o", "site", "-p", "site", "--all")
        assert done.returncode == 0, done.stderr
        assert not Issue.objects.exclude(status="unresolved").exists()

        missing = cli(server, token, "list", "-o", "site", "-p", "nope")
        assert missing.returncode != 0 and "Project not found" in missing.stderr + missing.stdout
        refused = cli(server, "sntryu_" + "0" * 64, "list", "-o", "site", "-p", "site")
        assert refused.returncode != 0
        server.stop()
