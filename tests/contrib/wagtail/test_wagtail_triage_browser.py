"""Issue #21's acceptance in Chromium, Wagtail's frame: merge two issues (the list's bulk action),
assign, add a note, ignore until 3 more events, send 3 events, see the issue come back with its reason
in the activity; screenshots of the issue page and the list at 1400 and 390 px, light and dark."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

from urllib.parse import urlencode

from django.urls import reverse

from minisentry.models import Issue
from minisentry.testing import store_events

from ...browse.test_triage_browser import assert_history, triage
from ...conftest import shoot
from ...screens import DESKTOP, PHONE, no_horizontal_overflow
from ...uihelpers import message_event

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_merge_assign_note_ignore_and_come_back(wagtail_page, live_server):
    store_events([message_event("TEA"), message_event("TEA"), message_event("MUG")])
    page = wagtail_page()
    query = urlencode([*(("id", issue.pk) for issue in Issue.objects.all()), ("next", "/cms/errors/")])
    page.goto(live_server.url + reverse("wagtail_bulk_action", args=["minisentry", "issue", "merge"]) + "?" + query)
    with page.expect_navigation():
        page.get_by_role("button", name="Yes", exact=True).click()  # an input in Wagtail 7, a button in 8
    assert "2 issues merged into this one." in page.inner_text(".messages")
    issue = triage(page)
    assert issue.status == Issue.Status.UNRESOLVED and issue.assignee.username == "boss"
    assert_history(page)
    for scheme in ("light", "dark"):
        page = wagtail_page(scheme)
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            for name, target in (("issue", f"issues/{issue.pk}/"), ("list", "?assigned=me")):
                page.goto(f"{live_server.url}/cms/errors/{target}")
                no_horizontal_overflow(page)
                if name == "issue":  # Wagtail's page scrolls inside its frame: a screenshot shows the window
                    page.locator("#activity").scroll_into_view_if_needed()
                shoot(page, f"wagtail-activity-{name}-{size['width']}-{scheme}")
    assert "boss" in page.inner_text("table.ms-issues")
