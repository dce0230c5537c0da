"""The site's own users in the Django-admin-look pages: an event naming a user links to the user's
admin page, and the user's admin page lists the errors the user hit."""

from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from minisentry.browse import site_users

from ..uihelpers import XSS, exception_event, issue_of, make_user, message_event, store

pytestmark = pytest.mark.usefixtures("db")


def viewer(name: str, *user_perms: str, issue_perms=("view_issue",)) -> Client:
    """A client logged in as staff with ``issue_perms`` on issues and ``user_perms`` on users."""
    user = make_user(name, *issue_perms)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="auth", codename__in=user_perms))
    client = Client()
    client.force_login(user)
    return client


def person(username: str = "ada", email: str = "ada@example.com") -> User:
    return User.objects.create_user(username, email=email)  # no password: hashing one takes a fifth of a second


def event_page(client: Client, data: dict) -> str:
    response = client.get(reverse("minisentry:event_detail", args=[data["event_id"]]))
    assert response.status_code == 200
    return response.content.decode()


def change_url(user: User) -> str:
    return reverse("admin:auth_user_change", args=[user.pk])


# The event's user links to the site's user ----------------------------------------------------

@pytest.mark.parametrize("named", [
    lambda u: {"id": str(u.pk), "email": "someone-else@example.com"},
    lambda u: {"id": u.pk},
    lambda u: {"username": u.username},
    lambda u: {"email": u.email, "ip_address": "10.0.0.1"},
])
def test_an_event_naming_a_user_links_to_the_users_admin_page(named):
    ada = person()
    data = exception_event(user=named(ada))
    store(data)
    page = event_page(viewer("staff", "view_user"), data)
    assert f'<a href="{change_url(ada)}">ada</a>' in page
    issue_page = viewer("staff2", "change_user").get(reverse("minisentry:issue_detail", args=[issue_of(data).pk]))
    assert f'<a href="{change_url(ada)}">ada</a>' in issue_page.content.decode()


def test_no_link_without_the_permission_to_see_users_or_when_turned_off():
    ada = person()
    data = exception_event(user={"id": str(ada.pk)})
    store(data)
    assert change_url(ada) not in event_page(viewer("staff"), data)
    assert "ms-site-user" not in event_page(viewer("staff2", "add_user", "delete_user"), data)
    with override_settings(MINISENTRY_LINK_USERS=False):
        assert change_url(ada) not in event_page(viewer("staff3", "view_user"), data)


@pytest.mark.parametrize("user", [
    {"id": "not-a-number"}, {"id": "9" * 30}, {"id": "-1"}, {"id": True}, {"id": ["1"]}, {"username": XSS},
    {"username": "ada\x00"},
    {"email": "shared@example.com"}, {"ip_address": "10.0.0.1"}, "id:1",
])
def test_events_naming_nobody_or_two_users_link_to_no_one(user):
    person("one", "shared@example.com"), person("two", "shared@example.com")
    data = exception_event(user=user)
    store(data)
    assert "ms-site-user" not in event_page(viewer("staff", "view_user"), data)


def test_the_users_name_is_escaped():
    hostile = person(XSS[:150], "x@example.com")
    data = exception_event(user={"id": str(hostile.pk)})
    store(data)
    page = event_page(viewer("staff", "view_user"), data)
    assert XSS not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# The user's admin page lists the errors the user hit ------------------------------------------

def user_events(user: User, issues: int) -> list[dict]:
    """One event of each of ``issues`` issues naming ``user``, alternately by id and by e-mail, one
    minute apart (the last one newest)."""
    start = datetime.now(UTC) - timedelta(hours=1)
    return [message_event("item " + "q" * (i + 1), timestamp=(start + timedelta(minutes=i)).isoformat(),
                          user={"id": str(user.pk)} if i % 2 else {"email": user.email})
            for i in range(issues)]


def test_the_users_admin_page_lists_the_issues_the_user_hit_newest_first():
    ada, bob = person(), person("bob", "bob@example.com")
    mine = user_events(ada, 3)
    store(*mine, message_event("item qq", user={"username": "ada"}, timestamp=mine[1]["timestamp"]),
          message_event("theirs", user={"id": str(bob.pk)}),
          message_event(XSS, user={"id": str(ada.pk)}, timestamp=(datetime.now(UTC) - timedelta(days=1)).isoformat()))
    page = viewer("staff", "view_user").get(change_url(ada)).content.decode()
    section = page[page.index("Errors this user hit"):]
    titles = [issue_of(e).title for e in reversed(mine)]
    assert [section.index(t) for t in titles] == sorted(section.index(t) for t in titles)
    assert "theirs" not in section and "&lt;script&gt;" in section and XSS not in section
    item1 = issue_of(mine[1])
    link = reverse("minisentry:issue_detail", args=[item1.pk])
    assert f'<a href="{link}">{item1.title}</a></td><td>2</td>' in section  # by id, then by username
    theirs = viewer("staff3", "view_user").get(change_url(bob)).content.decode()
    assert "theirs" in theirs and titles[0] not in theirs


def test_the_users_page_shows_no_errors_without_the_view_issue_permission_or_when_turned_off():
    ada = person()
    store(*user_events(ada, 1))
    assert "Errors this user hit" in viewer("staff", "view_user").get(change_url(ada)).content.decode()
    no_issues = viewer("staff2", "view_user", issue_perms=())
    assert "Errors this user hit" not in no_issues.get(change_url(ada)).content.decode()
    with override_settings(MINISENTRY_LINK_USERS=False):
        assert "Errors this user hit" not in viewer("staff3", "view_user").get(change_url(ada)).content.decode()
    adding = viewer("staff4", "add_user", "change_user").get(reverse("admin:auth_user_add"))
    assert adding.status_code == 200 and "Errors this user hit" not in adding.content.decode()


def test_the_users_page_lists_the_newest_issues_in_a_bounded_number_of_queries():
    ada = person()
    client = viewer("staff", "view_user")
    store(*user_events(ada, 2))
    client.get(change_url(ada))  # the first request also fills caches (content types)
    with CaptureQueriesContext(connection) as few:
        assert client.get(change_url(ada)).status_code == 200
    events = user_events(ada, site_users.MAX_ISSUES + 5)
    store(*events)
    with CaptureQueriesContext(connection) as many:
        page = client.get(change_url(ada)).content.decode()
    assert len(many) == len(few)
    section = page[page.index("Errors this user hit"):]
    assert section.count("<tr>") == site_users.MAX_ISSUES + 1  # the header's row and one per issue
    search = client.get(reverse("minisentry:issue_list"), {"status": "all", "query": f'user:"id:{ada.pk}"'})
    assert section.count('href="/admin/_minisentry/issues/') == site_users.MAX_ISSUES
    left_out = issue_of(events[3]).title  # named by the user's id, older than the newest 20
    assert f">{left_out}<" not in section and f">{left_out}<" in search.content.decode()
    assert f'href="{reverse("minisentry:issue_list")}?status=all&amp;query=user' in section


def test_a_user_who_hit_nothing_reads_so():
    page = viewer("staff", "view_user").get(change_url(person())).content.decode()
    assert "No stored issue names this user." in page
