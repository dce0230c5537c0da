"""The browse UI: issue list, issue and event pages, raw JSON, and the status actions. Staff only."""

from functools import wraps
from urllib.parse import urlencode, urlsplit

import orjson
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_deny
from django.views.decorators.http import require_POST, require_safe

from ..backends import BlobMissing, InvalidBackendError
from ..models import DEFAULT_PROJECT, Event, Issue, Level
from ..ops.deletion import delete_issues
from ..processing.legacy import modernize
from ..triage import status
from ..triage.conditions import StatusConditions, describe
from . import frequency, queries, raw_json, search, site_pages, site_users
from .activity import (
    activity_context,
    assignee_choices,
    filter_assigned,
    with_assignees,
)
from .event_list import events_context
from .frames import DJANGO_ADMIN, Frame
from .interfaces import frame_order, present_event, remember_frame_order
from .merged import follow_merged

VIEW, CHANGE, DELETE = "minisentry.view_issue", "minisentry.change_issue", "minisentry.delete_issue"
MAX_ID = 2**63 - 1  # the largest id a 64-bit key column holds
ISSUES_PER_PAGE = 50
SORT_LABELS = [("last_seen", _lazy("Last seen")), ("first_seen", _lazy("First seen")), ("count", _lazy("Events")),
               ("users", _lazy("Users"))]


def staff_view(permission: str):
    """Let through active staff users holding ``permission``; send anonymous users to the admin login."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("admin:login"))
            if not (user.is_active and user.is_staff and user.has_perm(permission)):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.minisentry_permission = permission
        return wrapper

    return decorator


def content_security_policy() -> str:
    """Scripts and styles only from files (ours and the admin's; STATIC_URL's host too, if it has one),
    no inline style or script, no framing, forms posting back here only."""
    sources = "'self'"
    static = urlsplit(settings.STATIC_URL or "")
    if static.netloc:
        sources += f" {static.scheme + '://' if static.scheme else ''}{static.netloc}"
    return (
        f"default-src {sources}; img-src {sources} data:; style-src {sources}; "
        f"script-src {sources}; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )


def protected(view):
    """A page never cached (staff-only data), never framed, with ``content_security_policy``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Content-Security-Policy"] = content_security_policy()
        return response

    return never_cache(xframe_options_deny(wrapper))


def page_context(request, title: str, **context) -> dict:
    """The admin's context (site header, user tools, theme) plus the page's own."""
    return {
        **admin.site.each_context(request),
        "is_nav_sidebar_enabled": False,
        "title": title,
        "frame": DJANGO_ADMIN,
        "can_change": request.user.has_perm(CHANGE),
        "can_delete": request.user.has_perm(DELETE),
        **context,
    }


@protected
@require_safe
@staff_view(VIEW)
def issue_list(request):
    status.wake_expired()
    params = queries.without_nuls(request.GET).copy()
    filters = queries.IssueFilter.from_params(params)
    if event_id := queries.searched_event(filters.search):
        return redirect(DJANGO_ADMIN.url("event_detail", event_id))
    spark = frequency.spark_range(params)
    notices = filters.notices
    try:
        with queries.time_limit():
            issues = filter_assigned(filters.queryset(request.user), params.get("assigned", ""), request.user)
            page = Paginator(issues, ISSUES_PER_PAGE).get_page(params.get("page"))
            issues = with_assignees(queries.with_sparklines(page.object_list, spark))
    except queries.ListTimeout:
        page, issues = Paginator(Issue.objects.none(), ISSUES_PER_PAGE).get_page(1), []
        notices = [*notices, queries.TIMEOUT_NOTICE]
    detail_url = DJANGO_ADMIN.url_maker("issue_detail")
    for issue in issues:
        issue.url = detail_url(issue.pk)
    here = f"{request.path}?{params.urlencode()}" if params else request.path  # without NULs
    params.pop("page", None)
    return render(request, "minisentry/issue_list.html", page_context(
        request, _("Issues"), filters=filters, notices=notices, page=page, issues=issues, params=params.urlencode(),
        search_hint=search.HINT,
        here=here, spark=spark, spark_ranges=frequency.SPARK_RANGES,
        statuses=queries.STATUSES, levels=Level.values, sorts=SORT_LABELS,
        environments=queries.filter_choices("environment"), releases=queries.filter_choices("release"),
        projects=queries.project_choices(),
        assigned=params.get("assigned", ""), assignee_choices=assignee_choices(request),
    ))


def event_context(issue: Issue, event: Event | None, order: str = "recent", viewer=None, user_url=None) -> dict:
    """What an issue's page shows of ``event`` (its latest, or the one asked for), in either frame;
    ``order`` of frames: ``recent`` (most recent call first) or ``oldest``. For ``viewer``, the
    site's user the event names (linked by the frame's ``user_url``) and the Wagtail page it hit."""
    data, missing, (neighbours, position) = None, False, queries.event_navigation(event) if event else ({}, {})
    user = page = None
    if event is not None:
        try:
            raw = event.load()
        except (BlobMissing, InvalidBackendError):
            missing = True
        else:
            data = present_event(raw, order)
            modern = modernize(raw)
            # another project's ids are its own service's users, not this site's
            user = site_users.site_user(modern, user_url) if issue.project.slug == DEFAULT_PROJECT else None
            page = site_pages.served_page(modern, issue.first_seen, viewer) if viewer is not None else None
    return {
        "issue": issue, "event": event, "data": data, "blob_missing": missing,
        "neighbours": neighbours, "position": position, "site_user": user, "site_page": page,
        "tag_distribution": queries.tag_distribution(issue),
        "charts": frequency.issue_charts(issue.pk), "condition": describe(issue),
        "project": issue.project if queries.several_projects() else None,
    }


