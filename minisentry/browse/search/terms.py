"""A search read into a ``Query``: its free words and its filters, each key's value checked, and
every term not understood kept as a ``SearchError`` naming it (nothing is dropped unsaid)."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ...fields import LENGTH, Level
from ...fields import event_id as given_event_id
from . import values
from .tokenizer import Token, tokenize

MAX_QUERY_CHARS = 500  # of a search; the rest is left out, and the page says so
MAX_TERMS = 10  # distinct key:value terms of a search
MAX_WORDS = 10  # distinct words (or quoted phrases) of a search, each matched on its own
HINT = _lazy('Search: words, "a phrase", key:value, is:unresolved, timesSeen:>100, age:-24h…')  # the box's
LATEST = "\x00latest"  # the value of release:latest, firstRelease:latest (no typed value has a NUL)

# Sentry's spellings of the keys that are not tags (``issue_search_config``'s key_mappings)
FIELDS = {
    "is": "is", "has": "has", "assigned": "assigned", "assigned_to": "assigned",
    "firstRelease": "first_release", "first_release": "first_release", "first-release": "first_release",
    "timesSeen": "times_seen", "times_seen": "times_seen", "users": "users",
    "age": "first_seen", "firstSeen": "first_seen", "first_seen": "first_seen",
    "lastSeen": "last_seen", "last_seen": "last_seen", "project": "project",
}
NUMERIC, DATES = {"times_seen", "users"}, {"first_seen", "last_seen"}
USER_KEYS = {"user.id": "id:", "user.username": "username:", "user.email": "email:", "user.ip": "ip:"}
STATUSES = {"unresolved": "unresolved", "resolved": "resolved", "ignored": "ignored", "archived": "ignored"}
IS_VALUES = (*STATUSES, "assigned", "unassigned", "new", "regressed")
# Sentry's issue-search keys this search does not have: named as such rather than read as tags
UNSUPPORTED = frozenset({
    "assigned_or_suggested", "bookmarks", "subscribed", "event.timestamp", "date", "issue.category",
    "issue.type", "issue.priority", "issue.seer_actionability", "is_regression", "user.segment",
    "regressed_in_release", "device.class", "detector", "error.handled", "error.unhandled", "message",
})
KEY_SHAPE = re.compile(r"[A-Za-z0-9_.:\-]+")


class SearchError(ValueError):
    """A term of a search not understood: ``term`` as typed, ``reason`` why."""

    def __init__(self, term: str, reason: str):
        super().__init__(f"{term}: {reason}")
        self.term, self.reason = term, str(reason)


@dataclass(frozen=True)
class Filter:
    """One ``key:value`` term. ``field``: ``tag`` (``key`` the tag's; ``values`` patterns, ``*``
    wildcards, ``latest``), ``first_release`` and ``project`` (patterns), ``is`` and ``assigned`` (words),
    ``times_seen`` and ``users`` (``(operator, number)``), ``first_seen`` and ``last_seen``
    (``(operator, datetime or timedelta ago)`` each)."""

    text: str
    field: str
    values: tuple = ()
    key: str = ""
    negated: bool = False


@dataclass(frozen=True)
class Query:
    """A search bounded for the database: its first ``MAX_QUERY_CHARS`` characters, at most
    ``MAX_WORDS`` distinct words (or quoted phrases) and ``MAX_TERMS`` distinct ``key:value``
    terms; ``errors`` are the terms not understood (a search with any matches nothing)."""

    text: str = ""  # the part of the search used, as the search box shows it again
    words: tuple[str, ...] = ()  # each must match title, culprit or message
    filters: tuple[Filter, ...] = ()
    errors: tuple[SearchError, ...] = ()
    cut: bool = False  # characters past MAX_QUERY_CHARS were left out
    terms_dropped: bool = False
    words_dropped: bool = False

    @property
    def status(self) -> str:
        """The status the search asks for (``is:resolved``…; ``unresolved`` for ``is:new`` and
        ``is:regressed``), ``all`` when it only excludes statuses, else ""."""
        asked = {implied_status(f.values[0]) for f in self.filters if f.field == "is" and not f.negated} - {""}
        if asked:  # one at most: the parser refuses a second
            return asked.pop()
        negated = any(f.field == "is" and f.negated and f.values[0] in STATUSES for f in self.filters)
        return "all" if negated else ""

    @property
    def event_id(self) -> str:
        """The event id (32 hex digits, with or without dashes) the search is, else ""."""
        return given_event_id(self.text.strip()) or ""

    def check(self) -> "Query":
        """The query, if every term was understood; else raises its first ``SearchError``."""
        if self.errors:
            raise self.errors[0]
        return self

    @property
    def notices(self) -> list[str]:
        """What a page tells the user about the parts of the search left out or not understood."""
        notices = []
        if self.cut:
            notices.append(_("Only the first %(n)d characters of the search were used.") % {"n": MAX_QUERY_CHARS})
        if self.terms_dropped:
            notices.append(_("Only the first %(n)d key:value terms of the search were used.") % {"n": MAX_TERMS})
        if self.words_dropped:
            notices.append(_("Only the first %(n)d words of the search were used.") % {"n": MAX_WORDS})
        if self.errors:
            named = " ".join(_("“%(term)s”: %(reason)s.") % {"term": e.term, "reason": e.reason}
                             for e in self.errors[:MAX_TERMS])
            if len(self.errors) > MAX_TERMS:
                named += " " + _("And %(n)d more.") % {"n": len(self.errors) - MAX_TERMS}
            notices.append(_("Nothing is listed: the search has terms it does not understand. %(errors)s") % {
                "errors": named})
        return notices


@dataclass
class Reader:
    """Reads tokens into words, filters and errors."""

    words: list[str] = field(default_factory=list)
    filters: list[Filter] = field(default_factory=list)
    errors: list[SearchError] = field(default_factory=list)

    def read(self, token: Token) -> None:
        try:
            if token.problem:
                raise SearchError(token.text, token.problem)
            if not token.key:
                self.word(token)
            else:
                self.filters.append(self.term(token))
        except SearchError as error:
            self.errors.append(error)

    def word(self, token: Token) -> None:
        if not token.quoted and token.text.upper() in ("AND", "OR"):
            raise SearchError(token.text, _lazy("boolean operators are not supported: every term must match"))
        if token.value.strip():
            self.words.append(token.value.strip())

    def term(self, token: Token) -> Filter:
        key, text, listed = token.key, token.text, isinstance(token.value, tuple)
        if key.startswith("-") and not token.explicit_tag:
            raise SearchError(text, _lazy("negate a term with !, as in !%(term)s") % {"term": text[1:]})
        name = None if token.explicit_tag else FIELDS.get(key)
        if name is None and key in UNSUPPORTED and not token.explicit_tag:
            raise SearchError(text, _lazy("this search has no %(key)s: terms") % {"key": key})
        raw = token.value if listed else (token.value,)
        if listed and name in ("is", "has"):
            raise SearchError(text, _lazy("%(key)s: takes one value, not a list") % {"key": key})
        if name == "is":
            return self.is_term(token, raw[0])
        if name == "has":
            return self.has_term(token, raw[0])
        if name == "assigned":
            return Filter(text, "assigned", tuple(values.literal(v) for v in raw), negated=token.negated)
        if name in NUMERIC:
            return Filter(text, name, self.single_value(token, raw, values.number, _lazy(
                "%(key)s needs a number, as in %(key)s:>100") % {"key": key}), negated=token.negated)
        if name in DATES:
            return self.date_term(token, name, raw)
        return self.text_term(token, name, raw)

    def single_value(self, token: Token, raw: tuple, read, reason) -> tuple:
        if isinstance(token.value, tuple) or token.quoted:
            raise SearchError(token.text, reason)
        if (value := read(raw[0])) is None:
            raise SearchError(token.text, reason)
        return (value,)

    def date_term(self, token: Token, name: str, raw: tuple) -> Filter:
        conditions = self.single_value(token, raw, values.date_range, _lazy(
            "%(key)s needs a time, as in %(key)s:-24h (within the last 24 hours), %(key)s:+7d (older than 7 days) "
            "or %(key)s:>2026-01-31") % {"key": token.key})
        return Filter(token.text, name, conditions[0], negated=token.negated)

    def is_term(self, token: Token, value: str) -> Filter:
        if value not in IS_VALUES:
            raise SearchError(token.text, _lazy("is: takes %(values)s") % {"values": ", ".join(IS_VALUES)})
        status = implied_status(value)
        for other in self.filters:
            if (status and not token.negated and other.field == "is" and not other.negated
                    and implied_status(other.values[0]) not in ("", status)):
                raise SearchError(token.text, _lazy("an issue has one status, and %(other)s asks for another") % {
                    "other": other.text})
        return Filter(token.text, "is", (value,), negated=token.negated)

    def has_term(self, token: Token, key: str) -> Filter:
        if key in USER_KEYS:
            return Filter(token.text, "tag", (USER_KEYS[key] + "*",), key="user", negated=token.negated)
        self.tag_key(token, key)
        return Filter(token.text, "tag", ("*",), key=key, negated=token.negated)

    def tag_key(self, token: Token, key: str) -> None:
        if not KEY_SHAPE.fullmatch(key) or len(key) > LENGTH["tag_key"]:
            raise SearchError(token.text, _lazy("a tag key has at most %(n)d letters, digits and _ . : -") % {
                "n": LENGTH["tag_key"]})

    def text_term(self, token: Token, name: str | None, raw: tuple) -> Filter:
        key, prefix = token.key, ""
        if not token.explicit_tag and key in USER_KEYS:
            key, prefix = "user", USER_KEYS[key]
        if name is None:
            self.tag_key(token, key)
        patterns = []
        for value in raw:
            if not value:
                raise SearchError(token.text, _lazy("an empty value: !has:%(key)s finds issues without the tag") % {
                    "key": token.key})
            if not token.quoted and value.startswith(("<", ">")):
                raise SearchError(token.text, _lazy("only timesSeen, users, age, firstSeen and lastSeen compare"))
            if len(values.literal(value)) + len(prefix) > LENGTH["tag_value"]:
                raise SearchError(token.text, _lazy("longer than any stored value (%(n)d characters)") % {
                    "n": LENGTH["tag_value"]})
            if key == "level" and value not in Level.values and not values.is_wildcard(value):
                raise SearchError(token.text, _lazy("level: takes %(values)s") % {"values": ", ".join(Level.values)})
            releases = name == "first_release" or key == "release" and not token.explicit_tag
            patterns.append(LATEST if releases and value == "latest" else prefix + value)
        if name in ("first_release", "project"):
            return Filter(token.text, name, tuple(patterns), negated=token.negated)
        return Filter(token.text, "tag", tuple(patterns), key=key, negated=token.negated)


def parse(text: str) -> Query:
    """The ``Query`` a search is (see the README's search syntax); never raises: what it does not
    understand is in ``errors`` (``Query.check()`` raises the first)."""
    text = text.replace("\x00", "")
    kept, cut = text[:MAX_QUERY_CHARS], len(text) > MAX_QUERY_CHARS
    if cut and not text[MAX_QUERY_CHARS].isspace():
        kept = re.sub(r"\S+$", "", kept) or kept  # no word or term cut in two
    reader, terms, dropped = Reader(), set(), False
    for token in tokenize(kept):  # in the order typed; each distinct term once, MAX_TERMS of them
        is_term = bool(token.key) and not token.problem
        if is_term and token in terms:
            continue
        if is_term and len(terms) == MAX_TERMS:
            dropped = True
            continue
        if is_term:
            terms.add(token)
        reader.read(token)
    distinct = list(dict.fromkeys(reader.words))
    return Query(text=kept.strip(), words=tuple(distinct[:MAX_WORDS]), filters=tuple(reader.filters),
                 errors=tuple(reader.errors), cut=cut, terms_dropped=dropped,
                 words_dropped=len(distinct) > MAX_WORDS)


def tag_term(key: str, value: str) -> str:
    """The term finding issues of which an event carried tag ``key`` with exactly ``value``
    (``tags[key]`` where the key is one of the search's own, or the value a keyword)."""
    own = key in FIELDS or key in USER_KEYS or key in UNSUPPORTED or value == "latest"
    name = f"tags[{key}]" if own or not re.fullmatch(r"[A-Za-z0-9_.][A-Za-z0-9_.\-]*", key) else key
    return name + ':"' + value.replace("*", "\\*").replace('"', '\\"') + '"'


def implied_status(value: str) -> str:
    """The status an ``is:`` value asks for, if any."""
    return STATUSES.get(value) or ("unresolved" if value in ("new", "regressed") else "")


def moment(value: datetime | timedelta, now: datetime) -> datetime:
    return now - value if isinstance(value, timedelta) else value
