"""What the pages tell a person: counts in words, searches not understood, the way from the admin to
the issue browser, and what a regression mark means."""

import html
import re

import pytest
from django.urls import reverse

from minisentry.models import Issue

from ..uihelpers import exception_event, issue_of, message_event, store

pytestmark = pytest.mark.usefixtures("db")
LIST = "/admin/_minisentry/"


def text_of(response) -> str:
    """The page's text, tags and runs of whitespace removed (what a reader sees, roughly)."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode())))


def titles(client, **params) -> set[str]:
    return {issue.title for issue in client.get(LIST, params).context["issues"]}


def test_counts_of_one_are_singular(admin_client):
    store(exception_event(), *(message_event("TEA") for _ in range(2)))
    page = text_of(admin_client.get(LIST))
    assert "1 event" in page and "1 events" not in page and "2 events" in page
    ids = list(Issue.objects.values_list("pk", flat=True))
    confirm = text_of(admin_client.post(reverse("minisentry:issue_action"), {"action": "delete", "issue": ids}))
    assert "(1 event)" in confirm and "(2 events)" in confirm and "(1 events)" not in confirm


def test_is_status_terms_filter_by_status(admin_client):
    store(exception_event(), message_event("TEA"))
    Issue.objects.filter(title__contains="TEA").update(status=Issue.Status.RESOLVED)
    assert titles(admin_client, query="is:resolved") == {"stock of TEA is low"}
    assert titles(admin_client, query="is:unresolved") == {"ValueError: cart total is not a number"}
    assert titles(admin_client, query="is:ignored") == set()
    assert titles(admin_client, query="is:resolved", status="unresolved") == {"stock of TEA is low"}
    page = admin_client.get(LIST, {"query": "is:resolved"}).content.decode()
    assert '<option value="resolved" selected>' in page
    assert "not understood" not in page.lower()


@pytest.mark.parametrize(("term", "reason"), [
    ("-plan:pro", "negate a term with !, as in !plan:pro"),
    ("is:bookmarked", "is: takes unresolved, resolved, ignored"),
    ("times_seen:>x", "times_seen needs a number, as in times_seen:>100"),
    ("OR", "boolean operators are not supported"),
])
def test_terms_not_understood_are_named_and_nothing_is_listed(admin_client, term, reason):
    store(exception_event(), message_event("TEA"))
    response = admin_client.get(LIST, {"query": f"cart {term}"})
    page = text_of(response)
    assert f"Nothing is listed: the search has terms it does not understand. “{term}”: {reason}" in page
    assert response.context["issues"] == [] and f'value="cart {html.escape(term)}"' in response.content.decode()


def test_understood_searches_bring_no_hint(admin_client):
    store(exception_event())
    for query in ("cart", "plan:pro", 'plan:"pro" cart', "level:error", "!plan:free", "has:user", "timesSeen:1"):
        response = admin_client.get(LIST, {"query": query})
        assert "Not understood" not in text_of(response), query
        assert len(response.context["issues"]) == 1, query


def test_admin_leads_to_the_issue_browser(admin_client):
    data = exception_event()
    store(data)
    issue = issue_of(data)
    assert admin_client.get(reverse("admin:minisentry_issue_changelist")).url == LIST  # "Issues" is the browser
    events = admin_client.get(reverse("admin:minisentry_event_changelist")).content.decode()
    assert f'href="{LIST}" class="ms-browse-link">Open the issue browser</a>' in events
    app_index = admin_client.get(reverse("admin:app_list", args=["minisentry"])).content.decode()
    assert f'href="{LIST}" class="ms-browse-link"' in app_index
    issue_page = admin_client.get(reverse("admin:minisentry_issue_change", args=[issue.pk])).content.decode()
    assert f'href="{reverse("minisentry:issue_detail", args=[issue.pk])}"' in issue_page  # "View on site"
    assert f'<a href="{reverse("minisentry:event_detail", args=[data["event_id"]])}">{data["event_id"]}</a>' in events


def test_a_regression_is_explained_with_its_way_out(admin_client):
    first = exception_event()
    store(first)
    issue = issue_of(first)
    detail = reverse("minisentry:issue_detail", args=[issue.pk])
    assert "Resolve again" not in text_of(admin_client.get(detail))
    Issue.objects.update(status=Issue.Status.RESOLVED)
    store(exception_event())
    page = text_of(admin_client.get(detail))
    assert "came back after it had been resolved" in page
    assert "Resolve again" in page and "Clear regression mark" in page and "Unresolve" not in page
    assert 'title="Came back after it was resolved"' in admin_client.get(LIST).content.decode()
    admin_client.post(reverse("minisentry:issue_action"), {"action": "unresolve", "issue": issue.pk})
    issue.refresh_from_db()
    assert not issue.is_regression and issue.status == Issue.Status.UNRESOLVED
    assert "came back" not in text_of(admin_client.get(detail))


def test_the_bulk_actions_sentence_is_help_text_not_toolbar_text(admin_client):
    store(exception_event())
    response = admin_client.get(LIST)
    sentence = "Unresolving an issue also clears its regression mark; resolving or ignoring keeps everything else."
    assert "regression mark" not in text_of(response)  # not a sentence in the toolbar
    assert f'<select name="action" title="{sentence}">' in response.content.decode()
