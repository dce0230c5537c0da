"""Merging from the issue list and unmerging from an issue's hashes page (Django-admin look), the
redirects of merged issues' pages, and who may do what."""

import pytest
from django.test import Client
from django.urls import reverse

from minisentry.models import Event, Issue, MergedIssue, Project
from minisentry.triage.merge import merge

from ..uihelpers import exception_event, make_user, message_event, store

pytestmark = pytest.mark.usefixtures("db")
VIEW, CHANGE, DELETE = "view_issue", "change_issue", "delete_issue"


def url(name: str, *args) -> str:
    return reverse(f"minisentry:{name}", args=args)


def client_for(name: str, *perms: str, **flags) -> Client:
    client = Client()
    client.force_login(make_user(name, *perms, **flags))
    return client


@pytest.fixture
def pair():
    """Two issues: an exception issue with two events, a message issue with one."""
    store(exception_event(), exception_event(), message_event("tea"))
    return sorted(Issue.objects.all(), key=lambda issue: -issue.event_count)


def merge_via_list(client: Client, ids) -> tuple:
    chosen = client.post(url("issue_action"), {"action": "merge", "issue": ids, "next": url("issue_list")})
    return chosen, client.get(chosen["Location"]) if chosen.status_code == 302 else None


def test_merge_from_the_list_asks_naming_the_survivor_then_merges(pair):
    big, small = pair
    client = client_for("changer", VIEW, CHANGE)
    chosen, confirm = merge_via_list(client, [small.pk, big.pk])
    assert chosen["Location"].startswith(url("issue_merge") + "?")
    page = confirm.content.decode()
    assert "Merge these issues?" in page and "stock of tea is low" in page
    assert f"<strong>{big.title}</strong>" in page and "kept" in page
    assert Issue.objects.count() == 2  # only asked
    assert "no-store" in confirm["Cache-Control"] and "frame-ancestors 'none'" in confirm["Content-Security-Policy"]
    done = client.post(url("issue_merge"), {"issue": [small.pk, big.pk]}, follow=True)
    assert done.redirect_chain == [(url("issue_detail", big.pk), 302)]
    assert "2 issues merged into this one." in done.content.decode()
    assert list(Issue.objects.values_list("pk", "event_count")) == [(big.pk, 3)]


def test_merged_issues_pages_redirect_with_their_query(pair):
    big, small = pair
    client = client_for("changer", VIEW, CHANGE)
    client.post(url("issue_merge"), {"issue": [small.pk, big.pk]})
    for name in ("issue_detail", "issue_events", "issue_hashes"):
        response = client.get(url(name, small.pk) + "?page=1")
        assert (response.status_code, response["Location"]) == (302, url(name, big.pk) + "?page=1"), name
    assert client.get(url("issue_detail", 987654)).status_code == 404


def test_merge_is_refused_across_projects_with_a_message(pair):
    big, small = pair
    Issue.objects.filter(pk=small.pk).update(project=Project.objects.create(name="App", slug="app"))
    client = client_for("changer", VIEW, CHANGE)
    for response in (client.get(url("issue_merge"), {"issue": [small.pk, big.pk]}, follow=True),
                     client.post(url("issue_merge"), {"issue": [small.pk, big.pk]}, follow=True)):
        assert "Only issues of one project can be merged." in response.content.decode()
    assert Issue.objects.count() == 2 and not MergedIssue.objects.exists()


def test_unmerge_from_the_hashes_page(pair):
    big, small = pair
    client = client_for("changer", VIEW, CHANGE)
    client.post(url("issue_merge"), {"issue": [small.pk, big.pk]})
    detail = client.get(url("issue_detail", big.pk)).content.decode()
    assert url("issue_hashes", big.pk) in detail and "grouping hashes" in detail
    page = client.get(url("issue_hashes", big.pk)).content.decode()
    tea_hash = Event.objects.get(message__contains="tea").grouping_hash
    assert tea_hash in page and 'name="hash"' in page and "stay counted here" in page
    done = client.post(url("issue_hashes", big.pk), {"hash": tea_hash}, follow=True)
    new = Issue.objects.exclude(pk=big.pk).get()
    assert done.redirect_chain == [(url("issue_detail", new.pk), 302)]
    assert "1 events moved to this new issue." in done.content.decode()
    assert (new.title, new.event_count, Issue.objects.get(pk=big.pk).event_count) == ("stock of tea is low", 1, 2)
    refused = client.post(url("issue_hashes", new.pk), {"hash": tea_hash}, follow=True).content.decode()
    assert "Keep at least one hash on the issue." in refused
    assert "nothing to unmerge" in client.get(url("issue_hashes", new.pk)).content.decode()


MATRIX = [  # permissions, user flags, may act, may see the hashes page
    ((VIEW, CHANGE, DELETE), {"staff": False}, False, False),  # not staff
    ((), {}, False, False),  # staff without the app's permissions
    ((VIEW,), {}, False, True),  # view only: sees the hashes, cannot act
    ((VIEW, DELETE), {}, False, True),  # delete without change
    ((VIEW, CHANGE), {}, True, True),
]


@pytest.mark.parametrize(("perms", "flags", "may_act", "may_see"), MATRIX)
def test_who_may_merge(pair, perms, flags, may_act, may_see):
    client = client_for("user", *perms, **flags)
    ids = {"issue": [issue.pk for issue in pair]}
    assert client.get(url("issue_merge"), ids).status_code == (200 if may_act else 403)
    assert client.post(url("issue_action"), {"action": "merge", **ids}).status_code == (302 if may_act else 403)
    assert client.post(url("issue_merge"), ids).status_code == (302 if may_act else 403)
    assert Issue.objects.count() == (1 if may_act else 2)


@pytest.mark.parametrize(("perms", "flags", "may_act", "may_see"), MATRIX)
def test_who_may_unmerge(pair, perms, flags, may_act, may_see):
    big, small = pair
    merge(pair, None)
    client = client_for("user", *perms, **flags)
    assert client.get(url("issue_hashes", big.pk)).status_code == (200 if may_see else 403)
    tea_hash = Event.objects.get(message__contains="tea").grouping_hash
    assert client.post(url("issue_hashes", big.pk), {"hash": tea_hash}).status_code == (302 if may_act else 403)
    assert Issue.objects.count() == (2 if may_act else 1)


def test_anonymous_users_go_to_the_login(pair):
    for target in (url("issue_merge"), url("issue_hashes", pair[0].pk)):
        for response in (Client().get(target), Client().post(target)):
            assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login"))


def test_merge_needs_csrf(pair):
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("changer", VIEW, CHANGE))
    assert client.post(url("issue_merge"), {"issue": [p.pk for p in pair]}).status_code == 403
    assert Issue.objects.count() == 2
