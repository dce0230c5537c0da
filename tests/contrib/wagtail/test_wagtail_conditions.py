"""Status conditions in the Wagtail frame: the bulk actions' confirmation pages, the issue page's
menus and condition, and who may use them."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

import re
from datetime import UTC, datetime, timedelta

from minisentry.models import Activity, Issue

from ...uihelpers import message_event, store
from .test_wagtail import CHANGE, VIEW, client_of, editor, url
from .test_wagtail_bulk import BACK, bulk

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def issue() -> Issue:
    store(*(message_event("tea", release="shop@2.4.0") for _ in range(12)))
    return Issue.objects.get()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_bulk_ignore_asks_for_the_condition(issue):
    changer = editor("changer", VIEW, CHANGE)
    client = client_of(changer)
    page = client.get(bulk("ignore", issue.pk)).content.decode()
    assert 'name="ignore" value="events"' in page and 'name="ignore_count"' in page
    done = client.post(bulk("ignore", issue.pk), {"ignore": "events", "ignore_count": "3"}, follow=True)
    assert done.redirect_chain == [(BACK, 302)]
    issue.refresh_from_db()
    assert (issue.status, issue.ignore_until_events) == ("ignored", 15)
    assert list(Activity.objects.values_list("kind", "user", "data")) == [("ignored", changer.pk, {"events": 3})]
    page = client.get(url("issue_detail", issue.pk)).content.decode()
    assert "Ignored until 3 more events (12 of 15)" in text(page)


def test_bulk_resolve_in_a_release_and_a_bad_condition(issue):
    client = client_of(editor("changer", VIEW, CHANGE))
    assert 'name="resolve_in" value="release"' in client.get(bulk("resolve", issue.pk)).content.decode()
    refused = client.post(bulk("resolve", issue.pk), {"resolve_in": "release"})
    assert refused.status_code == 200 and "Name the release that fixes it." in refused.content.decode()
    assert Issue.objects.get().status == "unresolved"
    client.post(bulk("resolve", issue.pk), {"resolve_in": "release", "release": "shop@2.4.1"})
    assert "Resolved in shop@2.4.1" in text(client.get(url("issue_detail", issue.pk)).content.decode())


def test_the_issue_page_menus_post_to_the_wagtail_action(issue):
    client = client_of(editor("changer", VIEW, CHANGE))
    page = client.get(url("issue_detail", issue.pk)).content.decode()
    assert page.count(f'action="{url("issue_action")}"') == 3  # the buttons, "Resolve in…", "Ignore until…"
    client.post(url("issue_action"), {"action": "ignore", "ignore": "rate", "ignore_count": "50", "issue": issue.pk})
    assert (Issue.objects.get().status, Issue.objects.get().ignore_rate) == ("ignored", 50)


def test_an_expired_ignore_comes_back_on_the_list(issue):
    Issue.objects.update(status="ignored", ignore_until=datetime.now(UTC) - timedelta(minutes=1))
    html = client_of(editor("viewer", VIEW)).get(url("issue_list")).content.decode()
    assert "stock of tea is low" in html and Issue.objects.get().status == "unresolved"


def test_viewers_may_not_use_the_conditions(issue):
    viewer = client_of(editor("viewer", VIEW))
    viewer.post(bulk("ignore", issue.pk), {"ignore": "events", "ignore_count": "3"})  # Wagtail redirects
    viewer.post(bulk("resolve", issue.pk), {"resolve_in": "next_release"})
    post = {"action": "ignore", "ignore": "1h", "issue": issue.pk}
    assert viewer.post(url("issue_action"), post).status_code == 403
    assert client_of(editor("nobody", CHANGE, admin_access=False)).post(url("issue_action"), post).status_code in (
        302, 403)
    assert Issue.objects.get().status == "unresolved" and not Activity.objects.exists()
    assert "Ignore until…" not in viewer.get(url("issue_detail", issue.pk)).content.decode()
