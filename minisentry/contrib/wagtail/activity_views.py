"""Assigning and notes in Wagtail's frame: the Django-admin UI's handlers (``browse.activity_views``)
behind Wagtail's permission checks and messages."""

from django.views import View
from wagtail.admin import messages

from minisentry.browse import activity_views

from .views import FRAME, Guarded


class IssueAssignView(Guarded, View):
    permission_required = "change"

    def post(self, request, pk: int):
        return activity_views.assign_issue(request, FRAME, messages, pk)


class NoteAddView(Guarded, View):
    permission_required = "change"

    def post(self, request, pk: int):
        return activity_views.add_note(request, FRAME, messages, pk)


class NoteChangeView(Guarded, View):
    """Edit or delete a note: its author, or a user with the change permission (checked by the handler)."""

    def post(self, request, pk: int, note_id: int):
        return activity_views.change_note(request, FRAME, messages, pk, note_id)
