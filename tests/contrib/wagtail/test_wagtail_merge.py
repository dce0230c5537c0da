"""Merging (the issue list's Merge bulk action, the merge page) and unmerging (an issue's hashes
page) in the Wagtail admin, with redirects of merged issues and the permission matrix."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

from django.test import Client
from django.urls import reverse

from minisentry.models import Event, Issue, Project
from minisentry.triage.merge import merge

from ...uihelpers import exception_event, message_event, store
from .test_wagtail import CHANGE, DELETE, VIEW, client_of, editor, url
from .test_wagtail_bulk import BACK, bulk

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.fixture
def pair():
    store(exception_event(), exception_event(), message_event("tea"))
    return sorted(Issue.objects.all(), key=lambda issue: -issue.event_count)


def test_merge_bulk_action_names_the_survivor_then_merges(pair):
    big, small = pair
    client = client_of(editor("changer", VIEW, CHANGE))
    assert reverse("wagtail_bulk_action", args=["minisentry", "issue", "merge"]) in \
        client.get(url("issue_list")).content.decode()
    page = client.get(bulk("merge", small.pk, big.pk)).content.decode()
    assert "Merge these issues into one?" in page and f"<strong>{big.title}</strong>" in page
    assert "stock of tea is low" in page and Issue.objects.count() == 2
    done = client.post(bulk("merge", small.pk, big.pk), follow=True)
    assert done.redirect_chain == [(url("issue_detail", big.pk), 302)]
    assert "2 issues merged into this one." in done.content.decode()
    assert list(Issue.objects.values_list("pk", "event_count")) == [(big.pk, 3)]
    for name in ("issue_detail", "issue_events", "issue_hashes"):
        response = client.get(url(name, small.pk))
        assert (response.status_code, response["Location"]) == (302, url(name, big.pk)), name


def test_merge_bulk_action_refuses_across_projects(pair):
    big, small = pair
    Issue.objects.filter(pk=small.pk).update(project=Project.objects.create(name="App", slug="app"))
    done = client_of(editor("changer", VIEW, CHANGE)).post(bulk("merge", small.pk, big.pk), follow=True)
    assert done.redirect_chain == [(BACK, 302)]
    assert "Only issues of one project can be merged." in done.content.decode() and Issue.objects.count() == 2


def test_merge_page_of_the_issue_actions(pair):
    client = client_of(editor("changer", VIEW, CHANGE))
    chosen = client.post(url("issue_action"), {"action": "merge", "issue": [p.pk for p in pair]})
    assert chosen["Location"].startswith(url("issue_merge") + "?")
    assert "Yes, merge" in client.get(chosen["Location"]).content.decode()
    client.post(url("issue_merge"), {"issue": [p.pk for p in pair]})
    assert Issue.objects.count() == 1


def test_unmerge_from_the_hashes_page(pair):
    big, _small = pair
    merge(pair, None)
    client = client_of(editor("changer", VIEW, CHANGE))
    assert url("issue_hashes", big.pk) in client.get(url("issue_detail", big.pk)).content.decode()
    tea_hash = Event.objects.get(message__contains="tea").grouping_hash
    assert tea_hash in client.get(url("issue_hashes", big.pk)).content.decode()
    done = client.post(url("issue_hashes", big.pk), {"hash": tea_hash}, follow=True)
    new = Issue.objects.exclude(pk=big.pk).get()
    assert done.redirect_chain == [(url("issue_detail", new.pk), 302)] and new.event_count == 1


@pytest.mark.parametrize(("perms", "may_act", "may_see"), [
    ((), False, False), ((VIEW,), False, True), ((VIEW, DELETE), False, True), ((VIEW, CHANGE), True, True),
])
def test_permission_matrix(pair, perms, may_act, may_see):
    big, small = pair
    client = client_of(editor("user", *perms))
    ids = {"issue": [big.pk, small.pk]}
    assert client.get(url("issue_merge"), ids).status_code == (200 if may_act else 403)
    assert client.get(url("issue_hashes", big.pk)).status_code == (200 if may_see else 403)
    client.post(bulk("merge", big.pk, small.pk))
    assert Issue.objects.count() == (1 if may_act else 2)
    if not may_act:
        assert client.post(url("issue_merge"), ids).status_code == 403
        merge(pair, None)
    tea_hash = Event.objects.get(message__contains="tea").grouping_hash
    assert client.post(url("issue_hashes", big.pk), {"hash": tea_hash}).status_code == (302 if may_act else 403)
    assert Issue.objects.count() == (2 if may_act else 1)


def test_anonymous_users_and_outsiders(pair):
    outsider = client_of(editor("outsider", VIEW, CHANGE, admin_access=False))
    for target in (url("issue_merge"), url("issue_hashes", pair[0].pk)):
        response = Client().get(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login"))
        assert outsider.post(target).status_code == 302
    assert Issue.objects.count() == 2
