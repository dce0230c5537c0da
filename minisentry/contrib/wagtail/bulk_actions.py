"""Resolve, ignore, unresolve and delete from the issue list, through Wagtail's bulk-action framework
(checkboxes, the footer of action buttons, a confirmation page). Registered by ``hooks``."""

from copy import copy

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.views.bulk_action import BulkAction
from wagtail.admin.views.generic import PermissionCheckedMixin

from minisentry.browse.views import bad_ids
from minisentry.models import Issue
from minisentry.ops.deletion import delete_issues
from minisentry.triage import status
from minisentry.triage.conditions import StatusConditions

from .views import IssueIndexView, policy


class IssueBulkAction(PermissionCheckedMixin, BulkAction):
    """Acts on the checked issues, or with "select all in listing" on every issue the list's filters
    and search (passed along in the query string) select."""

    models = [Issue]
    permission_policy = policy
    permission_required = "change"
    template_name = "minisentry_wagtail/bulk_confirm.html"
    action_button_class = ""
    form_class = StatusConditions

    def get(self, request, *args, **kwargs):
        return self.refuse_bad_ids() or super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        return self.refuse_bad_ids() or super().post(request, *args, **kwargs)

    def refuse_bad_ids(self):
        return bad_ids([pk for pk in self.request.GET.getlist("id") if pk != "all"])

    def get_all_objects_in_listing_query(self, parent_id):
        """The issues the list shows for these filters and search, read by the list's own view."""
        listing = IssueIndexView()
        listing.setup(copy(self.request))  # its setup rewrites the query string (an is: term's status)
        return listing.get_queryset().values_list("pk", flat=True)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "action": self}

    def get_execution_context(self):
        """The acting user and the conditions chosen on the confirmation page (resolve, ignore)."""
        return {"user": self.request.user, **self.cleaned_form.action_kwargs(self.action_type)}

    @classmethod
    def execute_action(cls, objects, user=None, **conditions):
        issues = Issue.objects.filter(pk__in=[issue.pk for issue in objects])
        return status.ACTIONS[cls.action_type](issues, user, **conditions), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(n)d issue updated.", "%(n)d issues updated.", num_parent_objects) % {"n": num_parent_objects}


def status_action(action_type: str, name, aria_label, question, priority: int) -> type[IssueBulkAction]:
    """The bulk action ``action_type`` (resolve, ignore, unresolve: ``triage.status.ACTIONS``)."""
    return type(f"{action_type.title()}BulkAction", (IssueBulkAction,), {
        "display_name": name, "action_type": action_type, "aria_label": aria_label, "question": question,
        "action_priority": priority,
    })


STATUS_ACTIONS = [
    status_action("resolve", _("Resolve"), _("Resolve the selected issues"), _("Resolve these issues?"), 10),
    status_action("ignore", _("Ignore"), _("Ignore the selected issues"), _("Ignore these issues?"), 20),
    status_action("unresolve", _("Unresolve"), _("Unresolve the selected issues (also clears their regression mark)"),
                  _("Unresolve these issues? Their regression marks are cleared too."), 30),
]


class DeleteBulkAction(IssueBulkAction):
    display_name = _("Delete")
    action_type = "delete"
    aria_label = _("Delete the selected issues with their events")
    action_priority = 40
    permission_required = "delete"
    action_button_class = "serious"
    classes = {"serious"}
    question = _("Delete these issues? Their events are deleted too, rows and stored JSON. This cannot be undone.")

    @classmethod
    def execute_action(cls, objects, **kwargs):
        """Once Wagtail's transaction around the action commits: ``delete_issues`` deletes in chunks,
        each committed before its blobs go, which it cannot do inside a transaction."""
        ids = [issue.pk for issue in objects]
        transaction.on_commit(lambda: delete_issues(Issue.objects.filter(pk__in=ids)))
        return len(ids), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(n)d issue deleted.", "%(n)d issues deleted.", num_parent_objects) % {"n": num_parent_objects}


BULK_ACTIONS = [*STATUS_ACTIONS, DeleteBulkAction]
