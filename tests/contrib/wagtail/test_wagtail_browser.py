"""The Wagtail admin integration in real headless Chromium: menu, list, issue page, resolve; screenshots."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

from django.core.management import call_command

from minisentry.models import Issue

from ...conftest import shoot
from ...screens import DESKTOP, PHONE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_menu_list_issue_and_resolve(wagtail_page, scheme):
    call_command("minisentry_demo", stdout=open("/dev/null", "w"))
    page = wagtail_page(scheme)
    page.click("#wagtail-sidebar a:has-text('Errors')")
    page.wait_for_selector("table.ms-issues")
    assert page.locator("tr.ms-issue").count() == Issue.objects.filter(status=Issue.Status.UNRESOLVED).count()
    shoot(page, f"wagtail-issue-list-{scheme}")
    page.set_viewport_size(PHONE)
    page.reload()  # Wagtail lays its sidebar out for the window it loads in
    page.wait_for_selector("table.ms-issues")
    shoot(page, f"wagtail-issue-list-phone-{scheme}")
    page.set_viewport_size(DESKTOP)
    page.reload()
    page.wait_for_selector("table.ms-issues")
    page.click("tr.ms-issue a.ms-title >> nth=0")
    page.wait_for_selector("#exception, #message")
    shoot(page, f"wagtail-issue-detail-{scheme}")
    resolved = Issue.objects.filter(status=Issue.Status.RESOLVED).count()
    page.click("button[value=resolve]")
    page.wait_for_selector(".messages .success")
    assert "1 issue updated." in page.inner_text(".messages")
    assert Issue.objects.filter(status=Issue.Status.RESOLVED).count() == resolved + 1
