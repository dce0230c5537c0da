"""The browse UI's queries, each shaped to use an index and never to count events."""

import re
import shlex
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import OperationalError, connections, router, transaction
from django.db.models import Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from ..fields import event_id as given_event_id
from ..models import Event, Issue, IssueTag, Level, Project
from .frequency import DEFAULT_SPARK, sparklines

SORTS = {
    "last_seen": ("-last_seen", "-pk"),
    "first_seen": ("-first_seen", "-pk"),
    "count": ("-event_count", "-pk"),
    "users": ("-user_count", "-pk"),
}
STATUSES = (*Issue.Status.values, "all")
TAG_TERM = re.compile(r"(?P<key>[A-Za-z0-9_.\-]{1,32}):(?P<value>.+)", re.S)
MAX_QUERY_CHARS = 500  # of a search; the rest is left out, and the page says so
MAX_TAG_TERMS = 10  # distinct key:value terms of a search
MAX_WORDS = 10  # distinct words (or quoted phrases) of a search, each matched on its own
LIST_TIMEOUT_MS = 3000  # PostgreSQL's statement_timeout for each of the issue list's queries
TIMEOUT_NOTICE = _lazy("The search took too long and was stopped: narrow it down (fewer words or tag terms, filters).")
POSITION_LIMIT = 10_000  # events counted on either side of an event for its "Event N of M"
QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE of a statement stopped by statement_timeout


def without_nuls(params: QueryDict) -> QueryDict:
    """``params`` without NUL bytes (PostgreSQL refuses them in text): keys and values."""
    clean = QueryDict(mutable=True)
    for key, values in params.lists():
        clean.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
    clean._mutable = False
    return clean


# Sentry's search syntax this list does not support: these keys, negation, comparisons, boolean words.
UNSUPPORTED_KEYS = frozenset({
    "has", "assigned", "assigned_or_suggested", "bookmarks", "age", "firstseen", "lastseen", "timesseen",
    "times_seen", "first_seen", "last_seen", "event.timestamp", "issue.category", "issue.priority",
    "is_regression", "user.segment",
})
STATUS_WORDS = {"unresolved": "unresolved", "resolved": "resolved", "ignored": "ignored", "archived": "ignored"}


def split_search(query: str) -> tuple[list[str], list[tuple[str, str]], str, list[str]]:
    """The words (a quoted phrase is one), the ``key:value`` tag terms (values may be quoted), the status
    of an ``is:unresolved|resolved|ignored`` term ("" if none) and the terms not understood, of a search."""
    try:
        tokens = shlex.split(query)
    except ValueError:  # an unbalanced quote: take the words as they are
        tokens = query.split()
    words, terms, status, unknown = [], [], "", []
    for token in tokens:
        match = TAG_TERM.fullmatch(token.lstrip("!-"))
        if token in ("AND", "OR") or match and not_understood(token, match["key"], match["value"]):
            unknown.append(token)
        elif match and match["key"] == "is":
            status = STATUS_WORDS[match["value"]]
        elif match and "/" not in match["key"]:
            terms.append((match["key"], match["value"]))
        elif token.strip():
            words.append(token.strip())
    return words, terms, status, unknown


def not_understood(token: str, key: str, value: str) -> bool:
    if key == "is":
        return value not in STATUS_WORDS
    return token[0] in "!-" or key.lower() in UNSUPPORTED_KEYS or value[0] in "<>"


