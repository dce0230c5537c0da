"""An issue's history as its page shows it: activity rows newest first, a page at a time, ending
with "first seen" (from the issue itself: no row)."""

from dataclasses import dataclass

from ..models import Activity, Issue

PAGE = 50  # entries a page shows


@dataclass
class History:
    entries: list[Activity]
    older: int | None  # id to pass as ``before`` for the next page, if there is one
    first_seen: bool  # whether this page reaches the beginning (shows "first seen")


def history(issue: Issue, before: int | None = None, size: int = PAGE) -> History:
    """Up to ``size`` rows of the issue's activity, newest first, older than the row ``before``."""
    rows = Activity.objects.filter(issue=issue).select_related("user").order_by("-created", "-id")
    if before is not None:
        anchor = Activity.objects.filter(issue=issue, pk=before).values_list("created", flat=True).first()
        if anchor is not None:
            rows = rows.filter(created__lte=anchor).exclude(created=anchor, id__gte=before)
    entries = list(rows[:size + 1])
    more = len(entries) > size
    return History(entries[:size], entries[size - 1].pk if more else None, not more)


def before_param(value: str) -> int | None:
    """The ``before`` of a query string: an id, or None for anything else."""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 19 else None
