"""The browse UI's queries, each shaped to use an index and never to count events."""

import re
import shlex
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.paginator import Paginator
from django.db import connections, router
from django.db.models import Exists, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from .index import hour
from .models import Event, Issue, IssueHourlyCount, IssueTag, Level

SORTS = {
    "last_seen": ("-last_seen", "-pk"),
    "first_seen": ("-first_seen", "-pk"),
    "count": ("-event_count", "-pk"),
}
STATUSES = (*Issue.Status.values, "all")
TAG_TERM = re.compile(r"(?P<key>[A-Za-z0-9_.\-]{1,32}):(?P<value>.+)", re.S)
SPARKLINE_HOURS = 24


def split_search(query: str) -> tuple[str, list[tuple[str, str]]]:
    """The free text and the ``key:value`` tag terms (values may be quoted) of a search."""
    try:
        tokens = shlex.split(query)
    except ValueError:  # an unbalanced quote: take the words as they are
        tokens = query.split()
    words, terms = [], []
    for token in tokens:
        match = TAG_TERM.fullmatch(token)
        if match and "/" not in match["key"]:
            terms.append((match["key"], match["value"]))
        else:
            words.append(token)
    return " ".join(words), terms


def with_tag(key: str, value: str) -> Exists:
    return Exists(IssueTag.objects.filter(issue=OuterRef("pk"), key=key, value=value))


def search(issues: QuerySet, query: str) -> QuerySet:
    """The issues matching a search: its words in title, culprit or message, its ``key:value`` terms as tags."""
    text, terms = split_search(query)
    for key, value in terms:
        issues = issues.filter(with_tag(key, value))
    if text:
        issues = issues.filter(Q(title__icontains=text) | Q(culprit__icontains=text) | Q(message__icontains=text))
    return issues


@dataclass
class IssueFilter:
    """The issue list's filters, read from the query string; unknown values fall back to defaults."""

    status: str = Issue.Status.UNRESOLVED
    level: str = ""
    environment: str = ""
    release: str = ""
    query: str = ""
    sort: str = "last_seen"

    @classmethod
    def from_params(cls, params) -> "IssueFilter":
        status, sort, level = params.get("status"), params.get("sort"), params.get("level", "")
        return cls(
            status=status if status in STATUSES else Issue.Status.UNRESOLVED,
            level=level if level in Level.values else "",
            environment=params.get("environment", "")[:64],
            release=params.get("release", "")[:200],
            query=params.get("query", "")[:500],
            sort=sort if sort in SORTS else "last_seen",
        )

    def queryset(self) -> QuerySet:
        issues = Issue.objects.all()
        if self.status != "all":
            issues = issues.filter(status=self.status)
        if self.level:
            issues = issues.filter(level=self.level)
        for key, value in (("environment", self.environment), ("release", self.release)):
            if value:
                issues = issues.filter(with_tag(key, value))
        return search(issues, self.query).order_by(*SORTS[self.sort])


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


def sparklines(issue_ids: list[int], now: datetime | None = None) -> dict[int, list[int]]:
    """Hourly event counts of the last ``SPARKLINE_HOURS`` hours per issue, oldest first."""
    end = hour(now or timezone.now())
    start = end - timedelta(hours=SPARKLINE_HOURS - 1)
    result = {pk: [0] * SPARKLINE_HOURS for pk in issue_ids}
    rows = IssueHourlyCount.objects.filter(issue_id__in=issue_ids, hour__gte=start, hour__lte=end)
    for issue_id, moment, count in rows.values_list("issue_id", "hour", "count"):
        result[issue_id][int((moment - start).total_seconds() // 3600)] += count
    return result


def with_sparklines(issues) -> list[Issue]:
    """``issues`` as a list, each with its ``sparkline``."""
    issues = list(issues)
    lines = sparklines([issue.pk for issue in issues])
    for issue in issues:
        issue.sparkline = lines[issue.pk]
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


def event_neighbours(event: Event) -> dict[str, str | None]:
    """Ids of the issue's oldest, previous (older), next (newer) and latest events, by time then id;
    ``None`` where that is ``event`` itself."""
    events = Event.objects.filter(issue_id=event.issue_id).values_list("event_id", flat=True)
    same_time = Q(timestamp=event.timestamp)
    older = events.filter(Q(timestamp__lt=event.timestamp) | same_time & Q(event_id__lt=event.event_id))
    newer = events.filter(Q(timestamp__gt=event.timestamp) | same_time & Q(event_id__gt=event.event_id))
    previous = older.order_by("-timestamp", "-event_id").first()
    following = newer.order_by("timestamp", "event_id").first()
    return {
        "oldest": previous and events.order_by("timestamp", "event_id").first(),
        "previous": previous,
        "next": following,
        "latest": following and events.order_by("-timestamp", "-event_id").first(),
    }


def latest_event(issue: Issue) -> Event | None:
    return Event.objects.filter(issue=issue).order_by("-timestamp", "-event_id").first()


class KnownCountPaginator(Paginator):
    """A Paginator told its count (``Issue.event_count``) instead of running ``COUNT(*)``."""

    def __init__(self, object_list, per_page, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


def recent_unresolved_count(hours: int = 24) -> int:
    """How many unresolved issues had an event in the last ``hours`` (for a menu badge)."""
    since = timezone.now() - timedelta(hours=hours)
    return Issue.objects.filter(status=Issue.Status.UNRESOLVED, last_seen__gte=since).count()
