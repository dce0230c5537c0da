"""Writing an issue's activity: the one function the writer (an issue regressed or came back) and the
triage actions share."""

from collections.abc import Iterable

from django.utils import timezone

from ..models import Activity


def add_activity(using: str, entries: Iterable[tuple[int, str, dict]], user=None) -> None:
    """One ``Activity`` row per ``(issue id, kind, data)``, by ``user`` (None: minisentry itself)."""
    now = timezone.now()
    Activity.objects.using(using).bulk_create(
        Activity(issue_id=issue_id, kind=kind, data=data, user=user, created=now) for issue_id, kind, data in entries
    )
