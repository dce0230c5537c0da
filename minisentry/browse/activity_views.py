"""Assigning and notes, POSTed from an issue's page or the issue list: the handlers both frames
call, and the Django-admin UI's views around them. Assigning and adding a note need the change
permission; a note is edited or deleted by its author or a user with the change permission."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from ..models import Issue
from ..triage import assign, notes
from .frames import DJANGO_ADMIN, Frame
from .views import CHANGE, VIEW, back_url, bad_ids, protected, staff_view


def issue_page(request, frame: Frame, pk: int) -> str:
    """Where an action on one issue returns: ``next`` if it is ours, else the issue's page; at its history."""
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = frame.url("issue_detail", pk)
    return target.split("#")[0] + "#activity"


def chosen_assignee(request):
    """The ``assignee`` POSTed (a user id, empty to unassign); 404 for anyone not assignable."""
    try:
        return assign.assignee_from(request.POST.get("assignee", ""))
    except ValueError:
        raise Http404(_("No such user may be assigned.")) from None


def assign_issue(request, frame: Frame, notify, pk: int):
    issue = get_object_or_404(Issue, pk=pk)
    assignee = chosen_assignee(request)
    if assign.assign(Issue.objects.filter(pk=issue.pk), assignee, request.user):
        notify.success(request, _("Assigned to %(name)s.") % {"name": assign.user_label(assignee)} if assignee
                       else _("Unassigned."))
    return redirect(issue_page(request, frame, pk))


def assign_issues(request, frame: Frame, notify):
    """The issue list's bulk assignment of the checked ``issue`` ids."""
    ids = request.POST.getlist("issue")
    if refusal := bad_ids(ids):
        return refusal
    if not ids:
        notify.warning(request, _("Select issues and an action."))
        return redirect(back_url(request, frame))
    done = assign.assign(Issue.objects.filter(pk__in=ids), chosen_assignee(request), request.user)
    notify.success(request, ngettext("%(n)d issue updated.", "%(n)d issues updated.", done) % {"n": done})
    return redirect(back_url(request, frame))


def add_note(request, frame: Frame, notify, pk: int):
    issue = get_object_or_404(Issue, pk=pk)
    try:
        notes.add(issue, request.user, request.POST.get("text", ""))
    except notes.NoteError as error:
        notify.error(request, str(error))
    return redirect(issue_page(request, frame, pk))


def change_note(request, frame: Frame, notify, pk: int, note_id: int):
    """Edit the note (``text``) or, with ``delete``, delete it; 403 unless the user may."""
    note = notes.get(pk, note_id)
    if note is None:
        raise Http404(_("No such note."))
    if not notes.may_edit(note, request.user):
        raise PermissionDenied
    if request.POST.get("delete"):
        note.delete()
        notify.success(request, _("Note deleted."))
    else:
        try:
            notes.edit(note, request.POST.get("text", ""))
        except notes.NoteError as error:
            notify.error(request, str(error))
    return redirect(issue_page(request, frame, pk))


@protected
@require_POST
@staff_view(CHANGE)
def issue_assign(request, pk: int):
    return assign_issue(request, DJANGO_ADMIN, messages, pk)


@protected
@require_POST
@staff_view(CHANGE)
def issues_assign(request):
    return assign_issues(request, DJANGO_ADMIN, messages)


@protected
@require_POST
@staff_view(CHANGE)
def note_add(request, pk: int):
    return add_note(request, DJANGO_ADMIN, messages, pk)


@protected
@require_POST
@staff_view(VIEW)
def note_change(request, pk: int, note_id: int):
    return change_note(request, DJANGO_ADMIN, messages, pk, note_id)
