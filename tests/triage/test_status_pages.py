"""The status conditions in the Django-admin-look pages: the issue page's menus and its condition in
words, the list's bulk conditions, refusals of bad input, and who may use them."""

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse

from minisentry.models import Activity, Issue

from ..uihelpers import make_user, message_event, store

pytestmark = pytest.mark.usefixtures("db")
ACTION = reverse("minisentry:issue_action")
NOON = datetime(2026, 12, 6, 12, 30, tzinfo=UTC)
CONDITIONS = [  # every new form of the two actions
    {"action": "resolve", "resolve_in": "next_release"},
    {"action": "resolve", "resolve_in": "release", "release": "shop@2.4.1"},
    {"action": "ignore", "ignore": "1h"}, {"action": "ignore", "ignore": "24h"}, {"action": "ignore", "ignore": "7d"},
    {"action": "ignore", "ignore": "until", "ignore_until": "2099-01-01T10:00"},
    {"action": "ignore", "ignore": "events", "ignore_count": "3"},
    {"action": "ignore", "ignore": "users", "ignore_count": "2"},
    {"action": "ignore", "ignore": "rate", "ignore_count": "100"},
]


@pytest.fixture
def issue() -> Issue:
    store(*(message_event("tea", release="shop@2.4.0") for _ in range(12)))
    return Issue.objects.get()


def client_for(*perms: str, **flags) -> Client:
    client = Client()
    client.force_login(make_user("-".join((*perms, *flags)) or "nobody", *perms, **flags))
    return client


def page_text(client: Client, issue: Issue) -> str:
    html = client.get(reverse("minisentry:issue_detail", args=[issue.pk])).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_ignore_until_3_more_events_from_the_issue_page(issue, admin_client):
    here = reverse("minisentry:issue_detail", args=[issue.pk])
    html = admin_client.get(here).content.decode()
    assert 'name="ignore" value="events"' in html and 'name="resolve_in" value="next_release"' in html
    response = admin_client.post(ACTION, {"action": "ignore", "ignore": "events", "ignore_count": "3",
                                          "issue": issue.pk, "next": here})
    assert response.status_code == 302 and response["Location"] == here
    assert "Ignored until 3 more events (12 of 15)" in page_text(admin_client, issue)
    store(message_event("tea"))
    assert "Ignored until 2 more events (13 of 15)" in page_text(admin_client, issue)
    [row] = Activity.objects.values_list("kind", "user__username", "data")
    assert row == ("ignored", "admin", {"events": 3})


def test_resolve_in_a_release_from_the_issue_page(issue, admin_client):
    admin_client.post(ACTION, {"action": "resolve", "resolve_in": "release", "release": "shop@2.4.1",
                               "issue": issue.pk})
    assert "Resolved in shop@2.4.1" in page_text(admin_client, issue)
    admin_client.post(ACTION, {"action": "unresolve", "issue": issue.pk})
    admin_client.post(ACTION, {"action": "resolve", "resolve_in": "next_release", "issue": issue.pk})
    assert "Resolved in the next release after shop@2.4.0" in page_text(admin_client, issue)


def test_periods_count_from_now(issue, admin_client):
    for period, length in (("1h", timedelta(hours=1)), ("24h", timedelta(hours=24)), ("7d", timedelta(days=7))):
        with mock.patch("django.utils.timezone.now", return_value=NOON):
            admin_client.post(ACTION, {"action": "ignore", "ignore": period, "issue": issue.pk})
        issue.refresh_from_db()
        assert (issue.status, issue.ignore_until) == ("ignored", NOON + length)


def test_the_list_applies_conditions_to_every_selected_issue(admin_client):
    store(message_event("tea"), message_event("mug"), message_event("cup"))
    ids = sorted(Issue.objects.values_list("pk", flat=True))
    html = admin_client.get(reverse("minisentry:issue_list")).content.decode()
    assert 'name="ignore_count"' in html and 'name="release"' in html
    admin_client.post(ACTION, {"action": "ignore", "ignore": "users", "ignore_count": "5", "issue": ids[:2]})
    assert sorted(Issue.objects.values_list("status", "ignore_until_users")) == [
        ("ignored", 5), ("ignored", 5), ("unresolved", None)]
    assert Activity.objects.filter(kind="ignored").count() == 2


def test_an_expired_ignore_shows_unresolved_on_the_list(issue, admin_client):
    Issue.objects.update(status="ignored", ignore_until=datetime.now(UTC) - timedelta(hours=1))
    html = admin_client.get(reverse("minisentry:issue_list")).content.decode()
    assert "stock of tea is low" in html  # the default list shows unresolved issues
    assert Issue.objects.get().status == "unresolved"
    assert Activity.objects.get().kind == "came_back"


@pytest.mark.parametrize("data, message", [
    ({"ignore": "events"}, "Give the number."),
    ({"ignore": "rate", "ignore_count": "0"}, "greater than or equal to 1"),
    ({"ignore": "until", "ignore_until": "2001-01-01T00:00"}, "Give a time in the future."),
    ({"ignore": "until", "ignore_until": "soon"}, "Enter a valid date/time."),
    ({"ignore": "weekly"}, "Select a valid choice."),
    ({"action": "resolve", "resolve_in": "release"}, "Name the release that fixes it."),
])
def test_bad_conditions_are_refused_with_a_message(issue, admin_client, data, message):
    response = admin_client.post(ACTION, {"action": "ignore", "issue": issue.pk, **data}, follow=True)
    assert message in response.content.decode()
    assert Issue.objects.get().status == "unresolved" and not Activity.objects.exists()


@pytest.mark.parametrize("data", CONDITIONS)
def test_who_may_use_the_conditions(issue, data):
    post = {**data, "issue": issue.pk}
    anonymous = Client().post(ACTION, post)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("admin:login"))
    for refused in (client_for("view_issue", "change_issue", staff=False), client_for("view_issue"),
                    client_for("view_issue", "delete_issue")):
        assert refused.post(ACTION, post).status_code == 403
    assert Issue.objects.get().status == "unresolved" and not Activity.objects.exists()
    assert client_for("view_issue", "change_issue").post(ACTION, post).status_code == 302
    assert Issue.objects.get().status == data["action"] + "d"


def test_viewers_see_the_condition_but_no_menus(issue):
    Issue.objects.update(status="ignored", ignore_rate=10)
    viewer = client_for("view_issue")
    text = page_text(viewer, issue)
    assert "Ignored until more than 10 events in an hour" in text and "Ignore until…" not in text
