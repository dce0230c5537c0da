"""Issue #21's acceptance in Chromium, Django-admin frame: merge two issues, assign, add a note,
ignore until 3 more events, send 3 events, see the issue come back with its reason in the activity;
screenshots of the issue page at 1400 and 390 px, light and dark."""

import pytest

from minisentry.models import Issue
from minisentry.testing import store_events

from ..conftest import shoot
from ..screens import DESKTOP, PHONE, no_horizontal_overflow
from ..uihelpers import message_event

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
NOTE = "Checked the price table:\nTEA has no price since the import.\n<b>not bold</b>"


def triage(page) -> Issue:
    """Assign, add a note, ignore until 3 more events on the issue page open in ``page``; then 3
    events bring the issue back. Returns it."""
    page.select_option("#ms-assignee", label="boss")
    with page.expect_navigation():
        page.click(".ms-assign button")
    page.fill(".ms-note-form textarea", NOTE)
    with page.expect_navigation():
        page.click("text=Add note")
    assert page.inner_text(".ms-note-text") == NOTE and page.locator(".ms-note-text b").count() == 0
    page.click("summary:has-text('Ignore until…')")
    page.check(".ms-status-menus input[name=ignore][value=events]")
    page.fill(".ms-status-menus input[name=ignore_count]", "3")
    with page.expect_navigation():
        page.click(".ms-status-menus button[value=ignore]")
    issue = Issue.objects.get()
    assert issue.status == Issue.Status.IGNORED
    store_events([message_event("TEA"), message_event("MUG")])
    assert Issue.objects.get().status == Issue.Status.IGNORED  # 2 more events: still ignored
    store_events([message_event("TEA")])
    page.reload()
    return Issue.objects.get()


def assert_history(page) -> None:
    entries = page.locator(".ms-activity-line").all_inner_texts()
    expected = ["The issue came back: it reached 6 events", "boss ignored the issue until 3 more events",
                "boss added a note", "boss assigned the issue to boss",
                "boss merged 1 issue into this one: stock of MUG is low", "First seen"]
    assert len(entries) == len(expected) and all(map(str.startswith, entries, expected)), entries


def test_merge_assign_note_ignore_and_come_back(open_page):
    store_events([message_event("TEA"), message_event("TEA"), message_event("MUG")])
    page = open_page()
    for row in page.locator("tr.ms-issue").all():
        row.locator("input.action-select").check()
    page.select_option("select[name=action]", "merge")
    with page.expect_navigation():
        page.click("button[name=apply]")
    with page.expect_navigation():
        page.click("text=Yes, merge")
    assert "2 issues merged into this one." in page.inner_text(".messagelist")  # on the issue's page
    issue = triage(page)
    assert issue.status == Issue.Status.UNRESOLVED and issue.assignee.username == "boss"
    assert_history(page)
    detail = page.url.split("#")[0]
    for scheme in ("light", "dark"):
        page = open_page(scheme)
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            page.goto(detail)
            no_horizontal_overflow(page)
            shoot(page, f"django-activity-{size['width']}-{scheme}")