@dataclass(frozen=True)
class Search:
    """A search bounded for the database: its first ``MAX_QUERY_CHARS`` characters, without NULs,
    split into at most ``MAX_WORDS`` distinct words (or quoted phrases) and ``MAX_TAG_TERMS`` distinct
    tag terms."""

    query: str = ""  # the part of the search used
    words: tuple[str, ...] = ()  # each must match
    terms: tuple[tuple[str, str], ...] = ()
    cut: bool = False  # characters past MAX_QUERY_CHARS were left out
    dropped: bool = False  # tag terms past MAX_TAG_TERMS were left out
    words_dropped: bool = False  # words past MAX_WORDS were left out
    status: str = ""  # of an is: term
    unknown: tuple[str, ...] = ()  # terms not understood, left out

    @classmethod
    def parse(cls, query: str) -> "Search":
        query = query.replace("\x00", "")
        kept, cut = query[:MAX_QUERY_CHARS], len(query) > MAX_QUERY_CHARS
        if cut and not query[MAX_QUERY_CHARS].isspace():
            kept = re.sub(r"\S+$", "", kept) or kept  # no word or term cut in two
        words, terms, status, unknown = split_search(kept)
        words, terms = list(dict.fromkeys(words)), list(dict.fromkeys(terms))
        return cls(query=kept.strip(), words=tuple(words[:MAX_WORDS]), terms=tuple(terms[:MAX_TAG_TERMS]), cut=cut,
                   dropped=len(terms) > MAX_TAG_TERMS, words_dropped=len(words) > MAX_WORDS, status=status,
                   unknown=tuple(unknown))

    @property
    def event_id(self) -> str:
        """The event id (32 hex digits, with or without dashes) the search is, else ""."""
        return given_event_id(self.query.strip()) or ""

    @property
    def notices(self) -> list[str]:
        """What the page tells the user about the parts of the search left out."""
        notices = []
        if self.cut:
            notices.append(_("Only the first %(n)d characters of the search were used.") % {"n": MAX_QUERY_CHARS})
        if self.dropped:
            notices.append(_("Only the first %(n)d tag terms (key:value) were used.") % {"n": MAX_TAG_TERMS})
        if self.words_dropped:
            notices.append(_("Only the first %(n)d words of the search were used.") % {"n": MAX_WORDS})
        if self.unknown:
            notices.append(_(
                "Not understood, so left out of the search: %(terms)s. This search knows words (in title, "
                "culprit and message), tag:value terms and is:unresolved, is:resolved or is:ignored."
            ) % {"terms": ", ".join(self.unknown)})
        return notices


def with_tags(pairs: Iterable[tuple[str, str]]) -> Q:
    """Issues carrying every ``(key, value)`` tag of ``pairs``, in one subquery however many pairs:
    the ``INTERSECT`` of an index-only scan of the tag index per pair."""
    scans = [IssueTag.objects.filter(key=key, value=value).values("issue_id") for key, value in dict.fromkeys(pairs)]
    if not scans:
        return Q()
    return Q(pk__in=scans[0].intersection(*scans[1:]) if len(scans) > 1 else scans[0])


def with_tag(key: str, value: str) -> Q:
    return with_tags([(key, value)])


def search(issues: QuerySet, query: "str | Search", tags: Iterable[tuple[str, str]] = ()) -> QuerySet:
    """The issues matching a search (bounded, see ``Search``): each of its words (or quoted phrases) in
    title, culprit or message, its ``key:value`` terms and ``tags`` as tags."""
    parsed = query if isinstance(query, Search) else Search.parse(query)
    issues = issues.filter(with_tags([*tags, *parsed.terms]))
    for word in parsed.words:
        issues = issues.filter(Q(title__icontains=word) | Q(culprit__icontains=word) | Q(message__icontains=word))
    return issues


def searched_event(search: Search) -> str:
    """The id of the stored event a search is (a pasted event id), else ""."""
    event_id = search.event_id
    return event_id if event_id and Event.objects.filter(event_id=event_id).exists() else ""


class ListTimeout(Exception):
    """A query of the issue list ran past ``LIST_TIMEOUT_MS`` and PostgreSQL stopped it."""


