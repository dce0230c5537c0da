"""Merging and unmerging in the Wagtail admin: the issue list's Merge bulk action, the merge page
the issue actions lead to, and an issue's Grouping hashes page (``browse.merge_views`` does the work)."""

from django.shortcuts import redirect
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from wagtail.admin import messages

from minisentry.browse.merge_views import hashes_page, merge_page
from minisentry.browse.merged import follow_merged
from minisentry.models import Issue
from minisentry.triage.merge import MergeRefused, merge, survivor

from .bulk_actions import IssueBulkAction
from .views import FRAME, ErrorsPage, IssuePage


class MergeBulkAction(IssueBulkAction):
    display_name = gettext_lazy("Merge")
    action_type = "merge"
    aria_label = gettext_lazy("Merge the selected issues into one")
    action_priority = 35
    template_name = "minisentry_wagtail/merge_confirm.html"
    question = gettext_lazy("Merge these issues into one?")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        issues = [entry["item"] for entry in context["items"]]
        return {**context, "survivor": survivor(issues) if issues else None}

    def form_valid(self, form):
        """Merges outside Wagtail's transaction around actions: ``merge`` takes its own write transaction."""
        issues, _unused = self.get_actionable_objects()
        try:
            target = merge(issues, self.request.user)
        except MergeRefused as refusal:
            messages.error(self.request, str(refusal))
            return redirect(self.next_url)
        messages.success(self.request, _("%(n)d issues merged into this one.") % {"n": len(issues)})
        return redirect("minisentry_wagtail:issue_detail", target.pk)


class IssueMergeView(ErrorsPage, View):
    """The merge page the issue actions (``act_on_issues``) lead to, as in the Django-admin UI."""

    permission_required = "change"
    template_name = "minisentry_wagtail/issue_merge.html"
    page_title = gettext_lazy("Merge issues?")
    header_icon = "warning"

    def get(self, request):
        return merge_page(request, FRAME, messages, self.render_page)

    post = get

    def render_page(self, context):
        return self.render_to_response(self.get_context_data(**context))


class IssueHashesView(IssuePage):
    template_name = "minisentry_wagtail/issue_hashes.html"

    def get_page_title(self):
        return _("Grouping hashes")

    @method_decorator(follow_merged(FRAME, "issue_hashes"))
    def get(self, request, pk: int):
        return hashes_page(request, FRAME, messages, pk, self.render_page)

    post = get

    def render_page(self, issue: Issue, context):
        self.issue = issue
        return self.render_to_response(self.get_context_data(**context))