def render_event(request, issue: Issue, event: Event | None):
    context = page_context(request, issue.title, **event_context(
        issue, event, frame_order(request), request.user, site_users.admin_url_maker(request.user),
    ), **activity_context(request, issue, DJANGO_ADMIN))
    return remember_frame_order(request, render(request, "minisentry/issue_detail.html", context))


@protected
@require_safe
@staff_view(VIEW)
@follow_merged(DJANGO_ADMIN, "issue_detail")
def issue_detail(request, pk: int):
    status.wake_expired()
    issue = get_object_or_404(Issue.objects.select_related("project"), pk=pk)
    return render_event(request, issue, queries.latest_event(issue))


@protected
@require_safe
@staff_view(VIEW)
def event_detail(request, event_id: str):
    event = get_object_or_404(Event.objects.select_related("issue__project"), event_id=event_id)
    return render_event(request, event.issue, event)


def event_json_response(event_id: str) -> HttpResponse:
    """The stored event as a JSON download; 404 when it is unknown or its blob is gone."""
    event = get_object_or_404(Event, event_id=event_id)
    try:
        data = event.load()
    except (BlobMissing, InvalidBackendError):
        raise Http404(_("The event's JSON is no longer stored.")) from None
    response = HttpResponse(orjson.dumps(data, option=orjson.OPT_INDENT_2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{event.event_id}.json"'
    return response


@protected
@require_safe
@staff_view(VIEW)
def event_json(request, event_id: str):
    return event_json_response(event_id)


def raw_context(event: Event) -> dict:
    """What the raw JSON page of ``event`` shows, in either frame."""
    try:
        shown, left_out = raw_json.sections(event.load())
    except (BlobMissing, InvalidBackendError):
        return {"issue": event.issue, "event": event, "blob_missing": True}
    return {"issue": event.issue, "event": event, "sections": shown, "sections_left_out": left_out}


@protected
@require_safe
@staff_view(VIEW)
def event_raw(request, event_id: str):
    event = get_object_or_404(Event.objects.select_related("issue"), event_id=event_id)
    return render(request, "minisentry/event_raw.html", page_context(
        request, _("JSON of event %(id)s") % {"id": event.event_id}, **raw_context(event),
    ))


@protected
@require_safe
@staff_view(VIEW)
@follow_merged(DJANGO_ADMIN, "issue_events")
def issue_events(request, pk: int):
    issue = get_object_or_404(Issue, pk=pk)
    return render(request, "minisentry/issue_events.html", page_context(
        request, _("Events of %(title)s") % {"title": issue.title}, issue=issue,
        **events_context(issue, queries.without_nuls(request.GET)),
    ))


def back_url(request, frame: Frame, list_only: bool = False) -> str:
    """The page the action came from (``next``), if it is ours to go to; else the frame's issue list."""
    target, issue_list = request.POST.get("next", ""), frame.url("issue_list")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return issue_list
    if list_only:
        try:
            if resolve(urlsplit(target).path).view_name != f"{frame.namespace}:issue_list":
                return issue_list
        except Resolver404:
            return issue_list
    return target


def is_issue_id(value: str) -> bool:
    """ASCII digits naming a 64-bit key (up to ``MAX_ID``)."""
    return value.isascii() and value.isdigit() and len(value) < 20 and int(value) <= MAX_ID


def bad_ids(values) -> HttpResponseBadRequest | None:
    """A 400 naming the first of ``values`` that is not an issue id."""
    for value in values:
        if not is_issue_id(value):
            message = _("Not an issue id: %(value)s") % {"value": value[:40]}
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    return None


def act_on_issues(request, frame: Frame, notify, confirm_delete):
    """Resolve, ignore, unresolve or (after the page ``confirm_delete(context)``) delete the selected
    issues; ``notify`` is the frame's messages module. The caller checked the change permission."""
    action, ids = request.POST.get("action"), request.POST.getlist("issue")
    if refusal := bad_ids(ids):
        return refusal
    issues = Issue.objects.filter(pk__in=ids)
    if action not in (*status.ACTIONS, "delete", "merge") or not ids:
        notify.warning(request, _("Select issues and an action."))
        return redirect(back_url(request, frame))
    if action == "merge":  # its confirmation page (browse.merge_views)
        query = urlencode({"issue": ids, "next": back_url(request, frame)}, doseq=True)
        return redirect(f"{frame.url('issue_merge')}?{query}")
    if action != "delete":
        conditions = StatusConditions(request.POST)
        if not conditions.is_valid():
            notify.error(request, conditions.error_text())
            return redirect(back_url(request, frame))
        done = status.ACTIONS[action](issues, request.user, **conditions.action_kwargs(action))
        notify.success(request, ngettext("%(n)d issue updated.", "%(n)d issues updated.", done) % {"n": done})
        return redirect(back_url(request, frame))
    if not request.user.has_perm(DELETE):
        raise PermissionDenied
    if request.POST.get("confirm") != "yes":
        return confirm_delete({
            "issues": issues.order_by("-last_seen")[:100], "ids": ids, "next": request.POST.get("next", ""),
        })
    done = delete_issues(issues)
    notify.success(request, ngettext("%(n)d issue deleted.", "%(n)d issues deleted.", done) % {"n": done})
    return redirect(back_url(request, frame, list_only=True))


@protected
@require_POST
@staff_view(CHANGE)
def issue_action(request):
    def confirm_delete(context):
        return render(request, "minisentry/confirm_delete.html", page_context(request, _("Delete issues?"), **context))

    return act_on_issues(request, DJANGO_ADMIN, messages, confirm_delete)