@contextmanager
def time_limit(model=Issue):
    """On PostgreSQL, run the block in a transaction whose statements are stopped after
    ``LIST_TIMEOUT_MS`` (raising ``ListTimeout``), so no search keeps the database busy; elsewhere,
    just run it."""
    connection = connections[router.db_for_read(model)]
    if connection.vendor != "postgresql":
        yield
        return
    nested = connection.in_atomic_block
    try:
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('statement_timeout'), set_config('statement_timeout', %s, true)",
                               [str(LIST_TIMEOUT_MS)])
                previous = cursor.fetchone()[0]
            yield
            if nested:  # SET LOCAL would outlive the block, up to the end of the outer transaction
                with connection.cursor() as cursor:
                    cursor.execute("SELECT set_config('statement_timeout', %s, true)", [previous])
    except OperationalError as error:
        cause = error.__cause__
        if QUERY_CANCELED in (getattr(cause, "sqlstate", None), getattr(cause, "pgcode", None)):
            raise ListTimeout from error
        raise


@dataclass
class IssueFilter:
    """The issue list's filters, read from the query string; unknown values fall back to defaults."""

    status: str = Issue.Status.UNRESOLVED
    level: str = ""
    environment: str = ""
    release: str = ""
    query: str = ""
    sort: str = "last_seen"
    project: str = ""  # a project's slug
    search: Search = field(init=False)

    def __post_init__(self):
        self.search = Search.parse(self.query)
        self.query = self.search.query  # what the search box shows
        self.status = self.search.status or self.status  # an is: term wins over the status menu

    @classmethod
    def from_params(cls, params) -> "IssueFilter":
        def get(name: str) -> str:
            return params.get(name, "").replace("\x00", "")

        status, sort, level = get("status"), get("sort"), get("level")
        return cls(
            status=status if status in STATUSES else Issue.Status.UNRESOLVED,
            level=level if level in Level.values else "",
            environment=get("environment")[:column_length(Issue, "environment")],
            release=get("release")[:column_length(Issue, "release")],
            query=get("query"),
            sort=sort if sort in SORTS else "last_seen",
            project=get("project")[:column_length(Project, "slug")],
        )

    @property
    def notices(self) -> list[str]:
        return self.search.notices

    def queryset(self) -> QuerySet:
        issues = Issue.objects.all()
        if self.status != "all":
            issues = issues.filter(status=self.status)
        if self.level:
            issues = issues.filter(level=self.level)
        if self.project:
            issues = issues.filter(project__slug=self.project)
        tags = [(key, value) for key, value in (("environment", self.environment), ("release", self.release)) if value]
        return search(issues, self.search, tags).order_by(*SORTS[self.sort])


def column_length(model, name: str) -> int:
    """The ``max_length`` of a model's text column: longer filter values match nothing."""
    return model._meta.get_field(name).max_length


def several_projects() -> bool:
    """Whether there is more than the default project (else nothing about projects shows)."""
    return Project.objects.all()[:2].count() > 1


def project_choices() -> list[tuple[str, str]]:
    """(slug, name) of every project for the list's filter; none while there is only one."""
    projects = list(Project.objects.order_by("name").values_list("slug", "name")[:200])
    return projects if len(projects) > 1 else []


