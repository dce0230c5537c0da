"""Merging issues (the list's Merge action leads to its confirmation page) and unmerging grouping
hashes (an issue's Hashes page), in either frame; the work is ``triage.merge``'s."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..models import Issue
from ..triage.hashes import hash_summaries, unhashed_events
from ..triage.merge import MAX_MERGE, MergeRefused, merge, survivor, unmerge
from .frames import DJANGO_ADMIN, Frame
from .merged import follow_merged
from .views import CHANGE, VIEW, back_url, bad_ids, page_context, protected, staff_view


def merge_page(request, frame: Frame, notify, render_page):
    """GET: the selected issues (``issue`` ids) and the one they would merge into; POST: merge
    them and go to it. ``render_page(context)`` renders the frame's page; the caller checked the
    change permission."""
    ids = request.POST.getlist("issue") if request.method == "POST" else request.GET.getlist("issue")
    if refusal := bad_ids(ids):
        return refusal
    issues = list(Issue.objects.filter(pk__in=ids).order_by("-event_count", "-pk")[:MAX_MERGE + 1])
    try:
        if len(issues) < 2:
            raise MergeRefused(_("Select at least two issues to merge."))
        if len({issue.project_id for issue in issues}) > 1:
            raise MergeRefused(_("Only issues of one project can be merged."))
        if request.method == "POST":
            target = merge(issues, request.user)
            notify.success(request, _("%(n)d issues merged into this one.") % {"n": len(issues)})
            return redirect(frame.url("issue_detail", target.pk))
    except MergeRefused as refusal:
        notify.error(request, str(refusal))
        return redirect(back_url(request, frame))
    return render_page({"issues": issues, "survivor": survivor(issues), "ids": [i.pk for i in issues],
                        "next": request.GET.get("next", "")})


def hashes_page(request, frame: Frame, notify, pk: int, render_page):
    """GET: the issue's grouping hashes, each with its events; POST (the change permission):
    unmerge the chosen ``hash`` values into a new issue and go to it."""
    issue = get_object_or_404(Issue, pk=pk)
    if request.method == "POST":
        if not request.user.has_perm(CHANGE):
            raise PermissionDenied
        try:
            new = unmerge(issue, request.POST.getlist("hash"), request.user)
        except MergeRefused as refusal:
            notify.error(request, str(refusal))
            return redirect(frame.url("issue_hashes", issue.pk))
        notify.success(request, _("%(n)d events moved to this new issue.") % {"n": new.event_count})
        return redirect(frame.url("issue_detail", new.pk))
    summaries = hash_summaries(issue)
    return render_page(issue, {"hashes": summaries, "unhashed": unhashed_events(issue),
                               "can_unmerge": len(summaries) > 1})


@protected
@require_http_methods(["GET", "HEAD", "POST"])
@staff_view(CHANGE)
def issue_merge(request):
    def render_page(context):
        return render(request, "minisentry/issue_merge.html", page_context(request, _("Merge issues?"), **context))

    return merge_page(request, DJANGO_ADMIN, messages, render_page)


@protected
@require_http_methods(["GET", "HEAD", "POST"])
@staff_view(VIEW)
@follow_merged(DJANGO_ADMIN, "issue_hashes")
def issue_hashes(request, pk: int):
    def render_page(issue, context):
        title = _("Grouping hashes of %(title)s") % {"title": issue.title}
        return render(request, "minisentry/issue_hashes.html", page_context(request, title, issue=issue, **context))

    return hashes_page(request, DJANGO_ADMIN, messages, pk, render_page)
