"""The issue list's search in both frames: each word must match (in title, culprit or message), quoted
text stays a phrase, the words are bounded like the tag terms, and a pasted event id opens that event."""

import html
import re
import uuid

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from minisentry.browse import search
from minisentry.models import Issue

from ..uihelpers import exception_event, message_event, store
from .test_hostile_queries import ERROR, FRAMES, TEA, Frame, text_of

pytestmark = pytest.mark.usefixtures("transactional_db")
MUG, SUBSCRIPT = "stock of MUG is low", "TypeError: 'NoneType' object is not subscriptable"


@pytest.fixture
def events():
    typed = exception_event()
    typed["exception"]["values"][-1].update(type="TypeError", value="'NoneType' object is not subscriptable")
    data = [exception_event(), typed, message_event("TEA"), message_event("MUG")]
    store(*data)
    return data


@pytest.fixture(params=FRAMES)
def frame(request, admin_client):
    return Frame(request.param, admin_client)


@pytest.mark.parametrize(("query", "titles"), [
    ("TypeError subscriptable", {SUBSCRIPT}),
    ("subscriptable TypeError", {SUBSCRIPT}),
    ("cart number", {ERROR}),
    ("stock TEA", {TEA}),
    ("low stock", {TEA, MUG}),
    ("ValueError TEA", set()),
    ("nocontext.py cart", {ERROR}),  # a word of the culprit and one of the title
    ('"stock of"', {TEA, MUG}),
    ('"of stock"', set()),  # a phrase keeps its order
    ('"TEA is low" stock', {TEA}),
    ('"is not" subscriptable level:error', {SUBSCRIPT}),
    ("subscriptable is:resolved", set()),
])
def test_every_word_must_match_and_quotes_keep_a_phrase(events, frame, query, titles):
    assert frame.titles(frame.get(query=query)) == titles


def test_words_are_bounded(events, frame):
    response = frame.get(query="stock " * 5 + " ".join(f"w{i}" for i in range(50)))
    assert f"Only the first {search.MAX_WORDS} words of the search were used" in text_of(response)
    assert frame.titles(response) == set()
    repeated = frame.get(query="stock " * 50 + "TEA")  # a repeated word counts once
    assert frame.titles(repeated) == {TEA} and "were used" not in text_of(repeated)


@pytest.mark.parametrize("spelling", [str, lambda i: str(uuid.UUID(i)), lambda i: f" {str(uuid.UUID(i)).upper()} "])
def test_a_pasted_event_id_opens_that_event(events, frame, spelling):
    event_id = events[1]["event_id"]
    response = frame.client.get(frame.url, {"q" if frame.wagtail else "query": spelling(event_id)})
    namespace = "minisentry_wagtail" if frame.wagtail else "minisentry"
    assert response.status_code == 302
    assert response["Location"] == reverse(f"{namespace}:event_detail", args=[event_id])
    if frame.wagtail:  # the results Wagtail fetches as one types stay results
        typed = frame.client.get(reverse("minisentry_wagtail:issue_list_results"), {"q": spelling(event_id)})
        assert typed.status_code == 200


def test_an_unknown_event_id_is_searched_as_text(events, frame):
    assert frame.titles(frame.get(query=uuid.uuid4().hex)) == set()


@pytest.mark.parametrize(("query", "titles"), [
    ("plan:pro", {ERROR, SUBSCRIPT}),
    ("!plan:pro", {TEA, MUG}),
    ("level:warning stock", {TEA, MUG}),
    ("browser:Fire*", {ERROR, SUBSCRIPT}),
    ("has:user timesSeen:>=1 age:-1h lastSeen:-1h", {ERROR, SUBSCRIPT}),
    ("user.id:42 users:1", {ERROR, SUBSCRIPT}),
    ("release:latest", {ERROR, SUBSCRIPT}),
    ("is:new TEA", {TEA}),
])
def test_sentry_terms_in_both_frames(events, frame, query, titles):
    assert frame.titles(frame.get(query=query)) == titles


def test_terms_not_understood_are_named_the_query_kept_and_nothing_listed(events, frame):
    query = 'stock timesSeen:lots "cart'
    response = frame.get(query=query)
    page = text_of(response)
    assert ("Nothing is listed: the search has terms it does not understand. “timesSeen:lots”: timesSeen needs a "
            "number, as in timesSeen:>100. “\"cart”: this quote is never closed.") in page
    assert frame.titles(response) == set()
    assert f'name="{"q" if frame.wagtail else "query"}" value="{html.escape(query)}"' in response.content.decode()
    assert 'placeholder="Search: words, &quot;a phrase&quot;, key:value, is:unresolved' in response.content.decode()


def test_an_is_term_sets_the_status_filter(events, frame):
    Issue.objects.filter(title=TEA).update(status=Issue.Status.RESOLVED)
    response = frame.get(query="is:resolved")
    assert frame.titles(response) == {TEA}
    checked = r'value="resolved"[^>]*checked' if frame.wagtail else '<option value="resolved" selected>'
    assert re.search(checked, response.content.decode())
    assert frame.titles(frame.get(query="!is:resolved stock")) == {MUG}  # every status but resolved


def test_assigned_to_me_is_the_signed_in_user_in_both_frames(events, frame):
    Issue.objects.filter(title=TEA).update(assignee=User.objects.get(username="admin"))
    assert frame.titles(frame.get(query="assigned:me")) == {TEA}
    assert frame.titles(frame.get(query="is:unassigned stock")) == {MUG}
