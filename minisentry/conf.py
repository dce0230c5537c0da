"""minisentry's settings: ``MINISENTRY_*`` with defaults, read lazily, reset on ``setting_changed``."""

import os
import tempfile
from functools import cache
from pathlib import Path

from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

DEFAULTS = {
    # Where blobs go: a dotted path, or {"BACKEND": path, "OPTIONS": {...}}.
    "BACKEND": "minisentry.backends.database.DatabaseBackend",
    # Further named backends, used to read blobs that an earlier backend wrote.
    "BACKENDS": {},
    # Events waiting for the writer; past this a capture is counted as dropped.
    "QUEUE_SIZE": 10_000,
    # Queued payload bytes allowed at once (bounds memory when events are large).
    "QUEUE_BYTES": 64 * 1024 * 1024,
    "BATCH_SIZE": 500,
    # Attempts per batch before its events are spooled, and the first backoff delay (doubles).
    "RETRIES": 3,
    "RETRY_DELAY": 0.2,
    # Local directory for events that could not be stored; never inside a blob store. The default
    # is private to the user (created 0700; one that another user owns is refused).
    "SPOOL_DIR": Path(tempfile.gettempdir()) / f"minisentry-spool-{os.geteuid()}",
    # Seconds between the writer's looks into the spool for events to store again.
    "SPOOL_CHECK_INTERVAL": 60.0,
    # How long the interpreter waits at exit for queued events before spooling them.
    "SHUTDOWN_TIMEOUT": 5.0,
    # How the writer thread lowers its own CPU priority, so that the site's requests come first when
    # the CPU is short: "idle" (Linux's SCHED_IDLE), or a number 0-19 added to its nice value (0 keeps
    # the process's priority).
    "WRITER_NICENESS": "idle",
    "COMPRESSION_LEVEL": 3,
    # A zstd dictionary trained from the first events (see processing/dictionaries.py); False or
    # None turns it off. samples: events to train from; retrain_after: events until the next one;
    # size: its bytes; min_saving: the share it must save on held-out events to be used.
    "COMPRESSION_DICTIONARY": {
        "enabled": True, "samples": 500, "retrain_after": 100_000, "size": 64 * 1024, "min_saving": 0.2,
    },
    # Server-side scrubbing before anything is stored (see scrubbing.py); False or None turns it off.
    # fields: more key names to filter (substrings, case-insensitive); safe_fields: keys never scrubbed.
    "SCRUBBING": {"enabled": True, "fields": [], "safe_fields": [], "scrub_card_numbers": True},
    # Defaults of ``minisentry_cleanup`` (None: no limit).
    "RETENTION": {"max_age_days": None, "max_events_per_issue": None, "max_total_bytes": None},
    # Error storms: past events_per_minute events of one issue in one process, its further events are
    # counted (every count stays exact) and one in keep_one_in is stored; None stores every event.
    "STORM": {"events_per_minute": 600, "keep_one_in": 100},
    # Alerts on new issues and regressions, sent by a thread of their own: e-mail recipients, a
    # Slack/Mattermost-compatible webhook, at most one alert per issue every rate_limit_seconds,
    # the SMTP connection's and the webhook's timeout, and the site's address for links; only issues
    # of these levels, environments and project slugs (empty: any); e-mail the assignee on a regression.
    "ALERTS": {
        "emails": [], "webhook_url": None, "rate_limit_seconds": 300, "timeout": 5.0, "base_url": "",
        "levels": [], "environments": [], "projects": [], "notify_assignee": True,
    },
    # The API (minisentry.api.urls): the organization slug in its paths, and the requests each
    # token may make per minute (None: no limit).
    "ORGANIZATION": "site",
    "API_RATE_LIMIT": 600,
    # Events from the ingest endpoint: record the sender's IP address where the SDK asks for it
    # (``{{auto}}``, ``sdk.settings.infer_ip``); off, such a placeholder is removed.
    "INGEST_STORE_IP": False,
    # The ingest endpoint (minisentry.ingest.urls), with Relay's default limits: an event (or
    # security report) item, a request body as sent (compressed), an envelope once decompressed.
    "INGEST_MAX_EVENT_SIZE": 1024 * 1024,
    "INGEST_MAX_COMPRESSED_SIZE": 20 * 1024 * 1024,
    "INGEST_MAX_ENVELOPE_SIZE": 100 * 1024 * 1024,
    # The share of QUEUE_SIZE and QUEUE_BYTES the endpoint's events may fill (past it: 429); the
    # site's own events keep the rest.
    "INGEST_QUEUE_SHARE": 0.5,
    # Seconds a process trusts its copy of the projects' keys (saving a key or project refreshes
    # that process's copy at once), and the longest a request waits for the database to load it
    # (then 503: the endpoint never hangs on a database outage).
    "INGEST_KEY_CACHE_SECONDS": 10.0,
    # The alias of a cache the processes share (Redis, Memcached) to count rate limits in for the
    # whole site; None: each process counts its own (see ingest/limits.py).
    "INGEST_RATE_LIMIT_CACHE": None,
    "INGEST_DB_TIMEOUT": 2.0,
    # An event naming a row of AUTH_USER_MODEL (user.id, username or email) links to that user's admin
    # page, and the user's admin page lists the issues the user hit (browse/site_users.py).
    "LINK_USERS": True,
    # With Wagtail: an event whose request URL a Wagtail page serves links to the page's editor and
    # says when the page was last published before the issue began (browse/site_pages.py).
    "LINK_PAGES": True,
}


def get(name: str):
    """The value of ``MINISENTRY_<name>``, or its default (also while settings are unconfigured)."""
    try:
        return _get(name)
    except ImproperlyConfigured:
        return DEFAULTS[name]


@cache
def _get(name: str):
    return getattr(django_settings, f"MINISENTRY_{name}", DEFAULTS[name])


def derived(name: str, make):
    """``make(value of MINISENTRY_<name>)``, computed once per value of the setting (a check or a
    merge over defaults that the writer would otherwise redo for every event)."""
    value = get(name)
    cached = _derived.get((name, make), _MISSING)
    if cached is _MISSING or cached[0] is not value:
        cached = _derived[(name, make)] = (value, make(value))
    return cached[1]


_MISSING = object()
_derived: dict = {}  # (name, make) -> (the setting's value, what make made of it)


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs) -> None:
    if setting.startswith("MINISENTRY_"):
        _get.cache_clear()