def filter_choices(column: str, limit: int = 100) -> list[str]:
    """The distinct non-empty values of an Issue column (environments, releases) for a filter.

    A loose index scan (one index probe per value, in a recursive query SQLite and PostgreSQL
    both run): ``SELECT DISTINCT`` read every issue, ~10 ms on PostgreSQL at 10,000 issues."""
    connection = connections[router.db_for_read(Issue)]
    table, name = (connection.ops.quote_name(n) for n in (Issue._meta.db_table, Issue._meta.get_field(column).column))
    sql = (
        f"WITH RECURSIVE found(value) AS ("
        f" SELECT MIN({name}) FROM {table} WHERE {name} > %s"
        f" UNION ALL SELECT (SELECT MIN({name}) FROM {table} WHERE {name} > found.value)"
        f" FROM found WHERE found.value IS NOT NULL"
        f") SELECT value FROM found WHERE value IS NOT NULL LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ["", limit])
        return [value for (value,) in cursor.fetchall()]


def with_sparklines(issues, spark: str = DEFAULT_SPARK) -> list[Issue]:
    """``issues`` as a list, each with its ``sparkline`` (counts over the ``spark`` range)."""
    issues = list(issues)
    lines = sparklines([issue.pk for issue in issues], spark)
    for issue in issues:
        issue.sparkline, issue.spark = lines[issue.pk], spark
    return issues


def tag_distribution(issue: Issue, top: int = 5) -> list[dict]:
    """Per tag key: its ``top`` values with their share of the issue's events, and the rest's share
    (``rounded``, ``other_rounded``: whole percents, which the page shows)."""
    ranked = (
        IssueTag.objects.filter(issue=issue)
        .annotate(rank=Window(RowNumber(), partition_by="key", order_by=("-count", "value")))
        .filter(rank__lte=top)
        .order_by("key", "rank")
        .values_list("key", "value", "count")
    )
    total = max(issue.event_count, 1)
    keys: dict[str, dict] = {}
    for key, value, count in ranked:
        entry = keys.setdefault(key, {"key": key, "values": [], "other": 100.0})
        share = min(100.0, 100.0 * count / total)
        entry["values"].append({"value": value, "count": count, "percent": share, "rounded": round(share)})
        entry["other"] = max(0.0, entry["other"] - share)
    for entry in keys.values():
        entry["other_rounded"] = round(entry["other"])
    return list(keys.values())


def older_and_newer(event: Event) -> tuple[QuerySet, QuerySet]:
    """The ids of the issue's events before and after ``event``, by time then id."""
    events = Event.objects.filter(issue_id=event.issue_id).values_list("event_id", flat=True)
    same_time = Q(timestamp=event.timestamp)
    return (events.filter(Q(timestamp__lt=event.timestamp) | same_time & Q(event_id__lt=event.event_id)),
            events.filter(Q(timestamp__gt=event.timestamp) | same_time & Q(event_id__gt=event.event_id)))


def bounded_counts(*querysets: QuerySet, limit: int) -> list[int]:
    """How many rows each queryset has, counted up to ``limit``, in one statement."""
    connection = connections[router.db_for_read(Event)]
    parts, params = [], []
    for queryset in querysets:
        sql, part_params = queryset[:limit].query.get_compiler(connection=connection).as_sql()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS bounded)")
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(parts)}", params)
        return list(cursor.fetchone())


def event_navigation(event: Event) -> tuple[dict[str, str | None], dict[str, str]]:
    """Ids of the issue's oldest, previous (older), next (newer) and latest events, by time then id
    (``None`` where that is ``event`` itself); and which of them ``event`` is (``number``, 1 the oldest)
    of how many (``total``), counted up to ``POSITION_LIMIT`` on either side ("10,000+" past it)."""
    older, newer = older_and_newer(event)
    before, after = bounded_counts(older, newer, limit=POSITION_LIMIT)
    neighbours = {
        "oldest": before and older.order_by("timestamp", "event_id").first(),
        "previous": before and older.order_by("-timestamp", "-event_id").first(),
        "next": after and newer.order_by("timestamp", "event_id").first(),
        "latest": after and newer.order_by("-timestamp", "-event_id").first(),
    }
    position = {"number": f"{before + 1:,}" + ("+" if before == POSITION_LIMIT else ""),
                "total": f"{before + after + 1:,}" + ("+" if POSITION_LIMIT in (before, after) else "")}
    return {name: found or None for name, found in neighbours.items()}, position


def latest_event(issue: Issue) -> Event | None:
    return Event.objects.filter(issue=issue).order_by("-timestamp", "-event_id").first()


def recent_unresolved_count(hours: int = 24) -> int:
    """How many unresolved issues had an event in the last ``hours`` (for a menu badge)."""
    since = timezone.now() - timedelta(hours=hours)
    return Issue.objects.filter(status=Issue.Status.UNRESOLVED, last_seen__gte=since).count()
