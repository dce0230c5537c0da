"""End to end in real headless Chromium (Debian's ``chromium``): log in, filter, read, act, stay safe."""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import User

from minisentry.models import Issue

from .uihelpers import exception_event, issue_of, message_event, store

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-output" / "screenshots"
# Payloads that would set window.pwned if the page ever ran them.
PAYLOADS = ['<script>window.pwned=1</script>', '<img src=x onerror="window.pwned=2">',
            '"><svg onload="window.pwned=3">', "</script><script>alert(4)</script>"]

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


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
    yield from page_opener(browser, f"{live_server.url}/admin/_minisentry/", "input[type=submit]", "**/admin/_minisentry/")


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_filter_open_toggle_and_resolve(open_page):
    error, warning = exception_event(), message_event("TEA")
    store(error, warning)
    page = open_page()
    assert page.locator("tr.ms-issue").count() == 2
    page.select_option("select[name=level]", "warning")
    page.click("input[type=submit][value=Filter]")
    assert page.locator("tr.ms-issue").count() == 1
    assert "stock of TEA is low" in page.inner_text(".ms-issues")
    page.select_option("select[name=level]", "")
    page.click("input[type=submit][value=Filter]")

    page.click("text=ValueError: cart total is not a number")
    library_frame = page.locator(".ms-frame.ms-hideable").first
    assert not library_frame.is_visible()
    page.click("label[for=ms-full-trace]")
    assert library_frame.is_visible()
    page.click("label[for=ms-full-trace]")
    assert not library_frame.is_visible()

    page.click("button[value=resolve]")
    page.wait_for_selector(".ms-status-resolved")
    assert issue_of(error).status == Issue.Status.RESOLVED


def test_event_payloads_never_run(open_page):
    data = exception_event(
        message=PAYLOADS[0], tags={"evil": PAYLOADS[1], "other": PAYLOADS[2]}, extra={"x": PAYLOADS},
        breadcrumbs={"values": [{"message": p, "category": p, "data": {"p": p}} for p in PAYLOADS]},
    )
    data["exception"]["values"][-1]["value"] = PAYLOADS[3]
    data["exception"]["values"][-1]["stacktrace"]["frames"][1]["vars"].update(dict(enumerate(PAYLOADS)))
    store(data)
    page = open_page()
    page.click("a.ms-title")
    page.wait_for_selector("#breadcrumbs")
    for details in page.locator("details").all():  # open everything, nested values included
        details.evaluate("element => element.open = true")
    assert page.evaluate("window.pwned") is None
    assert PAYLOADS[0] in page.inner_text("#breadcrumbs")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots(open_page, scheme):
    store(exception_event(), exception_event(), message_event("TEA"), message_event("MUG", level="info"))
    page = open_page(scheme)
    shoot(page, f"issue-list-{scheme}")
    page.click("text=ValueError: cart total is not a number")
    page.wait_for_selector("#exception")
    shoot(page, f"issue-detail-{scheme}")
