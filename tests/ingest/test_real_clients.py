"""Real clients against a real server (gunicorn serving the test site with the endpoint mounted),
nothing mocked between them: sentry-sdk with a DSN in another process, a browser's CSP report and
hostile bodies sent with ``curl``, ``sentry-cli send-event``. Each event is stored, titled and
grouped as the in-process hook stores the same error; each hostile body is a clear 4xx, stores
nothing, and the server logs no error."""

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import zstandard
from django.urls import reverse
from django.utils.html import escape

from minisentry.models import Event, Issue, Project, ProjectKey

from ..conftest import ROOT, backend_config, worker_env
from ..servers import gunicorn

pytestmark = pytest.mark.slow
SENTRY_CLI = Path(sys.executable).with_name("sentry-cli")


def serve(tmp_path, request, ingest_first: bool, rate_limit: int | None = None, **extra_env: str):
    """(server, env, project, dsn): gunicorn with 2 workers storing into the test database; with
    ``ingest_first``, the endpoint ahead of the site (``minisentry.ingest.wsgi``); the DSN's key
    has ``rate_limit``."""
    env = worker_env(backend_config("filesystem", tmp_path, request), tmp_path / "spool")
    env["MINISENTRY_TEST_URLCONF"] = "tests.ingest.urls"
    env["MINISENTRY_TEST_INGEST_FIRST"] = "1" if ingest_first else ""
    env.update(extra_env)
    project = Project.objects.create(name="Export", slug="export")
    key = ProjectKey.objects.create(project=project, public_key=uuid.uuid4().hex, rate_limit=rate_limit)
    with gunicorn(env, tmp_path / "gunicorn.log", "-w", "2") as server:
        dsn = f"http://{key.public_key}@127.0.0.1:{server.port}/minisentry/{project.pk}"
        yield server, env, project, dsn
        server.stop()
    log = (tmp_path / "gunicorn.log").read_text()
    assert "Traceback" not in log and "ERROR" not in log, log


@pytest.fixture
def site(tmp_path, request, transactional_db):
    yield from serve(tmp_path, request, ingest_first=False)


@pytest.fixture
def site_ingest_first(tmp_path, request, transactional_db):
    yield from serve(tmp_path, request, ingest_first=True)


