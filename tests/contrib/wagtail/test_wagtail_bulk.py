"""The Wagtail issue list's bulk actions (Wagtail's bulk-action framework), its First seen column and
the Storage page."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

import html
from urllib.parse import urlencode

from django.urls import reverse

from minisentry.models import Event, Issue

from ...uihelpers import exception_event, message_event, store
from .test_wagtail import CHANGE, DELETE, VIEW, client_of, editor, url

pytestmark = pytest.mark.usefixtures("transactional_db")
BACK = "/cms/errors/?status=all"


def bulk(action: str, *ids, **params) -> str:
    query = urlencode([*(("id", i) for i in ids), ("next", BACK), *params.items()])
    return reverse("wagtail_bulk_action", args=["minisentry", "issue", action]) + "?" + query


@pytest.fixture
def issues():
    store(exception_event(), message_event("TEA"), message_event("MUG"))
    return {issue.title.split()[0 if "Error" in issue.title else 2]: issue.pk for issue in Issue.objects.all()}


def statuses() -> dict[str, str]:
    return {issue.title: issue.status for issue in Issue.objects.all()}


def test_list_offers_the_bulk_actions_to_those_who_may_change(issues):
    html = client_of(editor("changer", VIEW, CHANGE)).get(url("issue_list")).content.decode()
    assert 'data-bulk-action-checkbox' in html and "bulk-actions.js" in html
    for action in ("resolve", "ignore", "unresolve"):
        assert reverse("wagtail_bulk_action", args=["minisentry", "issue", action]) in html
    viewer = client_of(editor("viewer", VIEW)).get(url("issue_list")).content.decode()
    assert "data-bulk-action-checkbox" not in viewer and "bulk-actions.js" not in viewer


def test_resolve_ignore_and_unresolve_change_the_status(issues):
    client = client_of(editor("changer", VIEW, CHANGE))
    confirm = client.get(bulk("resolve", issues["ValueError:"], issues["TEA"]))
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Resolve these issues?" in page and "stock of TEA is low" in page and "stock of MUG is low" not in page
    done = client.post(bulk("resolve", issues["ValueError:"], issues["TEA"]), follow=True)
    assert done.redirect_chain == [(BACK, 302)] and "2 issues updated." in done.content.decode()
    assert statuses() == {"ValueError: cart total is not a number": "resolved", "stock of TEA is low": "resolved",
                          "stock of MUG is low": "unresolved"}
    assert Issue.objects.get(pk=issues["TEA"]).resolved_at is not None
    client.post(bulk("ignore", issues["MUG"]))
    assert Issue.objects.get(pk=issues["MUG"]).status == Issue.Status.IGNORED
    Issue.objects.filter(pk=issues["TEA"]).update(is_regression=True)
    client.post(bulk("unresolve", issues["TEA"], issues["MUG"]))
    assert set(Issue.objects.filter(pk__in=[issues["TEA"], issues["MUG"]]).values_list(
        "status", "is_regression", "resolved_at")) == {("unresolved", False, None)}


def test_select_all_in_listing_follows_the_filters_and_search(issues):
    client = client_of(editor("changer", VIEW, CHANGE))
    client.post(bulk("ignore", "all", q="stock"))
    assert statuses() == {"ValueError: cart total is not a number": "unresolved", "stock of TEA is low": "ignored",
                          "stock of MUG is low": "ignored"}
    client.post(bulk("resolve", "all", status="ignored", q="TEA"))
    assert Issue.objects.get(pk=issues["TEA"]).status == Issue.Status.RESOLVED
    assert Issue.objects.get(pk=issues["MUG"]).status == Issue.Status.IGNORED


LISTINGS = [
    {}, {"status": "all"}, {"status": "ignored"}, {"status": "resolved"}, {"q": "is:ignored"},
    {"q": "is:resolved stock"}, {"q": "is:unresolved", "status": "all"}, {"q": "stock"}, {"q": "TEA"},
    {"q": "stock TEA"}, {"q": '"stock of"'}, {"q": "is:ignored stock", "status": "resolved"}, {"level": "warning"},
    {"level": "error", "status": "all"}, {"environment": "production"}, {"release": "shop@2.0"},
    {"q": "release:shop@2.0"}, {"q": "!plan:pro stock"}, {"q": "is:nonsense"}, {"q": "level:warning is:all"},
]


@pytest.mark.parametrize("params", LISTINGS)
def test_select_all_in_listing_selects_what_the_listing_lists(issues, params):
    Issue.objects.filter(pk=issues["MUG"]).update(status=Issue.Status.IGNORED)
    store(message_event("POT"))
    Issue.objects.filter(title__contains="POT").update(status=Issue.Status.RESOLVED)
    client = client_of(editor("deleter", VIEW, CHANGE, DELETE))
    listed = {issue.pk for issue in client.get(url("issue_list"), params).context["object_list"]}
    for action in ("delete", "ignore"):
        confirm = client.get(bulk(action, "all", **params))
        selected = {entry["item"].pk for entry in confirm.context["items"]} if confirm.status_code == 200 else set()
        assert selected == listed and confirm.status_code == (200 if listed else 404), action
    if listed:
        client.post(bulk("delete", "all", **params))
        assert not Issue.objects.filter(pk__in=listed).exists() and Issue.objects.count() == 4 - len(listed)


def test_delete_needs_the_delete_permission(issues):
    changer = client_of(editor("changer", VIEW, CHANGE))
    changer.post(bulk("delete", issues["TEA"]))
    assert Issue.objects.filter(pk=issues["TEA"]).exists()
    deleter = client_of(editor("deleter", VIEW, CHANGE, DELETE))
    assert "Delete these issues?" in deleter.get(bulk("delete", issues["TEA"])).content.decode()
    done = deleter.post(bulk("delete", issues["TEA"]), follow=True)
    assert "1 issue deleted." in done.content.decode()
    assert not Issue.objects.filter(pk=issues["TEA"]).exists()
    assert not Event.objects.filter(issue_id=issues["TEA"]).exists() and Event.objects.count() == 2


def test_viewers_cannot_act_and_bad_ids_are_no_500(issues):
    viewer = client_of(editor("viewer", VIEW))
    viewer.post(bulk("resolve", *issues.values()))
    assert set(statuses().values()) == {"unresolved"}
    changer = client_of(editor("changer", VIEW, CHANGE))
    for bad in ("abc", "1x", "\u00b2", "1" * 30, "-1"):
        for method in (changer.get, changer.post):
            response = method(bulk("resolve", issues["TEA"], bad))
            assert response.status_code == 400, bad
            assert "Not an issue id" in response.content.decode()
    assert set(statuses().values()) == {"unresolved"}


def test_list_has_a_first_seen_column_and_a_storage_link(issues, admin_client):
    html = admin_client.get(url("issue_list")).content.decode()
    assert "First seen" in html and "Last seen" in html
    assert url("storage") in html
    ordered = admin_client.get(url("issue_list"), {"ordering": "first_seen"})
    assert ordered.status_code == 200 and len(ordered.context["object_list"]) == 3


def test_storage_page_in_wagtails_frame(issues):
    page = client_of(editor("viewer", VIEW)).get(url("storage"))
    html = page.content.decode()
    assert page.status_code == 200 and "w-breadcrumbs" in html and "wagtail-sidebar" in html
    assert "Compression ratio" in html and ">default<" in html  # the store's alias
    assert "> (filesystem)</span>" in html  # and its kind
    assert client_of(editor("stranger")).get(url("storage")).status_code == 403


def test_search_understands_is_terms_and_names_the_rest(issues, admin_client):
    Issue.objects.filter(pk=issues["TEA"]).update(status=Issue.Status.RESOLVED)
    listed = admin_client.get(url("issue_list"), {"q": "is:resolved"})
    assert {i.title for i in listed.context["object_list"]} == {"stock of TEA is low"}
    hinted = admin_client.get(url("issue_list"), {"q": "stock -plan:pro"})
    assert list(hinted.context["object_list"]) == []
    assert ("Nothing is listed: the search has terms it does not understand. “-plan:pro”: negate a term with !, "
            "as in !plan:pro.") in html.unescape(hinted.content.decode())
