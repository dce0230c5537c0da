"""Bulk and single changes (``PUT``): status with Sentry's conditions, assignee, merge."""

import orjson
from django.http import HttpResponse

from ..models import Issue
from .responses import answer, error

STATUSES = {"resolved": Issue.Status.RESOLVED, "unresolved": Issue.Status.UNRESOLVED,
            "muted": Issue.Status.IGNORED, "ignored": Issue.Status.IGNORED}


def respond(request, issues) -> HttpResponse:
    try:
        body = orjson.loads(request.body or b"{}")
    except orjson.JSONDecodeError:
        return error("The body is not JSON.", 400)
    if not isinstance(body, dict):
        return error("The body must be a JSON object.", 400)
    status = body.get("status")
    if status is not None and status not in STATUSES:
        return error(f"Invalid status: {str(status)[:40]}", 400)
    if status:
        issues.update(status=STATUSES[status])
    return answer({"status": status} if status else {})
