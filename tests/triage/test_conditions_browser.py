"""The issue page's "Ignore until…" menu in real headless Chromium (Django-admin frame): ignore until
3 more events, read the condition, see the issue come back with its reason."""

import pytest

from minisentry.models import Activity, Issue

from ..conftest import shoot
from ..uihelpers import message_event, store

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def ignore_until_three_more(page) -> None:
    """On an issue page: open the menu, choose "until N more events", N = 3, submit."""
    page.click("summary:has-text('Ignore until…')")
    page.check("input[name=ignore][value=events]")
    page.fill("input[name=ignore_count]", "3")
    shoot(page, page.url.split("/")[3] + "-ignore-menu")
    with page.expect_navigation():
        page.click(".ms-status-menus button[value=ignore]")


def test_ignore_until_3_more_events_and_come_back(open_page):
    store(message_event("tea"))
    page = open_page()
    page.click("text=stock of tea is low")
    ignore_until_three_more(page)
    assert "Ignored until 3 more events (1 of 4)" in page.inner_text(".ms-condition")
    store(message_event("tea"), message_event("tea"))
    page.reload()
    assert "Ignored until 1 more event (3 of 4)" in page.inner_text(".ms-condition")
    store(message_event("tea"))
    page.reload()
    assert page.locator(".ms-condition").count() == 0 and Issue.objects.get().status == "unresolved"
    assert Activity.objects.filter(kind="came_back").values_list("data", flat=True)[0]["reason"] == "events"
