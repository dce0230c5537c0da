"""Assigning issues: to any active user who may view them, with an ``assigned`` activity row per
changed issue and ``issue_assigned`` sent once the change commits."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import router, transaction
from django.db.models import Q, QuerySet

from ..models import Activity, Issue
from ..signals import issue_assigned

VIEW_CODENAME = "view_issue"


def assignable_users() -> QuerySet:
    """Active users holding ``minisentry.view_issue`` (their own or a group's), and superusers."""
    permission = Permission.objects.filter(content_type__app_label="minisentry", codename=VIEW_CODENAME)
    may_view = Q(is_superuser=True) | Q(user_permissions__in=permission) | Q(groups__permissions__in=permission)
    ids = get_user_model()._default_manager.filter(may_view).values("pk")
    return get_user_model()._default_manager.filter(is_active=True, pk__in=ids).order_by(
        get_user_model().USERNAME_FIELD
    )


def assignee_from(value: str):
    """The assignable user whose id is ``value``; None for an empty value (unassign).
    Raises ValueError for anything else."""
    if value in ("", None):
        return None
    if not (isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 20):
        raise ValueError(value)
    user = assignable_users().filter(pk=int(value)).first()
    if user is None:
        raise ValueError(value)
    return user


def user_label(user) -> str:
    """How the pages name a user: full name, else username."""
    if user is None:
        return ""
    full = user.get_full_name().strip() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def assign(issues: QuerySet, assignee, user) -> int:
    """Assign the ``issues`` to ``assignee`` (None: unassign), acting as ``user``; returns how many
    changed. ``assignee`` must come from :func:`assignable_users` (see :func:`assignee_from`)."""
    assignee_id = assignee.pk if assignee is not None else None
    using = router.db_for_write(Issue)
    with transaction.atomic(using=using):
        ids = _changing(issues, assignee_id)
        if not ids:
            return 0
        Issue.objects.filter(pk__in=ids).update(assignee_id=assignee_id)
        data, acting = {"assignee": assignee_id, "name": user_label(assignee)}, _acting(user)
        Activity.objects.bulk_create(
            Activity(issue_id=pk, kind=Activity.Kind.ASSIGNED, user=acting, data=data) for pk in ids
        )

        def signal():
            for pk in ids:
                issue_assigned.send_robust(Issue, issue_id=pk, user=acting, assignee=assignee)

        transaction.on_commit(signal, using=using)
    return len(ids)


def _changing(issues: QuerySet, assignee_id) -> list[int]:
    """Ids of the ``issues`` not already assigned to ``assignee_id``, their rows locked."""
    mine = Q(assignee_id=assignee_id) if assignee_id is not None else Q(assignee__isnull=True)
    return list(issues.exclude(mine).order_by("pk").select_for_update().values_list("pk", flat=True))


def _acting(user):
    return user if user is not None and user.is_authenticated else None
