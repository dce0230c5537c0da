"""The issue at a glance in Wagtail's frame, in real headless Chromium: screenshots at 1400 px and
390 px, light and dark; the copy button, the events list and the raw JSON page."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

from django.urls import reverse

from ...browse.test_glance_browser import busy_issue, walk_through

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_issue_at_a_glance_in_wagtail(wagtail_page, live_server, scheme):  # noqa: F811
    issue = busy_issue()
    walk_through(
        wagtail_page(scheme), live_server.url + reverse("minisentry_wagtail:issue_detail", args=[issue.pk]),
        live_server.url + reverse("minisentry_wagtail:issue_list") + "?spark=14d&ordering=-user_count",
        f"glance-wagtail-{scheme}",
    )
