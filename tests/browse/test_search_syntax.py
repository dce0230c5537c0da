"""The search parser alone: every form of the syntax, and each term it does not understand named with
its reason (no database)."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from minisentry.browse.search import MAX_TERMS, Filter, SearchError, parse
from minisentry.browse.search.terms import LATEST
from minisentry.browse.search.values import wildcard_regex

DAY = datetime(2026, 1, 31, tzinfo=UTC)


def only(text: str) -> Filter:
    query = parse(text)
    assert query.errors == () and query.words == () and len(query.filters) == 1, query
    return query.filters[0]


def reasons(text: str) -> dict[str, str]:
    return {error.term: error.reason for error in parse(text).errors}


def test_free_text_words_and_quoted_phrases():
    query = parse('cart  "total is"  ValueError: "say \\"hi\\""')
    assert query.words == ("cart", "total is", "ValueError:", 'say "hi"') and query.filters == ()


@pytest.mark.parametrize(("text", "field", "key", "values", "negated"), [
    ("browser:Firefox", "tag", "browser", ("Firefox",), False),
    ("!browser:Firefox", "tag", "browser", ("Firefox",), True),
    ("browser:[Firefox, \"Mobile Safari\", Chrome]", "tag", "browser", ("Firefox", "Mobile Safari", "Chrome"), False),
    ('url:"https://shop.example/cart?id=1 2"', "tag", "url", ("https://shop.example/cart?id=1 2",), False),
    ("url:*/cart/*", "tag", "url", ("*/cart/*",), False),
    ("user:id:42", "tag", "user", ("id:42",), False),
    ("tags[release]:latest", "tag", "release", ("latest",), False),
    ("release:latest", "tag", "release", (LATEST,), False),
    ("release:shop@2.0", "tag", "release", ("shop@2.0",), False),
    ("environment:production", "tag", "environment", ("production",), False),
    ("level:warning", "tag", "level", ("warning",), False),
    ("user.id:42", "tag", "user", ("id:42",), False),
    ("user.email:[a@x.io, b@x.io]", "tag", "user", ("email:a@x.io", "email:b@x.io"), False),
    ("user.username:ann", "tag", "user", ("username:ann",), False),
    ("user.ip:10.0.0.*", "tag", "user", ("ip:10.0.0.*",), False),
    ("has:browser", "tag", "browser", ("*",), False),
    ("!has:user.email", "tag", "user", ("email:*",), True),
    ("firstRelease:latest", "first_release", "", (LATEST,), False),
    ("first-release:shop@1.*", "first_release", "", ("shop@1.*",), False),
    ("project:[api, site]", "project", "", ("api", "site"), False),
    ("is:resolved", "is", "", ("resolved",), False),
    ("!is:assigned", "is", "", ("assigned",), True),
    ("assigned:me", "assigned", "", ("me",), False),
    ("assigned:[none, ann]", "assigned", "", ("none", "ann"), False),
    ("timesSeen:>100", "times_seen", "", ((">", 100),), False),
    ("times_seen:1.5k", "times_seen", "", (("=", 1500),), False),
    ("users:>=5", "users", "", ((">=", 5),), False),
    ("!users:<=2", "users", "", (("<=", 2),), True),
    ("age:-24h", "first_seen", "", ((">=", timedelta(hours=24)),), False),
    ("firstSeen:+7d", "first_seen", "", (("<", timedelta(days=7)),), False),
    ("lastSeen:-1h", "last_seen", "", ((">=", timedelta(hours=1)),), False),
    ("lastSeen:-30m", "last_seen", "", ((">=", timedelta(minutes=30)),), False),
    ("last_seen:+2w", "last_seen", "", (("<", timedelta(weeks=2)),), False),
    ("lastSeen:>2026-01-31", "last_seen", "", ((">", DAY),), False),
    ("age:<=2026-01-31T12:30:00+01:00", "first_seen", "", (("<=", DAY + timedelta(hours=11, minutes=30)),), False),
    ("firstSeen:2026-01-31", "first_seen", "", ((">=", DAY), ("<", DAY + timedelta(days=1))), False),
])
def test_each_term(text, field, key, values, negated):
    assert only(text) == Filter(text, field, values, key=key, negated=negated)


@pytest.mark.parametrize(("text", "status"), [
    ("", ""), ("is:unresolved", "unresolved"), ("is:resolved cart", "resolved"), ("is:archived", "ignored"),
    ("is:new", "unresolved"), ("is:regressed is:new", "unresolved"), ("is:assigned", ""), ("!is:resolved", "all"),
    ("is:ignored !is:resolved", "ignored"),
])
def test_the_status_a_search_asks_for(text, status):
    assert parse(text).status == status


@pytest.mark.parametrize(("text", "term", "reason"), [
    ("-plan:pro", "-plan:pro", "negate a term with !, as in !plan:pro"),
    ("cart OR tea", "OR", "boolean operators are not supported: every term must match"),
    ("cart AND tea", "AND", "boolean operators are not supported: every term must match"),
    ("is:bookmarked", "is:bookmarked", "is: takes unresolved, resolved, ignored, archived, assigned, unassigned, "
                                       "new, regressed"),
    ("is:resolved is:unresolved", "is:unresolved", "an issue has one status, and is:resolved asks for another"),
    ("is:[resolved, ignored]", "is:[resolved, ignored]", "is: takes one value, not a list"),
    ("bookmarks:me", "bookmarks:me", "this search has no bookmarks: terms"),
    ("timesSeen:many", "timesSeen:many", "timesSeen needs a number, as in timesSeen:>100"),
    ("users:>=1e9", "users:>=1e9", "users needs a number, as in users:>100"),
    ("users:" + "9" * 30, "users:" + "9" * 30, "users needs a number, as in users:>100"),
    ("age:yesterday", "age:yesterday", "age needs a time, as in age:-24h (within the last 24 hours), age:+7d "
                                       "(older than 7 days) or age:>2026-01-31"),
    ("lastSeen:2026-02-30", "lastSeen:2026-02-30", "lastSeen needs a time"),
    ("level:eror", "level:eror", "level: takes fatal, error, warning, info, debug"),
    ("release:>2.0", "release:>2.0", "only timesSeen, users, age, firstSeen and lastSeen compare"),
    ("k" * 33 + ":v", "k" * 33 + ":v", "a tag key has at most 32 letters, digits and _ . : -"),
    ("plan:" + "v" * 201, "plan:" + "v" * 201, "longer than any stored value (200 characters)"),
    ('plan:"pro', 'plan:"pro', "this quote is never closed"),
    ('"cart total', '"cart total', "this quote is never closed"),
    ('plan:"pro"x', 'plan:"pro"x', "text right after a closing quote"),
    ("plan:[pro free]", "plan:[pro free]", "a list needs commas between its values and a closing ]"),
    ("plan:[pro, free", "plan:[pro, free", "a list needs commas between its values and a closing ]"),
    ("plan:[pro,,free]", "plan:[pro,,", "a list with an empty value"),
    ("plan:[pro]x", "plan:[pro]x", "text right after a list"),
    ('plan:""', 'plan:""', "an empty value: !has:plan finds issues without the tag"),
])
def test_what_it_does_not_understand_is_named_with_its_reason(text, term, reason):
    assert reasons(text)[term].startswith(reason)
    with pytest.raises(SearchError, match="^" + term.replace("[", r"\[").replace("+", r"\+")):
        parse(text).check()


def test_errors_leave_the_rest_read_and_the_page_names_them():
    query = parse("cart -plan:pro browser:Firefox OR")
    assert query.words == ("cart",) and [f.text for f in query.filters] == ["browser:Firefox"]
    assert [e.term for e in parse('"open timesSeen:x').errors] == ['"open timesSeen:x']
    assert [e.term for e in parse('k:[a b] x:"y"z timesSeen:x').errors] == ["k:[a b]", 'x:"y"z', "timesSeen:x"]
    assert query.notices == ["Nothing is listed: the search has terms it does not understand. “-plan:pro”: negate a "
                             "term with !, as in !plan:pro. “OR”: boolean operators are not supported: every term "
                             "must match."]
    many = parse(" ".join(f"k:[v{i}]x" for i in range(MAX_TERMS + 3)))
    assert len(many.errors) == MAX_TERMS + 3 and many.notices[-1].endswith("And 3 more.")


def test_a_title_pasted_with_its_colon_is_text():
    assert parse("ValueError: cart total").words == ("ValueError:", "cart", "total")
    assert parse('"ValueError: cart total"').words == ("ValueError: cart total",)


def test_terms_past_the_bound_are_left_out_and_said_so():
    query = parse(" ".join(f"k{i}:v{i}" for i in range(MAX_TERMS + 5)) + " k0:v0")
    assert [f.text for f in query.filters] == [f"k{i}:v{i}" for i in range(MAX_TERMS)]
    assert query.terms_dropped and "Only the first 10 key:value terms of the search were used." in query.notices
    assert not parse(" ".join(["k:v"] * 50)).terms_dropped  # a repeated term counts once


@pytest.mark.parametrize(("text", "event_id"), [
    ("0123456789abcdef0123456789ABCDEF", "0123456789abcdef0123456789abcdef"),
    (" 01234567-89ab-cdef-0123-456789abcdef ", "0123456789abcdef0123456789abcdef"),
    ("0123456789abcdef0123456789abcdef cart", ""),
])
def test_a_pasted_event_id(text, event_id):
    assert parse(text).event_id == event_id


@pytest.mark.parametrize(("pattern", "matches", "misses"), [
    ("*/cart/*", ["https://x/cart/1", "/cart/"], ["https://x/carts/1"]),
    ("shop@1.*", ["shop@1.0", "shop@1.12"], ["shop@10", "xshop@1.0"]),
    ("a\\*b*", ["a*bc"], ["axbc"]),
    ("*(x)+[y]?", ["z(x)+[y]?"], ["zx+y"]),
    ("line*", ["line\nbreak"], ["a line"]),
])
def test_wildcards_become_anchored_regular_expressions(pattern, matches, misses):
    regex = re.compile(wildcard_regex(pattern))
    assert all(regex.search(m) for m in matches) and not any(regex.search(m) for m in misses)


def test_nul_bytes_and_the_length_bound():
    assert parse("ca\x00rt").words == ("cart",)
    query = parse("cart " + "x" * 600)
    assert query.cut and query.text == "cart" and query.words == ("cart",)
