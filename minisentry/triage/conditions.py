"""The conditions a status action takes from a form (the issue page's menus, the list's bulk
actions in both frames): ``StatusConditions(data).action_kwargs(action)`` gives what ``status.resolve``
or ``status.ignore`` take, and ``describe`` says an issue's condition in words."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from ..fields import LENGTH
from .status import NEXT

PERIODS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7)}
COUNTED = ("events", "users", "rate")
MAX_COUNT = 10**12


class StatusConditions(forms.Form):
    resolve_in = forms.ChoiceField(required=False, choices=[
        ("", _lazy("now")), ("next_release", _lazy("in the next release")), ("release", _lazy("in release…"))])
    release = forms.CharField(required=False, max_length=LENGTH["release"], strip=True)
    ignore = forms.ChoiceField(required=False, choices=[
        ("", _lazy("forever")), ("1h", _lazy("for 1 hour")), ("24h", _lazy("for 24 hours")),
        ("7d", _lazy("for 7 days")), ("until", _lazy("until…")), ("events", _lazy("until N more events")),
        ("users", _lazy("until N more users")), ("rate", _lazy("until more than N events in an hour"))])
    ignore_until = forms.DateTimeField(required=False)
    ignore_count = forms.IntegerField(required=False, min_value=1, max_value=MAX_COUNT)

    def clean(self):
        data = super().clean()
        if data.get("resolve_in") == "release" and not data.get("release"):
            self.add_error("release", _("Name the release that fixes it."))
        if data.get("ignore") == "until" and not data.get("ignore_until"):
            self.add_error("ignore_until", _("Give the date and time."))
        elif data.get("ignore") == "until" and data["ignore_until"] <= timezone.now():
            self.add_error("ignore_until", _("Give a time in the future."))
        if data.get("ignore") in COUNTED and not data.get("ignore_count"):
            self.add_error("ignore_count", _("Give the number."))
        return data

    def action_kwargs(self, action: str) -> dict:
        """What ``status.<action>`` takes besides the issues and the user (the form is valid)."""
        data = self.cleaned_data
        if action == "resolve":
            return {"in_release": {"": None, "next_release": NEXT, "release": data.get("release")}[
                data.get("resolve_in") or ""]}
        if action != "ignore":
            return {}
        how = data.get("ignore") or ""
        if how in PERIODS:
            return {"until": timezone.now() + PERIODS[how]}
        if how == "until":
            return {"until": data["ignore_until"]}
        return {how: data["ignore_count"]} if how in COUNTED else {}

    def error_text(self) -> str:
        return " ".join(str(message) for messages in self.errors.values() for message in messages)


def describe(issue) -> str:
    """The issue's status condition in words ("Ignored until 3 more events (12 of 15)"), or ""."""
    if issue.status == "resolved" and issue.resolved_in:
        if issue.resolved_in == "next_release":
            return (_("Resolved in the next release after %(release)s") % {"release": issue.resolved_release}
                    if issue.resolved_release else _("Resolved in the next release"))
        return _("Resolved in %(release)s") % {"release": issue.resolved_release}
    if issue.status != "ignored":
        return ""
    parts = []
    if issue.ignore_until:
        parts.append(_("until %(when)s") % {"when": timezone.localtime(issue.ignore_until).strftime("%Y-%m-%d %H:%M")})
    if issue.ignore_until_events is not None:
        parts.append(_more(issue.event_count, issue.ignore_until_events, ngettext(
            "until %(n)d more event (%(now)d of %(of)d)", "until %(n)d more events (%(now)d of %(of)d)",
            max(issue.ignore_until_events - issue.event_count, 0))))
    if issue.ignore_until_users is not None:
        parts.append(_more(issue.user_count, issue.ignore_until_users, ngettext(
            "until %(n)d more user (%(now)d of %(of)d)", "until %(n)d more users (%(now)d of %(of)d)",
            max(issue.ignore_until_users - issue.user_count, 0))))
    if issue.ignore_rate is not None:
        parts.append(_("until more than %(n)d events in an hour") % {"n": issue.ignore_rate})
    return _("Ignored %(conditions)s") % {"conditions": _(" or ").join(parts)} if parts else _("Ignored forever")


def _more(now: int, target: int, text: str) -> str:
    return text % {"n": max(target - now, 0), "now": now, "of": target}
