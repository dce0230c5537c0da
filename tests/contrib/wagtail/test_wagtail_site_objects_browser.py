"""The site's own users in real headless Chromium, in both frames: from an event to its user's page,
and from that page back to the issue; screenshots."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

from django.contrib.auth.models import User

from ...conftest import shoot
from ...uihelpers import exception_event, issue_of, store

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.mark.parametrize(("frame", "prefix"), [("django", "/admin/_minisentry"), ("wagtail", "/cms/errors")])
def test_from_an_event_to_its_user_and_back(request, live_server, frame, prefix):
    page = request.getfixturevalue("open_page" if frame == "django" else "wagtail_page")()
    ada = User.objects.create_user("ada", email="ada@example.com")
    data = exception_event(user={"id": str(ada.pk), "email": ada.email})
    store(data)
    issue = issue_of(data)
    page.goto(f"{live_server.url}{prefix}/issues/{issue.pk}/")
    page.click(".ms-site-user a:has-text('ada')")
    page.locator(".ms-user-errors").scroll_into_view_if_needed()  # Wagtail's page scrolls inside its window
    shoot(page, f"site-user-{frame}")
    page.click(f".ms-user-errors a:has-text('{issue.title}')")
    page.wait_for_selector(".ms-site-user")
    assert page.url == f"{live_server.url}{prefix}/issues/{issue.pk}/"
