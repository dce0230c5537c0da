"""Resolve, ignore and unresolve issues, with their conditions. Each action writes the issues'
activity (``resolved``, ``ignored``, ``unresolved``, by the acting user, with the condition) and, for
resolve, sends ``issue_resolved`` once its transaction commits. Both frames and the API call these.

An issue ignored until a time that has passed comes back lazily: the writer brings it back on its
next event, and ``wake_expired`` (called by the issue list and issue pages of both frames, and by
the API) brings back those whose time ran out with no event."""

from datetime import datetime

from django.db import router, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from ..models import Issue
from ..signals import issue_resolved
from ..storage.comeback import CLEARED, IGNORED, come_back
from ..storage.history import add_activity
from ..storage.index import write_transaction
from ..storage.releases import latest

NEXT = "next"  # resolve(in_release=NEXT): in the next release
NOT_RESOLVED = {"resolved_at": None, "resolved_in": "", "resolved_release": ""}


def _locked(issues: QuerySet, using: str) -> list[tuple[int, int]]:
    """The issues' (id, project id), their rows locked in id order (as the writer locks them)."""
    return list(issues.using(using).order_by("pk").select_for_update().values_list("pk", "project_id"))


def resolve(issues: QuerySet, user=None, in_release: str | None = None) -> int:
    """Resolve ``issues`` now (``in_release`` None), in the next release (``NEXT``: only an event
    from a release newer than the project's latest now reopens it) or in release ``in_release`` (an
    event from it or a newer one reopens it, older ones do not). Returns how many."""
    using, now = router.db_for_write(Issue), timezone.now()
    resolved_in = "" if not in_release else "next_release" if in_release == NEXT else "release"
    with write_transaction(using):
        rows = _locked(issues, using)
        release_of = {}
        for project_id in {project for _, project in rows}:
            release_of[project_id] = (latest(project_id, using) if resolved_in == "next_release"
                                      else in_release if resolved_in else "")
        for release in set(release_of.values()):
            ids = [pk for pk, project in rows if release_of[project] == release]
            Issue.objects.using(using).filter(pk__in=ids).update(
                status=Issue.Status.RESOLVED, resolved_at=now, resolved_in=resolved_in, resolved_release=release,
                **CLEARED)
        add_activity(using, ((pk, "resolved", {"in": resolved_in, "release": release_of[project]})
                             for pk, project in rows), user)

        def send():
            for pk, project in rows:
                issue_resolved.send_robust(sender=Issue, issue_id=pk, user=user, resolved_in=resolved_in,
                                           release=release_of[project])

        transaction.on_commit(send, using=using)
    return len(rows)


def ignore(issues: QuerySet, user=None, *, until: datetime | None = None, events: int | None = None,
           users: int | None = None, rate: int | None = None) -> int:
    """Ignore ``issues`` until ``until``, ``events`` more events, ``users`` more users, or more than
    ``rate`` events in an hour, whichever comes first (none given: forever). Returns how many."""
    using = router.db_for_write(Issue)
    condition = {k: v for k, v in (("until", until), ("events", events), ("users", users), ("rate", rate))
                 if v is not None}
    with write_transaction(using):
        rows = _locked(issues, using)
        Issue.objects.using(using).filter(pk__in=[pk for pk, _ in rows]).update(
            status=Issue.Status.IGNORED, ignore_until=until, ignore_rate=rate, **NOT_RESOLVED,
            ignore_until_events=None if events is None else F("event_count") + events,
            ignore_until_users=None if users is None else F("user_count") + users,
        )
        data = {**condition, **({"until": until.isoformat()} if until else {})}
        add_activity(using, ((pk, "ignored", data) for pk, _ in rows), user)
    return len(rows)


def unresolve(issues: QuerySet, user=None) -> int:
    """Unresolve ``issues`` (resolved or ignored), clearing their conditions and regression mark."""
    using = router.db_for_write(Issue)
    with write_transaction(using):
        rows = _locked(issues, using)
        Issue.objects.using(using).filter(pk__in=[pk for pk, _ in rows]).update(
            status=Issue.Status.UNRESOLVED, is_regression=False, **NOT_RESOLVED, **CLEARED)
        add_activity(using, ((pk, "unresolved", {}) for pk, _ in rows), user)
    return len(rows)


def wake_expired(using: str | None = None) -> list[int]:
    """Bring back the ignored issues whose time ran out (no event needed); their ids."""
    using = using or router.db_for_write(Issue)
    now = timezone.now()
    expired = Issue.objects.using(using).filter(status=IGNORED, ignore_until__lte=now)
    if not expired.exists():
        return []
    with write_transaction(using):
        ids = list(expired.order_by("pk").select_for_update().values_list("pk", flat=True))
        return come_back(using, ids, now)


ACTIONS = {"resolve": resolve, "ignore": ignore, "unresolve": unresolve}  # what the browse forms post
