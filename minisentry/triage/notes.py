"""Notes on issues: plain text, kept as ``Activity`` rows of kind ``note``.

Who may do what (the pages check it, both frames): reading needs ``minisentry.view_issue``, adding
``minisentry.change_issue``; a note is edited or deleted by its author or by a user with
``change_issue``. ``note_added`` is sent once the note commits."""

from django.db import router, transaction
from django.utils import timezone

from ..models import Activity, Issue
from ..signals import note_added

CHANGE = "minisentry.change_issue"
MAX_LENGTH = 10_000  # characters of a note


class NoteError(ValueError):
    """The text is empty or too long; ``str()`` says which."""


def clean(text: str) -> str:
    """The note's text, stripped, with one kind of line break; raises :class:`NoteError`."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "").strip()
    if not text:
        raise NoteError("A note needs some text.")
    if len(text) > MAX_LENGTH:
        raise NoteError(f"A note holds at most {MAX_LENGTH:,} characters.")
    return text


def may_edit(note: Activity, user) -> bool:
    """Whether ``user`` may edit or delete ``note``: its author, or a user with the change permission."""
    return user.is_authenticated and (note.user_id == user.pk or user.has_perm(CHANGE))


def add(issue: Issue, user, text: str) -> Activity:
    """Add a note to ``issue`` as ``user``; raises :class:`NoteError` for an empty or too long text."""
    text, using = clean(text), router.db_for_write(Activity)
    with transaction.atomic(using=using):
        note = Activity.objects.using(using).create(issue=issue, kind=Activity.Kind.NOTE, user=user, text=text)
        transaction.on_commit(
            lambda: note_added.send_robust(Issue, issue_id=issue.pk, user=user, activity_id=note.pk), using=using
        )
    return note


def edit(note: Activity, text: str) -> None:
    """Replace the note's text, stamping ``edited``; raises :class:`NoteError`."""
    note.text, note.edited = clean(text), timezone.now()
    note.save(update_fields=["text", "edited"])


def get(issue_id: int, note_id: int) -> Activity | None:
    """The note ``note_id`` of the issue, or None."""
    return Activity.objects.filter(pk=note_id, issue_id=issue_id, kind=Activity.Kind.NOTE).first()
