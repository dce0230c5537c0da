"""Issues and events as Sentry's web API shapes them (the fields sentry-cli and scripts read);
ids are strings, as Sentry sends them (sentry-cli fails on an integer id)."""

from datetime import datetime

from ..admin import browser_url
from ..models import Event, Issue, Project

STATUS = {"unresolved": "unresolved", "resolved": "resolved", "ignored": "ignored"}
BASE36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def short_id(issue: Issue) -> str:
    """``SITE-1A``: the project's slug and the issue's id in base 36, like Sentry's short ids."""
    n, digits = issue.pk, ""
    while True:
        n, digit = divmod(n, 36)
        digits = BASE36[digit] + digits
        if not n:
            break
    return f"{issue.project.slug.upper()}-{digits}"


def when(moment: datetime | None) -> str | None:
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def project_json(project: Project) -> dict:
    return {"id": str(project.pk), "slug": project.slug, "name": project.name}


def user_json(user) -> dict | None:
    if user is None:
        return None
    return {"type": "user", "id": str(user.pk), "name": user.get_full_name() or user.get_username(),
            "email": getattr(user, "email", "")}


def issue_json(issue: Issue, request) -> dict:
    """One issue (``project`` and ``assignee`` selected with it)."""
    page = browser_url("issue_detail", issue.pk)
    return {
        "id": str(issue.pk),
        "shortId": short_id(issue),
        "title": issue.title,
        "culprit": issue.culprit,
        "permalink": request.build_absolute_uri(page) if page else None,
        "level": issue.level,
        "status": STATUS[issue.status],
        "statusDetails": status_details(issue),
        "isUnhandled": None,
        "platform": issue.platform,
        "project": project_json(issue.project),
        "type": "error" if ":" in issue.title else "default",
        "metadata": {"title": issue.title, "value": issue.message[:200]},
        "count": str(issue.event_count),
        "userCount": issue.user_count,
        "firstSeen": when(issue.first_seen),
        "lastSeen": when(issue.last_seen),
        "firstRelease": {"version": issue.first_release} if issue.first_release else None,
        "assignedTo": user_json(issue.assignee),
        "isRegression": issue.is_regression,
    }


def status_details(issue: Issue) -> dict:
    """What Sentry's ``statusDetails`` says of a condition: a release resolved in, or what ends an ignore."""
    if issue.status == Issue.Status.RESOLVED:
        if issue.resolved_in == "next_release":
            return {"inNextRelease": True}
        return {"inRelease": issue.resolved_release} if issue.resolved_in == "release" else {}
    if issue.status != Issue.Status.IGNORED:
        return {}
    details = {}
    if issue.ignore_until:
        details["ignoreUntil"] = when(issue.ignore_until)
    if issue.ignore_until_events is not None:
        details["ignoreCount"] = max(0, issue.ignore_until_events - issue.event_count)
    if issue.ignore_until_users is not None:
        details["ignoreUserCount"] = max(0, issue.ignore_until_users - issue.user_count)
    if issue.ignore_rate is not None:
        details.update(ignoreCount=issue.ignore_rate, ignoreWindow=60)
    return details


def event_json(event: Event, issue: Issue, data: dict | None) -> dict:
    """One event: its index fields, and with ``data`` (its stored JSON) Sentry's ``entries`` and the rest."""
    found = {
        "id": event.event_id, "eventID": event.event_id, "groupID": str(issue.pk),
        "projectID": str(issue.project_id), "dateCreated": when(event.timestamp), "title": issue.title,
        "message": event.message, "level": event.level, "environment": event.environment or None,
        "release": event.release or None, "transaction": event.transaction or None,
    }
    if data is None:
        return found
    tags = data.get("tags")
    pairs = tags.items() if isinstance(tags, dict) else tags if isinstance(tags, list) else ()
    found.update({
        "platform": data.get("platform"),
        "tags": [{"key": str(p[0]), "value": str(p[1])} for p in pairs if isinstance(p, list | tuple) and len(p) == 2],
        "user": data.get("user"), "contexts": data.get("contexts"), "sdk": data.get("sdk"),
        "fingerprints": [issue.fingerprint],
        "entries": entries(data),
    })
    return found


def entries(data: dict) -> list[dict]:
    """Sentry's ``entries``: the event's interfaces, each ``{"type", "data"}``."""
    found = []
    for kind, key in (("exception", "exception"), ("message", "logentry"), ("breadcrumbs", "breadcrumbs"),
                      ("request", "request"), ("threads", "threads")):
        value = data.get(key)
        if isinstance(value, list):
            value = {"values": value}
        if isinstance(value, dict):
            found.append({"type": kind, "data": value})
    if not any(entry["type"] == "message" for entry in found) and isinstance(data.get("message"), str):
        found.append({"type": "message", "data": {"formatted": data["message"]}})
    return found
