"""What an issue's page shows of its triage, in either frame: the assignee and the users it may
be given to, the history (``triage.history``) with each entry described, and the issue list's
assignee column and filter."""

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext as _

from ..models import Activity, Issue
from ..triage import notes
from ..triage.assign import assignable_users, user_label
from ..triage.history import before_param, history
from .frames import Frame

MAX_CHOICES = 500  # users the assignee menu lists (the current assignee is always among them)


def activity_context(request, issue: Issue, frame: Frame) -> dict:
    """The issue page's assignee menu and history (``activity_before``: the page of older entries)."""
    shown = history(issue, before_param(request.GET.get("activity_before", "")))
    for entry in shown.entries:
        entry.description = describe(entry, frame)
        entry.editable = entry.kind == Activity.Kind.NOTE and notes.may_edit(entry, request.user)
    return {
        "history": shown, "assignee_label": user_label(issue.assignee),
        "assignee_choices": assignee_choices(request, issue.assignee),
        "note_max_length": notes.MAX_LENGTH,
    }


def assignee_choices(request, current=None) -> list[tuple[int, str]]:
    """``(id, name)`` of the users an issue may be assigned to (with ``current``, the assignee),
    for a user with the change permission; else none."""
    if not request.user.has_perm(notes.CHANGE):
        return []
    users = list(assignable_users()[:MAX_CHOICES])
    if current is not None and current not in users:
        users.append(current)
    return [(user.pk, user_label(user)) for user in users]


def describe(entry: Activity, frame: Frame) -> str:
    """One line saying what the entry records (safe HTML; every value escaped)."""
    data, who = entry.data if isinstance(entry.data, dict) else {}, user_label(entry.user) or _("minisentry")
    kind = entry.kind
    if kind == Activity.Kind.ASSIGNED:
        if data.get("assignee") is None:
            return format_html(_("{who} unassigned the issue"), who=who)
        return format_html(_("{who} assigned the issue to {name}"), who=who, name=data.get("name", ""))
    if kind == Activity.Kind.REGRESSED:
        event_id, release = str(data.get("event_id", "")), str(data.get("release", ""))
        event = format_html('<a href="{}">{}</a>', frame.url("event_detail", event_id), event_id[:8]) if (
            len(event_id) == 32 and event_id.isalnum()) else _("an event")
        if release:
            return format_html(_("Regressed: {event} (release {release}) came after it was resolved"),
                               event=event, release=release)
        return format_html(_("Regressed: {event} came after it was resolved"), event=event)
    if kind == Activity.Kind.NOTE:
        return format_html(_("{who} added a note"), who=who)
    verbs = {
        Activity.Kind.RESOLVED: _("{who} resolved the issue"),
        Activity.Kind.UNRESOLVED: _("{who} unresolved the issue"),
        Activity.Kind.IGNORED: _("{who} ignored the issue"),
        Activity.Kind.CAME_BACK: _("The issue came back"),
        Activity.Kind.MERGED: _("{who} merged issues into this one"),
        Activity.Kind.UNMERGED: _("{who} split events off this issue"),
    }
    line = format_html(verbs.get(kind, _("{who}: {kind}")), who=who, kind=kind)
    if detail := condition(data):
        line = format_html("{}: {}", line, detail)
    return line


def condition(data: dict) -> str:
    """The entry's condition or reason, as its writer put it (``reason``, else ``condition``), if any."""
    for key in ("reason", "condition", "description"):
        if isinstance(data.get(key), str) and data[key]:
            return data[key]
    return ""


def with_assignees(issues: list[Issue]) -> list[Issue]:
    """Set ``assignee_label`` on each issue of a list page, reading the users in one query."""
    ids = {issue.assignee_id for issue in issues if issue.assignee_id is not None}
    users = get_user_model()._default_manager.in_bulk(ids) if ids else {}
    for issue in issues:
        issue.assignee_label = user_label(users.get(issue.assignee_id))
    return issues


def filter_assigned(issues: QuerySet, value: str, user) -> QuerySet:
    """The issue list's ``assigned`` filter: ``me``, ``none`` (unassigned) or ``anyone``; else all."""
    if value == "me":
        return issues.filter(assignee_id=user.pk)
    if value == "none":
        return issues.filter(assignee__isnull=True)
    if value == "anyone":
        return issues.filter(assignee__isnull=False)
    return issues