def wait_for(query, n: int, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while query.count() < n and time.monotonic() < deadline:
        time.sleep(0.1)
    assert query.count() == n
    return list(query)


def run(args: list, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_sentry_sdk_with_a_dsn_is_stored_as_the_hook_stores_it(site, admin_client):
    server, env, project, dsn = site
    run([sys.executable, "-m", "tests.ingest.service", dsn], env)
    sent = wait_for(Issue.objects.filter(project=project).order_by("title"), 2)
    run([sys.executable, "-m", "tests.ingest.service", "hook"], env)
    hooked = wait_for(Issue.objects.exclude(project=project).order_by("title"), 2)
    assert [i.title for i in sent] == ["KeyError: 'price'", "nightly export found 3 stale orders"]
    for ours, theirs in zip(sent, hooked, strict=True):
        assert (ours.title, ours.culprit, ours.level, ours.fingerprint) == \
               (theirs.title, theirs.culprit, theirs.level, theirs.fingerprint)
        assert ours.release == "export@1.0"
        page = admin_client.get(reverse("minisentry:issue_detail", args=[ours.pk]))
        assert page.status_code == 200 and escape(ours.title) in page.content.decode()
    run([sys.executable, "-m", "tests.ingest.service", dsn], env)  # the same errors again: same issues
    wait_for(Event.objects.filter(issue__project=project), 4)
    assert Issue.objects.filter(project=project).count() == 2


def test_a_browsers_csp_report(site):
    server, env, project, dsn = site
    key = dsn.split("//")[1].split("@")[0]
    report = {"csp-report": {
        "document-uri": "https://shop.example/checkout/", "referrer": "", "violated-directive": "img-src 'self'",
        "effective-directive": "img-src", "original-policy": "default-src 'self'; report-uri /csp",
        "blocked-uri": "https://tracker.example/pixel.gif", "status-code": 200,
    }}
    curl = curl_post(f"http://127.0.0.1:{server.port}/minisentry/api/{project.pk}/security/?sentry_key={key}",
                     json.dumps(report).encode(), "Content-Type: application/csp-report")
    assert curl[0] == 200, curl
    issue = wait_for(Issue.objects.filter(project=project), 1)[0]
    assert issue.title == "Blocked 'image' from 'tracker.example'"


def test_sentry_cli_send_event(site):
    server, env, project, dsn = site
    run([str(SENTRY_CLI), "send-event", "-m", "backup of %s failed", "-a", "orders", "--no-environ"],
        env | {"SENTRY_DSN": dsn})
    issue = wait_for(Issue.objects.filter(project=project), 1)[0]
    assert issue.title == "backup of orders failed"


def curl_post(url: str, body: bytes, *headers: str) -> tuple[int, dict, str]:
    """POST with the real curl; (status, headers of the final answer, body)."""
    args = ["curl", "-sS", "-o", "-", "-D", "/dev/stderr", "--data-binary", "@-", url]
    for header in headers:
        args += ["-H", header]
    done = subprocess.run(args, input=body, capture_output=True, timeout=60)
    head = done.stderr.decode("latin-1").split("\r\n\r\n")
    final = [block for block in head if block.startswith("HTTP/") and " 100 " not in block.split("\r\n")[0]][-1]
    lines = final.split("\r\n")
    parsed = {k.lower(): v for k, _, v in (line.partition(": ") for line in lines[1:])}
    return int(lines[0].split()[1]), parsed, done.stdout.decode()


@pytest.mark.skipif(not shutil.which("curl"), reason="curl is not installed")
def test_hostile_bodies_with_curl(site_ingest_first):
    """Through the endpoint ahead of the site (the mounted one answers the same: ``test_wsgi``)."""
    server, env, project, dsn = site_ingest_first
    key = dsn.split("//")[1].split("@")[0]
    url = f"http://127.0.0.1:{server.port}/minisentry/api/{project.pk}/envelope/"
    auth = f"X-Sentry-Auth: Sentry sentry_key={key}, sentry_version=7"
    event = json.dumps({"event_id": uuid.uuid4().hex, "message": "fine"}).encode()
    good = b'{}\n{"type":"event","length":%d}\n%s\n' % (len(event), event)
    cases = [
        ("malformed", b"not an envelope\n", [auth], 400),
        ("truncated", good[:-20], [auth], 400),
        ("truncated gzip", gzip.compress(good)[:-10], [auth, "Content-Encoding: gzip"], 400),
        ("wrongly compressed", good, [auth, "Content-Encoding: br"], 400),
        ("oversized", b"{}\n" + b"x" * (21 * 1024 * 1024), [auth], 413),
        ("bomb", zstandard.compress(b'{}\n{"type":"attachment"}\n' + b"\0" * (150 * 1024 * 1024)),
         [auth, "Content-Encoding: zstd"], 413),
        ("unauthenticated", good, [], 401),
        ("an unknown key", good, [f"X-Sentry-Auth: Sentry sentry_key={uuid.uuid4().hex}"], 401),
    ]
    for name, body, headers, status in cases:
        got, answer_headers, answer = curl_post(url, body, "Content-Type: application/x-sentry-envelope", *headers)
        assert got == status, (name, got, answer)
        assert answer_headers.get("x-sentry-error") and json.loads(answer)["detail"], name
        assert "set-cookie" not in answer_headers, name
    assert curl_post(url, good, auth)[0] == 200  # the server is still fine
    wait_for(Event.objects.all(), 1)
    assert os.path.exists(env["MINISENTRY_TEST_SPOOL_DIR"]) is False or not os.listdir(env["MINISENTRY_TEST_SPOOL_DIR"])
