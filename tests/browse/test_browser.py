"""End to end in real headless Chromium (Debian's ``chromium``): log in, filter, read, act, stay safe."""


import pytest
from django.core.management import call_command

from minisentry.models import Issue

from ..conftest import shoot
from ..screens import DESKTOP, PHONE, no_horizontal_overflow
from ..uihelpers import exception_event, issue_of, message_event, store

# Payloads that would set window.pwned if the page ever ran them.
PAYLOADS = ['<script>window.pwned=1</script>', '<img src=x onerror="window.pwned=2">',
            '"><svg onload="window.pwned=3">', "</script><script>alert(4)</script>"]

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_filter_open_toggle_and_resolve(open_page):
    error, warning = exception_event(), message_event("TEA")
    store(error, warning)
    page = open_page()
    assert page.locator("tr.ms-issue").count() == 2
    page.select_option("select[name=level]", "warning")
    with page.expect_navigation():  # count the rows of the filtered page, not of the one it replaces
        page.click("input[type=submit][value=Filter]")
    assert page.locator("tr.ms-issue").count() == 1
    assert "stock of TEA is low" in page.inner_text(".ms-issues")
    page.select_option("select[name=level]", "")
    with page.expect_navigation():
        page.click("input[type=submit][value=Filter]")

    page.click("text=ValueError: cart total is not a number")
    library_frame = page.locator(".ms-frame.ms-hideable").first
    assert not library_frame.is_visible()
    page.click("label[for=ms-full-trace]")
    assert library_frame.is_visible()
    page.click("label[for=ms-full-trace]")
    assert not library_frame.is_visible()

    page.click(".ms-issue-actions button[value=resolve]")
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
def test_demo_screens(open_page, scheme, tmp_path):
    """The demo's data as the README shows it: the list (desktop and phone) and a regression's page."""
    with open(tmp_path / "demo.txt", "w") as out:
        call_command("minisentry_demo", stdout=out)
    page = open_page(scheme)
    assert "shop.checkout in place_order" in page.inner_text(".ms-issues")
    shoot(page, f"issue-list-{scheme}")
    page.set_viewport_size(PHONE)
    no_horizontal_overflow(page)
    shoot(page, f"issue-list-phone-{scheme}")
    page.set_viewport_size(DESKTOP)
    page.click("a.ms-title:has-text('ValueError')")
    assert "came back after it had been resolved" in page.inner_text(".ms-regression-note")
    assert page.locator(".ms-issue-actions button[value=resolve]").inner_text() == "Resolve again"
    shoot(page, f"issue-detail-{scheme}")
