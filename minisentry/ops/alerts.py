"""Alerts on new issues and regressions: a receiver of the pipeline's signals (connected in
``apps.py``), sent from the alerts' own thread (``outbox``), never from the writer's.

``MINISENTRY_ALERTS``: ``emails`` (Django's mail framework), ``webhook_url`` (a JSON POST with a
Slack/Mattermost-compatible ``text``), ``rate_limit_seconds`` (per issue, kept in the database
so every process shares it), ``timeout`` (seconds, for the SMTP connection and the webhook) and
``base_url`` (for links); ``levels``, ``environments`` and ``projects`` (slugs) keep alerts to
issues of those (empty: any); ``notify_assignee`` e-mails an issue's assignee when it regresses
(beside ``emails``, under the same filters and rate limit). A receiver only queues the alert, with
the settings of the moment; the outbox's thread claims the rate limit and reads the issue
(``load``), then e-mails (one SMTP connection per batch of alerts) and posts (``send``). Failures
are logged on the ``minisentry`` logger and counted (``alerts_failed``); none reaches the writer.

An alert about rows the storing thread has not committed (a store inside a test's transaction,
see ``minisentry.testing``) is sent from that thread: no other thread could read them.
"""

import json
import logging
import time
import urllib.request
from itertools import groupby
from typing import NamedTuple

from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import NoReverseMatch, reverse

from .. import conf
from ..models import Counter, Issue
from ..storage.index import count, database
from .outbox import outbox

try:  # Django 6.1+, where get_connection() is deprecated
    from django.core.mail import mailers
except ImportError:  # Django 5.2, 6.0
    mailers = None

logger = logging.getLogger("minisentry")

NEW_ISSUE, REGRESSION = "new issue", "regression"


class Alert(NamedTuple):
    issue_id: int
    kind: str
    options: dict


def settings() -> dict:
    """``MINISENTRY_ALERTS`` over its defaults."""
    return {**conf.DEFAULTS["ALERTS"], **(conf.get("ALERTS") or {})}


def issue_created(sender, issue_id: int, **kwargs) -> None:
    """Receiver of ``minisentry.signals.issue_created``."""
    queue(Alert(issue_id, NEW_ISSUE, settings()))


def issue_regressed(sender, issue_id: int, **kwargs) -> None:
    """Receiver of ``minisentry.signals.issue_regressed``."""
    queue(Alert(issue_id, REGRESSION, settings()))


def queue(alert: Alert) -> None:
    options = alert.options
    if not (options["emails"] or options["webhook_url"] or alert.kind == REGRESSION and options["notify_assignee"]):
        return
    if not transaction.get_connection(database()).in_atomic_block:
        outbox.put(alert)
        return
    if failed := send(load([alert])):
        outbox.fail(failed, stored=True)
        count("alerts_failed", failed)


def load(alerts: list[Alert]) -> list[tuple[Issue, Alert]]:
    """The alerts the filters and the rate limit let through, with their issues (database work only)."""
    issues = Issue.objects.using(database()).select_related("project", "assignee").in_bulk({a.issue_id for a in alerts})
    return [
        (issues[a.issue_id], a) for a in alerts
        if a.issue_id in issues and wanted(issues[a.issue_id], a)
        and claim(a.issue_id, a.options["rate_limit_seconds"])
    ]


def wanted(issue: Issue, alert: Alert) -> bool:
    """Whether the issue passes the alert's filters (level, environment, project slug) and has
    someone to tell."""
    options = alert.options
    for name, value in (("levels", issue.level), ("environments", issue.environment), ("projects", issue.project.slug)):
        if options[name] and value not in options[name]:
            return False
    return bool(options["emails"] or options["webhook_url"] or assignee_email(issue, alert))


def assignee_email(issue: Issue, alert: Alert) -> str:
    """The assignee's address, for a regression when ``notify_assignee`` is on."""
    assignee = issue.assignee
    if alert.kind != REGRESSION or not alert.options["notify_assignee"] or assignee is None or not assignee.is_active:
        return ""
    return getattr(assignee, assignee.get_email_field_name(), "") or ""


