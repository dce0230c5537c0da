"""Issue #21's acceptance in Chromium, Wagtail's frame: assign, add a note, see the issue's
activity; screenshots of the issue page and the list at 1400 and 390 px, light and dark."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

from minisentry.models import Issue

from ...conftest import shoot
from ...screens import DESKTOP, PHONE, no_horizontal_overflow
from ...uihelpers import exception_event, issue_of, message_event, store

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
NOTE = "Checked the price table:\nTEA has no price since the import.\n<b>not bold</b>"


def test_assign_note_and_regression_in_the_activity(wagtail_page, live_server):
    error = exception_event()
    store(error, message_event("TEA"))
    issue = issue_of(error)
    detail = f"{live_server.url}/cms/errors/issues/{issue.pk}/"
    page = wagtail_page()
    page.goto(detail)
    page.select_option("#ms-assignee", label="boss")
    with page.expect_navigation():
        page.click(".ms-assign button")
    assert "boss assigned the issue to boss" in page.inner_text("#activity")
    page.fill(".ms-note-form textarea", NOTE)
    with page.expect_navigation():
        page.click("text=Add note")
    assert page.inner_text(".ms-note-text") == NOTE
    assert page.locator(".ms-note-text b").count() == 0

    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.RESOLVED)
    store(exception_event(release="shop@2.1"))
    page.reload()
    entries = page.locator(".ms-activity-line").all_inner_texts()
    assert entries[0].startswith("Regressed: ") and "(release shop@2.1)" in entries[0]
    assert entries[1].startswith("boss added a note") and entries[2].startswith("boss assigned the issue to boss")
    for scheme in ("light", "dark"):
        page = wagtail_page(scheme)
        for size in (DESKTOP, PHONE):
            page.set_viewport_size(size)
            for name, target in (("issue", detail), ("list", f"{live_server.url}/cms/errors/?assigned=me")):
                page.goto(target)
                no_horizontal_overflow(page)
                shoot(page, f"wagtail-activity-{name}-{size['width']}-{scheme}")
    assert "boss" in page.inner_text("table.ms-issues")
