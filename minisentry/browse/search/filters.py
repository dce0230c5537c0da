"""A ``Query`` applied to a queryset of issues: each word in title, culprit or message, each filter
as a condition on the issue's columns or a subquery of its tag counts (``IssueTag``)."""

from collections.abc import Iterable
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from ...models import Issue, IssueTag
from . import values
from .terms import LATEST, Filter, Query, moment

RECENT = timedelta(days=7)  # Sentry's: an issue stays "new" or "regressed" for 7 days (TRANSITION_AFTER_DAYS)
OPERATORS = {"=": "exact", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}
COLUMNS = {"times_seen": "event_count", "users": "user_count", "first_seen": "first_seen",
           "last_seen": "last_seen", "first_release": "first_release"}


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
    plain = [(f.key, f.values[0]) for f in query.filters if is_plain_tag(f)]
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
        tagged = IssueTag.objects.filter(Q(key=term.key) & text_match("value", term.values, latest_release()))
        return Q(pk__in=tagged.values("issue_id"))
    if term.field == "first_release":
        return text_match("first_release", term.values, latest_release())
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


def text_match(column: str, patterns: tuple[str, ...], latest) -> Q:
    """``column`` is any of ``patterns``: exact values, ``*`` wildcards or ``latest``; ``*`` alone
    matches any value."""
    exact, condition = [], Q()
    for pattern in patterns:
        if pattern == LATEST:
            condition |= Q(**{column: latest})
        elif pattern == "*":
            return Q()
        elif values.is_wildcard(pattern):
            condition |= Q(**{f"{column}__regex": values.wildcard_regex(pattern)})
        else:
            exact.append(values.literal(pattern))
    if exact:
        condition |= Q(**{column: exact[0]}) if len(exact) == 1 else Q(**{f"{column}__in": exact})
    return condition


def latest_release():
    """The release of the most recent event that named one (a subquery), for ``release:latest``."""
    return Issue.objects.exclude(release="").order_by("-last_seen", "-pk").values("release")[:1]


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
    condition = Q(pk__in=[])
    for name in names:
        if name == "none":
            condition |= Q(assignee__isnull=True)
        elif name == "me":
            condition |= Q(assignee=user) if user is not None and user.is_authenticated else Q(pk__in=[])
        else:
            condition |= Q(**{field: name})
    return condition