def claim(issue_id: int, interval: float) -> bool:
    """Whether this process may alert about the issue now: at most once per ``interval`` seconds."""
    now, name = int(time.time()), counter_name(issue_id)
    counters = Counter.objects.using(database())
    if counters.filter(name=name, value__lte=now - interval).update(value=now):
        return True
    _, created = counters.get_or_create(name=name, defaults={"value": now})
    return created


def counter_name(issue_id: int) -> str:
    return f"alert:{issue_id}"


def send(ready: list[tuple[Issue, Alert]]) -> int:
    """E-mail and webhook, each on its own (one failing does not stop the other); returns how many
    e-mails and posts did not go out. Never raises."""
    failed = 0
    for options, group in groupby(ready, key=lambda pair: pair[1].options):
        group = list(group)
        if messages := [message(issue, alert) for issue, alert in group if recipients(issue, alert)]:
            failed += mail(messages, options["timeout"])
        if options["webhook_url"]:
            url, timeout = options["webhook_url"], options["timeout"]
            failed += sum(not post(url, payload(i, a), timeout, i.pk) for i, a in group)
    return failed


def message(issue: Issue, alert: Alert) -> EmailMessage:
    # one line: no header injection
    subject = " ".join(f"[minisentry] {alert.kind.capitalize()}: {issue.title}".split())
    link = issue_url(issue, alert.options["base_url"])
    lines = [
        subject.removeprefix("[minisentry] "), "",
        f"Culprit: {issue.culprit or '-'}", f"Level: {issue.level}",
        f"Events: {issue.event_count}", f"Environment: {issue.environment or '-'}",
        f"Release: {issue.release or '-'}", f"Last seen: {issue.last_seen.isoformat()}",
    ] + ([f"\n{link}"] if link else [])
    return EmailMessage(subject, "\n".join(lines), None, recipients(issue, alert))


def recipients(issue: Issue, alert: Alert) -> list[str]:
    """The alert's addresses, and the assignee's (once) for a regression."""
    emails = list(alert.options["emails"])
    if (email := assignee_email(issue, alert)) and email not in emails:
        emails.append(email)
    return emails


def mail(messages: list[EmailMessage], timeout: float) -> int:
    """Send the messages over one connection of Django's default mail backend (SMTP: waiting at
    most ``timeout`` seconds, or the project's own shorter timeout); returns how many failed."""
    try:
        connection = mailers.default if mailers is not None else get_connection()
        current = getattr(connection, "timeout", timeout)  # SMTP's (None: wait forever); others have none
        if current is None or current > timeout:
            connection.timeout = timeout
        sent = connection.send_messages(messages)
    except Exception:
        logger.exception("minisentry: could not e-mail %d alert(s)", len(messages))
        return len(messages)
    return len(messages) - (sent or 0)


def payload(issue: Issue, alert: Alert) -> dict:
    link = issue_url(issue, alert.options["base_url"])
    return {
        "text": f"*{alert.kind.capitalize()}*: {slack_escape(issue.title)}" + (f" <{link}>" if link else ""),
        "minisentry": {
            "event": alert.kind.replace(" ", "_"), "issue": issue.pk, "title": issue.title,
            "culprit": issue.culprit, "level": issue.level, "events": issue.event_count, "url": link,
        },
    }


def slack_escape(text: str) -> str:
    """Event text as Slack/Mattermost show it literally: no ``<!channel>`` mention, no ``<url|link>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def post(url: str, payload: dict, timeout: float, issue_id: int) -> bool:
    """POST the payload; False (logged) if it did not go out."""
    if not url.startswith(("http://", "https://")):
        logger.error("minisentry: the alerts' webhook_url must be an http(s) URL, not %r", url)
        return False
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except Exception:
        logger.exception("minisentry: could not post the alert about issue %s to the webhook", issue_id)
        return False
    return True


def issue_url(issue: Issue, base_url: str) -> str:
    """The issue's page, when ``base_url`` says where the site is."""
    if not base_url:
        return ""
    try:
        return base_url.rstrip("/") + reverse("minisentry:issue_detail", args=[issue.pk])
    except NoReverseMatch:
        return ""
