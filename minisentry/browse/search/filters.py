"""A ``Query`` applied to a queryset of issues: each word in title, culprit or message, each filter
as a condition on the issue's columns or a subquery of its tag counts (``IssueTag``)."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from ...models import Issue, IssueTag
from . import values
from .terms import LATEST, Filter, Query, moment

RECENT = timedelta(days=7)  # Sentry's: an issue stays "new" or "regressed" for 7 days (TRANSITION_AFTER_DAYS)
NOTHING = Q(pk__in=[])
OPERATORS = {"=": "exact", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
COLUMNS = {"times_seen": "event_count", "users": "user_count", "first_seen": "first_seen",
           "last_seen": "last_seen", "first_release": "first_release", "project": "project__slug"}


def with_tags(pairs: Iterable[tuple[str, str]]) -> Q:
    """Issues carrying every ``(key, value)`` tag of ``pairs``, in one subquery however many pairs:
    the ``INTERSECT`` of an index-only scan of the tag index per pair."""
    scans = [IssueTag.objects.filter(key=key, value=value).values("issue_id") for key, value in dict.fromkeys(pairs)]
    if not scans:
        return Q()
    return Q(pk__in=scans[0].intersection(*scans[1:]) if len(scans) > 1 else scans[0])


def apply(issues: QuerySet, query: Query, user=None, tags: Iterable[tuple[str, str]] = (),
          now: datetime | None = None) -> QuerySet:
    """The ``issues`` matching ``query`` (none if it has errors) and every ``(key, value)`` of
    ``tags``; ``user`` is who ``assigned:me`` means; relative times count back from ``now``."""
    if query.errors:
        return issues.none()
    now = now or timezone.now()
    plain = [(f.key, values.literal(f.values[0])) for f in query.filters if is_plain_tag(f)]
    issues = issues.filter(with_tags([*tags, *plain]))
    for term in query.filters:
        if not is_plain_tag(term):
            condition = condition_of(term, user, now)
            issues = issues.filter(~condition if term.negated else condition)
    for word in query.words:
        issues = issues.filter(Q(title__icontains=word) | Q(culprit__icontains=word) | Q(message__icontains=word))
    return issues


def is_plain_tag(term: Filter) -> bool:
    """One exact tag value, not negated: those share one ``INTERSECT``."""
    return (term.field == "tag" and not term.negated and len(term.values) == 1 and term.values[0] != LATEST
            and not values.is_wildcard(term.values[0]))


def condition_of(term: Filter, user, now: datetime) -> Q:
    if term.field == "tag":
        return tag_condition(term)
    if term.field in ("first_release", "project"):
        column = COLUMNS[term.field]
        latest = Q(**{column: latest_release(OuterRef("project_id"))}) if LATEST in term.values else NOTHING
        return text_match(column, term.values) | latest
    if term.field == "is":
        return is_condition(term.values[0], now)
    if term.field == "assigned":
        return assigned(term.values, user)
    if term.field in ("times_seen", "users"):
        operator, number = term.values[0]
        column = COLUMNS[term.field]
        return ~Q(**{column: number}) if operator == "!=" else Q(**{f"{column}__{OPERATORS[operator]}": number})
    column = COLUMNS[term.field]  # first_seen, last_seen
    condition = Q()
    for operator, when in term.values:
        condition &= Q(**{f"{column}__{OPERATORS[operator]}": moment(when, now)})
    return condition


def tag_condition(term: Filter) -> Q:
    """Issues of which an event carried the tag with any of the term's values; ``latest`` is the
    issue's project's latest release."""
    patterns = [pattern for pattern in term.values if pattern != LATEST]
    tagged = IssueTag.objects.filter(Q(key=term.key) & text_match("value", patterns)).values("issue_id")
    condition = Q(pk__in=tagged) if patterns else NOTHING
    if LATEST in term.values:  # per issue, along the tag index (issue, key, value)
        condition |= Q(Exists(IssueTag.objects.filter(
            issue=OuterRef("pk"), key=term.key, value=latest_release(OuterRef(OuterRef("project_id"))))))
    return condition


def text_match(column: str, patterns: Iterable[str]) -> Q:
    """``column`` is any of ``patterns`` (``latest`` left to the caller): exact values or ``*``
    wildcards; ``*`` alone matches any value; no pattern, none."""
    exact, condition = [], NOTHING
    for pattern in patterns:
        if pattern == "*":
            return Q()
        if values.is_wildcard(pattern):
            condition |= Q(**{f"{column}__regex": values.wildcard_regex(pattern)})
        elif pattern != LATEST:
            exact.append(values.literal(pattern))
    if exact:
        condition |= Q(**{column: exact[0]}) if len(exact) == 1 else Q(**{f"{column}__in": exact})
    return condition


def latest_release(project) -> Subquery:
    """The release of the project's most recent event that named one, for ``release:latest``."""
    issues = Issue.objects.filter(project=project).exclude(release="")
    return Subquery(issues.order_by("-last_seen", "-pk").values("release")[:1])


def is_condition(value: str, now: datetime) -> Q:
    if value in ("assigned", "unassigned"):
        return Q(assignee__isnull=value == "unassigned")
    if value == "new":  # Sentry's substatus "new": unresolved, first seen in the last 7 days, never regressed
        return Q(status=Issue.Status.UNRESOLVED, first_seen__gte=now - RECENT, is_regression=False)
    if value == "regressed":  # and "regressed": reopened by an event in the last 7 days
        return Q(status=Issue.Status.UNRESOLVED, is_regression=True, regressed_at__gte=now - RECENT)
    return Q(status=Issue.Status.IGNORED if value == "archived" else value)


def assigned(names: tuple[str, ...], user) -> Q:
    """Assigned to any of ``names``: ``me`` (``user``), ``none`` (no one) or a username."""
    field = f"assignee__{get_user_model().USERNAME_FIELD}"
    condition = NOTHING
    for name in names:
        if name == "none":
            condition |= Q(assignee__isnull=True)
        elif name == "me":
            condition |= Q(assignee=user) if user is not None and user.is_authenticated else NOTHING
        else:
            condition |= Q(**{field: name})
    return condition
