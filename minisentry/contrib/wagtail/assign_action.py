"""Assign from the issue list: a bulk action whose confirmation page asks to whom (anyone who may
view issues, or nobody). Registered by ``hooks``."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from minisentry.models import Issue
from minisentry.triage import assign

from .bulk_actions import IssueBulkAction


class AssigneeField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return assign.user_label(obj)


class AssignForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = AssigneeField(
            assign.assignable_users(), required=False, label=_("Assign to"), empty_label=_("nobody"),
        )


class AssignBulkAction(IssueBulkAction):
    display_name = _("Assign")
    action_type = "assign"
    aria_label = _("Assign the selected issues")
    question = _("Assign these issues?")
    action_priority = 35
    form_class = AssignForm
    template_name = "minisentry_wagtail/bulk_assign.html"

    def get_execution_context(self):
        return {"assignee": self.cleaned_form.cleaned_data["assignee"], "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, assignee=None, user=None, **kwargs):
        return assign.assign(Issue.objects.filter(pk__in=[issue.pk for issue in objects]), assignee, user), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext("%(n)d issue updated.", "%(n)d issues updated.", num_parent_objects) % {"n": num_parent_objects}
