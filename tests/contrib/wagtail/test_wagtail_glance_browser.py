"""The issue at a glance in Wagtail's frame, in real headless Chromium: screenshots at 1400 px and
390 px, light and dark; the copy button, the events list and the raw JSON page."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

from django.urls import reverse

from ...browse.test_glance_browser import busy_issue, look_at
from ...conftest import shoot
from .test_wagtail_browser import wagtail_page  # noqa: F401  (the fixture)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_issue_at_a_glance_in_wagtail(wagtail_page, live_server, scheme):  # noqa: F811
    issue = busy_issue()
    page = wagtail_page(scheme)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(live_server.url + reverse("minisentry_wagtail:issue_detail", args=[issue.pk]))
    page.wait_for_selector(".ms-frequency")
    assert page.locator(".ms-chart").count() == 2
    assert "stored 5 of 2,000 events" in page.inner_text(".ms-header")
    look_at(page, f"glance-wagtail-issue-{scheme}")
    copy_id = page.locator("button.ms-copy[data-copy]")
    copy_id.click()
    assert copy_id.inner_text() == "Copied"
    assert page.evaluate("navigator.clipboard.readText()") == page.inner_text("code.ms-event-id-text")

    page.click("a.ms-tagbar:has-text('free')")
    page.wait_for_selector("tr.ms-event-row")
    assert page.locator("tr.ms-event-row").count() == 2
    look_at(page, f"glance-wagtail-events-{scheme}")

    page.click("tr.ms-event-row a.ms-event-message >> nth=0")
    page.click("text=Raw JSON")
    page.wait_for_selector(".ms-raw-json")
    look_at(page, f"glance-wagtail-raw-json-{scheme}")

    page.goto(live_server.url + reverse("minisentry_wagtail:issue_list") + "?spark=14d&ordering=-user_count")
    page.wait_for_selector("tr.ms-issue")
    assert page.locator(".ms-spark-range [aria-current]").inner_text().lower() == "last 14 days"
    shoot(page, f"glance-wagtail-list-{scheme}-1400")
