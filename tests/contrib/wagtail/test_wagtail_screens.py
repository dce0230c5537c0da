"""The Wagtail frame's list, issue, events and Storage pages in Chromium at 1400 px and 390 px, light
and dark, with 40-character releases (no sideways scrolling on a phone, titles using the width,
badges on one line, tag bars at WCAG AA contrast), and a bulk action through Wagtail's footer;
screenshots."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

from minisentry.models import Issue

from ...conftest import shoot
from ...screens import (
    DESKTOP,
    PHONE,
    check_events_list,
    check_issue_page,
    check_list,
    check_long_title,
    no_horizontal_overflow,
    store_screen_events,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1400", "390"])
def test_list_issue_events_and_storage_pages_fit_the_screen(wagtail_page, live_server, scheme, size):
    store_screen_events()
    page = wagtail_page(scheme)
    page.set_viewport_size(size)
    page.goto(f"{live_server.url}/cms/errors/")
    page.wait_for_selector("table.ms-issues")
    check_list(page, "td.title a.ms-title", f"wagtail-list-{size['width']}-{scheme}")
    check_long_title(page, "td.title a.ms-title:has-text('LookupError')")
    check_issue_page(page, f"wagtail-issue-{size['width']}-{scheme}")
    check_events_list(page, f"wagtail-events-{size['width']}-{scheme}")

    page.goto(f"{live_server.url}/cms/errors/storage/")
    page.wait_for_selector("table.ms-storage")
    no_horizontal_overflow(page)
    shoot(page, f"wagtail-storage-{size['width']}-{scheme}")


def test_bulk_resolve_through_wagtails_footer(wagtail_page, live_server):
    store_screen_events()
    page = wagtail_page("light")
    page.goto(f"{live_server.url}/cms/errors/")
    page.check("input.bulk-action-checkbox >> nth=0")
    page.check("input.bulk-action-checkbox >> nth=1")
    page.click("[data-bulk-action-footer] a:has-text('Resolve')")
    page.wait_for_selector("text=Resolve these issues?")
    shoot(page, "wagtail-bulk-confirm")
    page.click("main form[method=POST] [type=submit]")  # an input in Wagtail 7, a button in 8
    page.wait_for_selector("text=2 issues updated.")
    assert set(Issue.objects.values_list("status", flat=True)) == {Issue.Status.RESOLVED}
