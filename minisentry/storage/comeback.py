"""Ignored issues coming back: once an ignore condition is met the issue is unresolved again, its
conditions cleared, and its activity says why (``came_back`` with ``reason``: ``until``, ``events``,
``users`` or ``rate``).

"More than N events in an hour" is a sliding window estimated from the hourly counts (which count
sampled-out events too): the current hour's count, plus the previous hour's weighted by the share of
it still inside the last 60 minutes (at 12:15, three quarters of the 11:00 count)."""

from collections import defaultdict
from datetime import datetime, timedelta

from ..models import Issue, IssueHourlyCount
from .history import add_activity

IGNORED, UNRESOLVED = Issue.Status.IGNORED.value, Issue.Status.UNRESOLVED.value
CLEARED = {"ignore_until": None, "ignore_until_events": None, "ignore_until_users": None, "ignore_rate": None}
_FIELDS = ("pk", "event_count", "user_count", *CLEARED)
HOUR = timedelta(hours=1)


def events_in_last_hour(using: str, issue_ids: list[int], now: datetime) -> dict[int, float]:
    """Each issue's events in the hour up to ``now`` (the estimate above)."""
    this = now.replace(minute=0, second=0, microsecond=0)
    share = 1 - (now - this) / HOUR
    rows = IssueHourlyCount.objects.using(using).filter(issue_id__in=issue_ids, hour__gte=this - HOUR)
    result = defaultdict(float)
    for issue_id, hour, count in rows.values_list("issue_id", "hour", "count"):
        result[issue_id] += count if hour >= this else count * share
    return result


def reason(issue: dict, last_hour: float, now: datetime) -> dict | None:
    """Why the ignored ``issue`` (``_FIELDS``) comes back, or None while its conditions hold."""
    if issue["ignore_until"] is not None and now >= issue["ignore_until"]:
        return {"reason": "until", "until": issue["ignore_until"].isoformat()}
    if issue["ignore_until_events"] is not None and issue["event_count"] >= issue["ignore_until_events"]:
        return {"reason": "events", "count": issue["event_count"]}
    if issue["ignore_until_users"] is not None and issue["user_count"] >= issue["ignore_until_users"]:
        return {"reason": "users", "count": issue["user_count"]}
    if issue["ignore_rate"] is not None and last_hour > issue["ignore_rate"]:
        return {"reason": "rate", "rate": issue["ignore_rate"], "last_hour": round(last_hour)}
    return None


def come_back(using: str, issue_ids: list[int], now: datetime) -> list[int]:
    """Unresolve those of the ignored ``issue_ids`` whose condition is met; their ids.

    The caller holds the issues' row locks and has brought their counts up to date (event, user and
    hourly counts), so with many writers each issue comes back once, on the batch that met it."""
    issues = list(Issue.objects.using(using).filter(pk__in=issue_ids, status=IGNORED).values(*_FIELDS))
    rated = [issue["pk"] for issue in issues if issue["ignore_rate"] is not None]
    last_hour = events_in_last_hour(using, rated, now) if rated else {}
    reasons = {issue["pk"]: why for issue in issues if (why := reason(issue, last_hour.get(issue["pk"], 0), now))}
    if reasons:
        Issue.objects.using(using).filter(pk__in=reasons).update(status=UNRESOLVED, **CLEARED)
        add_activity(using, ((pk, "came_back", why) for pk, why in sorted(reasons.items())))
    return sorted(reasons)
