"""The site's own users in the browse pages: the row of ``AUTH_USER_MODEL`` an event names, a link to
that user's admin page for staff who may see users, and the issues a user hit, for that page.

sentry-python's Django integration sends the request's user as ``{"id": str(user.pk), "username",
"email"}``; the ``user`` tag (``processing/users.py``) keeps the first of ``id:…``, ``username:…``,
``email:…``, so the issues of a user are those whose ``user`` tag holds one of these three values:
one lookup in the tag index (``ms_issuetag_lookup``), whatever the number of events.
"""

import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Case, IntegerField, Q, Sum, When
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from .. import conf
from ..fields import LENGTH
from ..models import DEFAULT_PROJECT, Issue
from .frames import PLACEHOLDER, Frame

VIEW_ISSUE = "minisentry.view_issue"
MAX_ISSUES = 20  # the newest issues a user's page lists
MAX_VALUE = 200  # longer ids, usernames or e-mail addresses name nobody here


@dataclass(frozen=True)
class SiteUser:
    """A user an event names, as the event page shows it: the name and the user's admin page."""

    name: str
    url: str


def enabled() -> bool:
    return bool(conf.get("LINK_USERS")) and apps.is_installed("django.contrib.auth")


def may_see_users(viewer, actions=("view", "change")) -> bool:
    """Whether ``viewer`` holds one of the user model's ``actions`` permissions (``auth.view_user``…)."""
    opts = get_user_model()._meta
    return viewer.is_active and any(viewer.has_perm(f"{opts.app_label}.{a}_{opts.model_name}") for a in actions)


def url_maker(viewer, url_name: str, actions=("view", "change")) -> Callable[[object], str] | None:
    """``pk -> URL`` of the page ``url_name`` (taking a user's pk), for a ``viewer`` who may see users;
    None when linking users is off, the viewer may not, or the URL is not mounted."""
    if not enabled() or not may_see_users(viewer, actions):
        return None
    try:
        template = reverse(url_name, args=[PLACEHOLDER])
    except NoReverseMatch:
        return None
    return lambda pk: template.replace(str(PLACEHOLDER), str(pk))


def admin_url_maker(viewer) -> Callable[[object], str] | None:
    """The Django admin's change page of a user, if the admin is installed and has the user model."""
    model = get_user_model()
    if not apps.is_installed("django.contrib.admin") or not admin.site.is_registered(model):
        return None
    return url_maker(viewer, f"admin:{model._meta.app_label}_{model._meta.model_name}_change")


def email_field(model) -> str | None:
    """The name of the user model's e-mail field, None for a model without one."""
    name = model.get_email_field_name()
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return None
    return name


def lookup_value(model, field: str | None, value):
    """``value`` as the user model's ``field`` holds it, or None when it cannot name anyone."""
    if field is None or isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    if not 0 < len(str(value)) <= MAX_VALUE or "\x00" in str(value):  # PostgreSQL refuses NUL in a query
        return None
    try:
        return model._meta.get_field(field).to_python(str(value))
    except (ValidationError, ValueError):
        return None


def named_by(event: dict):
    """The user ``event["user"]`` names by its id (the primary key), else its username, else its
    e-mail address (when exactly one user has it); None for anyone else. One query."""
    data = event.get("user")
    if not isinstance(data, dict):
        return None
    model = get_user_model()
    fields = {"id": model._meta.pk.name, "username": model.USERNAME_FIELD, "email": email_field(model)}
    wanted = [(field, value) for key, field in fields.items()
              if (value := lookup_value(model, field, data.get(key))) is not None]
    if not wanted:
        return None
    rank = Case(*(When(Q(**{field: value}), then=n) for n, (field, value) in enumerate(wanted)),
                output_field=IntegerField())
    matches = reduce(operator.or_, (Q(**{field: value}) for field, value in wanted))
    # an id past the column's range matches nothing (Django's IntegerFieldOverflow), never an error
    found = list(model._default_manager.filter(matches).annotate(ms_rank=rank).order_by("ms_rank")[:2])
    if not found or len(found) == 2 and found[0].ms_rank == found[1].ms_rank:  # none, or two with one e-mail
        return None
    return found[0]


def site_user(event: dict, url: Callable[[object], str] | None) -> SiteUser | None:
    """The user ``event`` names with the URL of its admin page, when the frame gives one (``url``)."""
    if url is None or not enabled():
        return None
    user = named_by(event)
    return SiteUser(user.get_username(), url(user.pk)) if user is not None else None


def tag_values(user) -> list[str]:
    """The ``user`` tag values naming ``user``: ``id:<pk>``, ``username:<username>``, ``email:<email>``."""
    values = [f"id:{user.pk}", f"username:{user.get_username()}"]
    field = email_field(type(user))
    if email := getattr(user, field) if field else "":
        values.append(f"email:{email}")
    return [v for v in values if len(v) <= LENGTH["user"]]


def issues_of(user, limit: int = MAX_ISSUES) -> tuple[list[Issue], bool]:
    """The newest ``limit`` issues of the site's own project ``user`` hit (last seen first), each with
    ``user_events`` (how many of its events named the user), and whether there are more: one query."""
    found = list(
        Issue.objects.filter(project__slug=DEFAULT_PROJECT, tags__key="user",
                             tags__value__in=tag_values(user))
        .annotate(user_events=Sum("tags__count"))
        .order_by("-last_seen", "-pk")[:limit + 1]
    )
    return found[:limit], len(found) > limit


def errors_box(viewer, user, frame: Frame) -> dict:
    """What the "errors this user hit" box on ``user``'s admin page shows in ``frame``: the newest
    issues with links, and the issue list searching the user's id (for more); empty (no box) unless
    ``viewer`` may view issues."""
    if user is None or user.pk is None or not enabled() or not (viewer.is_active and viewer.has_perm(VIEW_ISSUE)):
        return {}
    issues, more = issues_of(user)
    detail = frame.url_maker("issue_detail")
    for issue in issues:
        issue.url = detail(issue.pk)
    search = urlencode({"status": "all", frame.search_param: f'user:"id:{user.pk}"'})
    return {"issues": issues, "more": more, "limit": MAX_ISSUES, "frame": frame,
            "search_url": f"{frame.url('issue_list')}?{search}"}
