"""Fixtures: every backend (S3 through a real moto server over HTTP), real sentry-sdk."""

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
import sentry_sdk
from django.test import override_settings
from sentry_sdk.integrations.logging import LoggingIntegration

import minisentry
from minisentry.pipeline import storm

# A developer's own AWS configuration must never leak into the tests.
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
BACKENDS = ["filesystem", "s3", "database"]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def fresh_storm_windows():
    """Each test starts with no issue in a storm (the sampler's windows live as long as the process)."""
    storm.sampler.reset()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def moto_endpoint():
    """A moto S3 server in its own process, spoken to over HTTP like real S3."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=1)
            break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("the moto S3 server did not start")
            time.sleep(0.1)
    yield endpoint
    process.terminate()
    process.wait(10)


def s3_config(endpoint: str, bucket: str) -> dict:
    import boto3

    boto3.client(
        "s3", endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="testing", aws_secret_access_key="testing",
    ).create_bucket(Bucket=bucket)
    return {
        "BACKEND": "minisentry.backends.s3.S3Backend",
        "OPTIONS": {
            "bucket_name": bucket, "prefix": "events", "endpoint_url": endpoint,
            "region_name": "us-east-1", "access_key": "testing", "secret_key": "testing",
        },
    }


def backend_config(kind: str, tmp_path: Path, request) -> dict:
    if kind == "filesystem":
        return {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
                "OPTIONS": {"location": str(tmp_path / "blobs")}}
    if kind == "s3":
        endpoint = request.getfixturevalue("moto_endpoint")
        return s3_config(endpoint, f"minisentry-{uuid.uuid4().hex[:12]}")
    return {"BACKEND": "minisentry.backends.database.DatabaseBackend"}


# For tests whose subject is not the blob store: one store is enough (the others' share of what
# they test is covered by the tests that run on every store).
single_backend = pytest.mark.parametrize("backend", ["filesystem"], indirect=True)


@pytest.fixture(params=BACKENDS)
def backend(request, tmp_path, transactional_db):
    """Each test using it runs once per backend, with a private spool directory."""
    config = backend_config(request.param, tmp_path, request)
    with override_settings(MINISENTRY_BACKEND=config, MINISENTRY_SPOOL_DIR=str(tmp_path / "spool")):
        yield minisentry.get_backend()
        minisentry.flush(30)


@pytest.fixture
def sentry(backend):
    """sentry-sdk initialised as a user would: no DSN, before_send=minisentry.store()."""
    sentry_sdk.init(
        before_send=minisentry.store(),
        integrations=[LoggingIntegration(level=logging.INFO, event_level=logging.ERROR)],
        include_local_variables=True,
    )
    yield sentry_sdk
    assert minisentry.flush(30)
    sentry_sdk.init()


def worker_env(config: dict, spool: Path) -> dict:
    """Environment for a subprocess that uses the test database and ``config``."""
    from django.conf import settings

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        MINISENTRY_TEST_BACKEND=json.dumps(config),
        MINISENTRY_TEST_SPOOL_DIR=str(spool),
        MINISENTRY_TEST_DB_NAME=settings.DATABASES["default"]["NAME"],
        MINISENTRY_TEST_USE_TEST_DB="1",
        MINISENTRY_TEST_RETRY_DELAY="0.2",
        PYTHONPATH=str(ROOT),
    )
    return env


# Headless Chromium (Debian's), logged in through the admin's login form ---------------------------

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-output" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: apt-get install chromium"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; the ORM calls here are still sync.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            yield browser
            browser.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def page_opener(browser, login_url: str, submit: str, landing: str):
    """A fixture's body: yields ``open_page(scheme)``, a new page logged in as a superuser through the
    login form at ``login_url``; fails the test on any dialog."""
    from django.contrib.auth.models import (
        User,  # the models are ready once the tests run
    )

    User.objects.create_superuser("boss", "boss@example.com", "secret-pw")
    contexts, dialogs = [], []

    def open_page(scheme: str = "light"):
        context = browser.new_context(color_scheme=scheme, viewport={"width": 1400, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(login_url)
        page.fill("#id_username", "boss")
        page.fill("#id_password", "secret-pw")
        page.click(submit)
        page.wait_for_url(landing)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not dialogs, dialogs


@pytest.fixture
def open_page(browser, live_server):
    yield from page_opener(
        browser, f"{live_server.url}/admin/_minisentry/", "input[type=submit]", "**/admin/_minisentry/"
    )


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
