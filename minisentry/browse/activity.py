"""What an issue's page shows of its triage, in either frame: the assignee and the users it may
be given to, the history (``triage.history``) with each entry described, and the issue list's
assignee column and filter."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
    if kind in (Activity.Kind.MERGED, Activity.Kind.UNMERGED):
        return regrouped(entry, data, who, frame)
    verbs = {
        Activity.Kind.RESOLVED: _("{who} resolved the issue"),
        Activity.Kind.UNRESOLVED: _("{who} unresolved the issue"),
        Activity.Kind.IGNORED: _("{who} ignored the issue"),
        Activity.Kind.CAME_BACK: _("The issue came back"),
    }
    line = format_html(verbs.get(kind, _("{who}: {kind}")), who=who, kind=kind)
    if detail := condition(kind, data):
        line = format_html("{}: {}" if kind == Activity.Kind.CAME_BACK else "{} {}", line, detail)
    return line


def condition(kind: str, data: dict) -> str:
    """The condition of a resolve or an ignore, or why an ignored issue came back, in words."""
    if kind == Activity.Kind.RESOLVED:
        if data.get("in") == "next_release":
            return _("in the next release (after %(release)s)") % {"release": data.get("release", "")}
        if data.get("in") == "release":
            return _("in release %(release)s") % {"release": data.get("release", "")}
        return ""
    if kind == Activity.Kind.IGNORED:
        parts = [_("until %(when)s") % {"when": when(data["until"])}] if data.get("until") else []
        parts += [text % {"n": data[key]} for key, text in (
            ("events", _("until %(n)s more events")), ("users", _("until %(n)s more users")),
            ("rate", _("until more than %(n)s events in an hour"))) if data.get(key) is not None]
        return _(" or ").join(parts) or _("forever")
    if kind == Activity.Kind.CAME_BACK:
        reasons = {
            "until": _("its ignore period ended (%(until)s)"), "events": _("it reached %(count)s events"),
            "users": _("it reached %(count)s users"),
            "rate": _("more than %(rate)s events in an hour (%(last_hour)s)"),
        }
        reason = reasons.get(data.get("reason"))
        values = {**data, "until": when(data.get("until", ""))}
        return reason % values if reason else ""
    return ""


def regrouped(entry: Activity, data: dict, who: str, frame: Frame) -> str:
    """A merge (issues moved into this one) or an unmerge (grouping hashes moved to a new issue)."""
    if entry.kind == Activity.Kind.MERGED:
        titles = ", ".join(str(t) for t in data.get("titles", []))
        n = len(data.get("issues", []))
        return format_html(ngettext("{who} merged {n} issue into this one: {titles}",
                                    "{who} merged {n} issues into this one: {titles}", n), who=who, n=n, titles=titles)
    events = data.get("events", 0)
    for key, text in (("to", ngettext("{who} moved {n} event to {issue}", "{who} moved {n} events to {issue}", events)),
                      ("from", ngettext("{who} split this issue off {issue} with {n} event",
                                        "{who} split this issue off {issue} with {n} events", events))):
        if isinstance(data.get(key), int):
            link = format_html('<a href="{}">{}</a>', frame.url("issue_detail", data[key]),
                               _("issue %(id)s") % {"id": data[key]})
            return format_html(text, who=who, n=events, issue=link)
    return format_html(_("{who} unmerged the issue"), who=who)


def when(value: str) -> str:
    """An ISO date as the pages show exact times (local, to the minute)."""
    try:
        return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")
    except (TypeError, ValueError):
        return str(value)


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
