"""Bugsink beside minisentry in the ingest benchmark: its own virtualenv, configured and run as its
docs say for a single server (``bugsink-create-conf --template=singleserver``: SQLite, ingested
envelopes written to files and digested by its ``snappea`` background worker, gunicorn in front).

``.venv/bugsink`` is made on first use (``pip install bugsink==VERSION gunicorn``): Bugsink is never
a dependency of minisentry. The configuration differs from the template only where a benchmark on
loopback needs it: an ``http://`` base URL, and the per-project and installation-wide event quotas
(1,000 per 5 minutes by default) and retention raised so that every event sent is digested.
"""

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from .common import ROOT

VERSION = "2.6.2"
VENV = ROOT / ".venv" / "bugsink"
BIN = VENV / "bin"
OVERRIDES = """
SECURE_PROXY_SSL_HEADER = None
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
USE_X_REAL_IP = False
BUGSINK["BASE_URL"] = "http://127.0.0.1:{port}"
BUGSINK.update({{name: 10**9 for name in (
    "MAX_EVENTS_PER_PROJECT_PER_5_MINUTES", "MAX_EVENTS_PER_PROJECT_PER_HOUR", "MAX_EVENTS_PER_PROJECT_PER_MONTH",
    "MAX_EVENTS_PER_5_MINUTES", "MAX_EVENTS_PER_HOUR", "MAX_EVENTS_PER_MONTH")}})
ALLOWED_HOSTS = ["127.0.0.1"]
"""
PROJECT = """
from projects.models import Project
project = Project.objects.create(name="bench", retention_max_event_count=10**9)
print(project.dsn)
"""


def ensure_venv() -> None:
    """``.venv/bugsink`` with Bugsink and gunicorn, made once."""
    if (BIN / "bugsink-manage").exists():
        return
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(BIN / "pip"), "install", "--quiet", f"bugsink=={VERSION}", "gunicorn"], check=True)


class Bugsink:
    """A configured, migrated Bugsink under ``work`` with one project; :meth:`start` runs it."""

    def __init__(self, work: Path, port: int, workers: int = 4):
        ensure_venv()
        self.work, self.port, self.workers, self.processes = work, port, workers, []
        work.mkdir(parents=True, exist_ok=True)
        self.env = dict(os.environ, PYTHONPATH=str(work), DJANGO_SETTINGS_MODULE="bugsink_conf")
        self.env.pop("VIRTUAL_ENV", None)
        conf = work / "bugsink_conf.py"
        subprocess.run([str(BIN / "bugsink-create-conf"), "--template=singleserver", f"--base-dir={work}",
                        f"--host=127.0.0.1:{port}", f"--output-file={conf}"], check=True, cwd=work,
                       stdout=subprocess.DEVNULL)
        with conf.open("a") as file:
            file.write(OVERRIDES.format(port=port))
        self.manage("migrate")
        self.manage("migrate", "snappea", "--database=snappea")
        self.dsn = self.manage("shell", "-c", PROJECT).strip().splitlines()[-1]

    def manage(self, *args: str) -> str:
        return subprocess.run([str(BIN / "bugsink-manage"), *args], check=True, cwd=self.work, env=self.env,
                              capture_output=True, text=True).stdout

    def start(self, log: Path, *gunicorn_args: str) -> None:
        """gunicorn (``workers`` sync workers, as its docs run it) and the snappea worker."""
        out = log.open("ab")
        self.processes = [
            subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "--workers",
                              str(self.workers), "--timeout", "30", *gunicorn_args, "bugsink.wsgi"],
                             cwd=self.work, env=self.env, stdout=out, stderr=subprocess.STDOUT),
            subprocess.Popen([str(BIN / "bugsink-runsnappea")], cwd=self.work, env=self.env, stdout=out,
                             stderr=subprocess.STDOUT),
        ]

    def stored(self) -> int:
        """Events Bugsink has digested and stored (rows of its event table)."""
        with sqlite3.connect(f"file:{self.work / 'db.sqlite3'}?mode=ro", uri=True, timeout=30) as connection:
            return connection.execute("SELECT COUNT(*) FROM events_event").fetchone()[0]

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(10)


def wait_for_port(port: int, timeout: float = 60) -> None:
    """Until something accepts connections on 127.0.0.1:``port``."""
    import socket

    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
