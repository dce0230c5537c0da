"""Alerts on new issues and regressions, sent by the writer thread after a batch is stored.

``MINISENTRY_ALERTS``: ``emails`` (Django's mail framework), ``webhook_url`` (a JSON POST with a
Slack/Mattermost-compatible ``text``), ``rate_limit_seconds`` (per issue, kept in the database
so every process shares it), ``timeout`` (webhook seconds) and ``base_url`` (for links).
Failures are logged on the ``minisentry`` logger and never reach the writer.
"""

import json
import logging
import time
import urllib.request

from django.core.mail import send_mail
from django.urls import NoReverseMatch, reverse

from .. import conf
from ..models import Counter, Issue
from ..storage.index import database

logger = logging.getLogger("minisentry")

NEW_ISSUE, REGRESSION = "new issue", "regression"


def settings() -> dict:
    """``MINISENTRY_ALERTS`` over its defaults."""
    return {**conf.DEFAULTS["ALERTS"], **(conf.get("ALERTS") or {})}


def notify(stored) -> None:
    """Alert about the new issues and regressions of a :class:`minisentry.index.Stored`."""
    try:
        options = settings()
        if not (options["emails"] or options["webhook_url"]):
            return
        kinds = {issue_id: NEW_ISSUE for issue_id in stored.new_issues}
        kinds.update((issue_id, REGRESSION) for issue_id in stored.regressions)
        for issue in Issue.objects.using(database()).filter(pk__in=kinds).order_by("pk"):
            if claim(issue.pk, options["rate_limit_seconds"]):
                send(issue, kinds[issue.pk], options)
    except Exception:
        logger.exception("minisentry: sending alerts failed")


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


def send(issue: Issue, kind: str, options: dict) -> None:
    """E-mail and webhook, each on its own: one failing does not stop the other."""
    subject = " ".join(f"[minisentry] {kind.capitalize()}: {issue.title}".split())  # one line: no header injection
    link = issue_url(issue, options["base_url"])
    lines = [
        subject.removeprefix("[minisentry] "), "",
        f"Culprit: {issue.culprit or '-'}", f"Level: {issue.level}",
        f"Events: {issue.event_count}", f"Environment: {issue.environment or '-'}",
        f"Release: {issue.release or '-'}", f"Last seen: {issue.last_seen.isoformat()}",
    ] + ([f"\n{link}"] if link else [])
    if options["emails"]:
        try:
            send_mail(subject, "\n".join(lines), None, list(options["emails"]))
        except Exception:
            logger.exception("minisentry: could not e-mail the alert about issue %s", issue.pk)
    if options["webhook_url"]:
        payload = {
            "text": f"*{kind.capitalize()}*: {slack_escape(issue.title)}" + (f" <{link}>" if link else ""),
            "minisentry": {
                "event": kind.replace(" ", "_"), "issue": issue.pk, "title": issue.title,
                "culprit": issue.culprit, "level": issue.level, "events": issue.event_count, "url": link,
            },
        }
        post(options["webhook_url"], payload, options["timeout"], issue.pk)


def slack_escape(text: str) -> str:
    """Event text as Slack/Mattermost show it literally: no ``<!channel>`` mention, no ``<url|link>``."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def post(url: str, payload: dict, timeout: float, issue_id: int) -> None:
    if not url.startswith(("http://", "https://")):
        logger.error("minisentry: the alerts' webhook_url must be an http(s) URL, not %r", url)
        return
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
    except Exception:
        logger.exception("minisentry: could not post the alert about issue %s to the webhook", issue_id)


def issue_url(issue: Issue, base_url: str) -> str:
    """The issue's page, when ``base_url`` says where the site is."""
    if not base_url:
        return ""
    try:
        return base_url.rstrip("/") + reverse("minisentry:issue_detail", args=[issue.pk])
    except NoReverseMatch:
        return ""
