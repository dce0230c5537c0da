"""Bulk and single changes (``PUT``) as Sentry's API takes them: ``status`` with its
``statusDetails`` and ``snoozeDuration``, ``assignedTo`` and ``merge``, through the same triage
actions as the pages (activity, signals)."""

from datetime import timedelta

import orjson
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ..triage import status as statuses
from ..triage.assign import assign, assignable_users
from ..triage.merge import MergeRefused, merge
from .responses import answer, error

MAX_COUNT = 10**9  # of an ignore condition's count or minutes


class BadChange(ValueError):
    pass


def whole(details: dict, key: str) -> int | None:
    value = details.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_COUNT:
        raise BadChange(f"{key} must be a whole number from 1 to {MAX_COUNT}.")
    return value


def ignore_conditions(body: dict, details: dict) -> dict:
    """``ignore()``'s keyword arguments from Sentry's ``snoozeDuration`` / ``ignoreDuration``
    (minutes), ``ignoreUntil``, ``ignoreCount`` (with ``ignoreWindow``: a rate per hour) and
    ``ignoreUserCount``."""
    minutes = whole(body, "snoozeDuration") or whole(details, "ignoreDuration")
    until = timezone.now() + timedelta(minutes=minutes) if minutes else None
    if isinstance(details.get("ignoreUntil"), str):
        until = parse_datetime(details["ignoreUntil"])
        if until is None or until.tzinfo is None:
            raise BadChange("ignoreUntil must be an ISO 8601 time with its offset.")
    count = whole(details, "ignoreCount")
    window = whole(details, "ignoreWindow")
    return {"until": until, "events": None if window else count, "rate": count if window else None,
            "users": whole(details, "ignoreUserCount")}


def change_status(issues, body: dict, user) -> dict:
    status, details = body["status"], body.get("statusDetails") or {}
    if not isinstance(details, dict):
        raise BadChange("statusDetails must be an object.")
    if status in ("resolved", "resolvedInNextRelease"):
        release = details.get("inRelease")
        if release is not None and (not isinstance(release, str) or not release or len(release) > 200):
            raise BadChange("inRelease must name a release.")
        in_next = status == "resolvedInNextRelease" or details.get("inNextRelease") is True
        statuses.resolve(issues, user, in_release=statuses.NEXT if in_next else release)
    elif status in ("ignored", "muted"):
        statuses.ignore(issues, user, **ignore_conditions(body, details))
    elif status == "unresolved":
        statuses.unresolve(issues, user)
    else:
        raise BadChange(f"Invalid status: {str(status)[:40]}")
    return {"status": "ignored" if status == "muted" else status, "statusDetails": details}


def assignee_of(value):
    """The user ``assignedTo`` names (``username``, ``user:ID`` or an e-mail address); None to unassign."""
    if value in (None, ""):
        return None
    if not isinstance(value, str) or len(value) > 254:
        raise BadChange("assignedTo must name a user.")
    users = assignable_users()
    field = get_user_model().USERNAME_FIELD
    if value.startswith("user:") and value[5:].isdigit() and len(value) < 25:
        found = users.filter(pk=int(value[5:])).first()
    else:
        found = users.filter(**{field: value}).first() or (users.filter(email__iexact=value).first()
                                                           if "@" in value else None)
    if found is None:
        raise BadChange(f"No user who may view issues is named {value[:60]!r}.")
    return found


def respond(request, issues) -> HttpResponse:
    """Apply the body's changes to ``issues`` (a queryset, already bounded); Sentry's answer."""
    try:
        body = orjson.loads(request.body or b"{}")
    except orjson.JSONDecodeError:
        return error("The body is not JSON.", 400)
    if not isinstance(body, dict):
        return error("The body must be a JSON object.", 400)
    result = {}
    try:
        if "assignedTo" in body:
            assignee = assignee_of(body["assignedTo"])
            assign(issues, assignee, request.user)
            result["assignedTo"] = None if assignee is None else {"type": "user", "id": str(assignee.pk)}
        if body.get("status"):
            result.update(change_status(issues, body, request.user))
        if body.get("merge"):
            chosen = list(issues.order_by("pk"))
            if len(chosen) < 2:
                raise BadChange("Select at least two issues to merge.")
            parent = merge(chosen, request.user)
            result["merge"] = {"parent": str(parent.pk), "children": [str(i.pk) for i in chosen if i.pk != parent.pk]}
    except (BadChange, MergeRefused) as exc:
        return error(str(exc), 400)
    return answer(result)
