"""Hostile issue-list searches in both frames: thousands of tag terms, a 100 KB query, NUL bytes, a
query past the statement timeout. Each answers 200 with a message, quickly."""

import html
import time

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from minisentry.browse import queries, search

from ..uihelpers import exception_event, message_event, store

pytestmark = pytest.mark.usefixtures("transactional_db")
ERROR, TEA = "ValueError: cart total is not a number", "stock of TEA is low"
# ten tags the exception event's issue carries (prepare.tags derives most of them)
TEN = ("plan:pro browser:Firefox level:error environment:production release:shop@2.0 server_name:web-7 "
       "mechanism:django handled:no os:Linux user:id:42")
THOUSAND = TEN + "".join(f" k{i}:v{i}" for i in range(990))
HUNDRED_KB = "cart " + "x" * 100_000  # the search keeps whole words: "cart"
NULS = {"query": "TEA\x00", "environment": "staging\x00", "release": "shop@1.0\x00", "sort": "count\x00",
        "status": "all\x00", "page": "1\x00", "level": "warning\x00"}
FRAMES = ["django_admin"] + (["wagtail"] if settings.WAGTAIL else [])


@pytest.fixture
def issues():
    store(exception_event(), message_event("TEA", environment="staging", release="shop@1.0", tags={"plan": "free"}))


class Frame:
    """The issue list of one frame: its URL and the names of its query parameters."""

    def __init__(self, name: str, client):
        self.client, self.wagtail = client, name == "wagtail"
        self.url = reverse("minisentry_wagtail:issue_list" if self.wagtail else "minisentry:issue_list")

    def get(self, **params):
        if self.wagtail:  # Wagtail's own parameter names
            renames = {"query": "q", "sort": "ordering", "page": "p"}
            params = {renames.get(k, k): v for k, v in params.items()}
            if "ordering" in params:
                params["ordering"] = params["ordering"].replace("count", "-event_count")
        started = time.monotonic()
        response = self.client.get(self.url, params)
        elapsed = time.monotonic() - started
        assert response.status_code == 200
        assert elapsed < 5, f"{elapsed:.1f} s"  # a catastrophe bound, not a benchmark
        return response

    def titles(self, response) -> set[str]:
        return {issue.title for issue in response.context["object_list" if self.wagtail else "issues"]}


@pytest.fixture(params=FRAMES)
def frame(request, admin_client):
    return Frame(request.param, admin_client)


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_a_thousand_tag_terms_use_the_first_ten(issues, frame):
    response = frame.get(query=THOUSAND)
    assert "Only the first 10 key:value terms of the search were used" in text_of(response)
    assert frame.titles(response) == {ERROR}  # the ten terms it did use all match


def test_ten_tag_terms_are_all_used(issues, frame):
    response = frame.get(query=TEN)
    assert frame.titles(response) == {ERROR}
    assert "were used" not in text_of(response)
    assert frame.titles(frame.get(query=TEN.replace("os:Linux", "os:Windows"))) == set()


def test_a_repeated_term_counts_once(issues, frame):
    response = frame.get(query=" ".join(["plan:free"] * 1000))
    assert frame.titles(response) == {TEA}
    assert "key:value terms" not in text_of(response)


def test_a_hundred_kilobyte_query_is_cut(issues, frame):
    response = frame.get(query=HUNDRED_KB)
    assert f"Only the first {search.MAX_QUERY_CHARS} characters of the search were used" in text_of(response)
    assert frame.titles(response) == {ERROR}


def test_a_hundred_kilobytes_of_terms(issues, frame):
    response = frame.get(query=" ".join(f"k{i}:v{i}" for i in range(12_000)))
    assert "Only the first 10 key:value terms" in text_of(response)
    assert frame.titles(response) == set()


def test_nul_bytes_are_dropped_from_every_parameter(issues, frame):
    response = frame.get(**NULS)
    assert frame.titles(response) == {TEA}
    assert "\x00" not in response.content.decode() and "%00" not in response.content.decode()


@pytest.mark.parametrize("name", sorted(NULS))
def test_a_nul_byte_alone_in_any_parameter(issues, frame, name):
    frame.get(**{name: "\x00"})


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the statement timeout is PostgreSQL's")
def test_a_search_past_the_statement_timeout_says_so(issues, frame, monkeypatch):
    search = queries.search

    def slow(*args, **kwargs):  # a search PostgreSQL takes 3 s over
        return search(*args, **kwargs).extra(where=["pg_sleep(3) IS NOT NULL"])

    monkeypatch.setattr(queries, "search", slow)
    monkeypatch.setattr(queries, "LIST_TIMEOUT_MS", 200)
    response = frame.get(query="TEA")
    assert "The search took too long and was stopped" in text_of(response)
    assert frame.titles(response) == set()
    with connection.cursor() as cursor:  # the timeout stayed inside the list's transaction
        cursor.execute("SHOW statement_timeout")
        assert cursor.fetchone()[0] == "0"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the statement timeout is PostgreSQL's")
def test_the_timeout_ends_with_the_list_inside_an_outer_transaction():
    from django.db import transaction

    def timeout() -> str:  # in ms
        with connection.cursor() as cursor:
            cursor.execute("SELECT setting FROM pg_settings WHERE name = 'statement_timeout'")
            return cursor.fetchone()[0]

    with transaction.atomic():  # as under ATOMIC_REQUESTS
        with queries.time_limit():
            assert timeout() == str(queries.LIST_TIMEOUT_MS)
        assert timeout() == "0"
