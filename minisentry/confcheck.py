"""What each ``MINISENTRY_*`` setting may hold: a rule per value, and what is wrong with a setting
(read by the system checks, ``checks.py``). Dict settings know the keys of their defaults in
``conf.DEFAULTS``; a key without a rule here takes any value."""

import difflib
import os
import re
from collections.abc import Callable

from django.conf import settings

from . import conf
from .capture import priority
from .fields import Level

Rule = Callable[[object], str | None]  # what is wrong with a value, or None


def _kind(value) -> str:
    return type(value).__name__


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def integer(least: int, most: int | None = None) -> Rule:
    def rule(value):
        if not isinstance(value, int) or isinstance(value, bool):
            return f"must be an integer, not {_kind(value)} {value!r}"
        if value < least or most is not None and value > most:
            return f"must be {f'from {least} to {most}' if most is not None else f'at least {least}'}, not {value!r}"
        return None

    return rule


def number(least: float, *, above: bool = False) -> Rule:
    """A number of seconds, days…: at least ``least`` (greater, when ``above``)."""

    def rule(value):
        if not _is_number(value):
            return f"must be a number, not {_kind(value)} {value!r}"
        if value < least or above and value == least:
            return f"must be {'greater than' if above else 'at least'} {least:g}, not {value!r}"
        return None

    return rule


def fraction(value) -> str | None:
    """A share: greater than 0, at most 1."""
    if not _is_number(value) or not 0 < value <= 1:
        return f"must be a number greater than 0 and at most 1, not {value!r}"
    return None


def niceness(value) -> str | None:
    """The writer's priority: ``"idle"`` or a nice value to add, from 0 to 19."""
    if value == priority.IDLE or type(value) is int and 0 <= value <= priority.MOST:
        return None
    return f'must be "{priority.IDLE}" or an integer from 0 to {priority.MOST}, not {_kind(value)} {value!r}'


def optional(inner: Rule) -> Rule:
    return lambda value: None if value is None else inner(value)


def boolean(value) -> str | None:
    return None if isinstance(value, bool) else f"must be True or False, not {_kind(value)} {value!r}"


def text(value) -> str | None:
    return None if isinstance(value, str) else f"must be a string, not {_kind(value)} {value!r}"


def url(value) -> str | None:
    if not isinstance(value, str) or not value.startswith(("http://", "https://")):
        return f"must be an http(s) URL, not {value!r}"
    return None


def strings(value) -> str | None:
    """A list of strings (e-mail addresses: one string would be read letter by letter)."""
    if isinstance(value, str):
        return f"must be a list of strings, not the string {value!r} (write [{value!r}])"
    return names(value)


def names(value) -> str | None:
    """A list of strings, or one string (key names: scrubbing reads one as a list of one)."""
    if isinstance(value, str):
        return None
    if not isinstance(value, (list, tuple, set, frozenset)) or not all(isinstance(v, str) for v in value):
        return f"must be a list of strings, not {value!r}"
    return None


def cache_alias(value) -> str | None:
    """The name of one of the site's ``CACHES``."""
    if isinstance(value, str) and value in settings.CACHES:
        return None
    return f"must name one of the CACHES ({', '.join(map(repr, settings.CACHES))}), not {value!r}"


def slug(value) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"[-a-zA-Z0-9_]{1,50}", value):
        return None
    return f"must be a slug (letters, digits, - and _), not {value!r}"


def levels(value) -> str | None:
    """A list of event levels (debug, info, warning, error, fatal)."""
    if problem := strings(value):
        return problem
    wrong = [v for v in value if v not in Level.values]
    return f"must name levels among {', '.join(Level.values)}, not {', '.join(map(repr, wrong))}" if wrong else None


def path(value) -> str | None:
    return None if isinstance(value, (str, os.PathLike)) and str(value) else f"must be a path, not {value!r}"


# Settings holding one value (check minisentry.E008).
VALUES: dict[str, Rule] = {
    "QUEUE_SIZE": integer(1),
    "QUEUE_BYTES": integer(1),
    "BATCH_SIZE": integer(1),
    "RETRIES": integer(1),
    "RETRY_DELAY": number(0),
    "SPOOL_DIR": path,
    "SPOOL_CHECK_INTERVAL": number(0),
    "SHUTDOWN_TIMEOUT": number(0),
    "WRITER_NICENESS": niceness,
    "COMPRESSION_LEVEL": integer(-131072, 22),  # zstd's fast (negative) levels to its maximum
    "ORGANIZATION": slug,
    "API_RATE_LIMIT": optional(integer(1)),
    "INGEST_STORE_IP": boolean,
    "INGEST_MAX_EVENT_SIZE": integer(1024),
    "INGEST_MAX_COMPRESSED_SIZE": integer(1024),
    "INGEST_MAX_ENVELOPE_SIZE": integer(1024),
    "INGEST_QUEUE_SHARE": fraction,
    "INGEST_KEY_CACHE_SECONDS": number(0),
    "INGEST_RATE_LIMIT_CACHE": optional(cache_alias),
    "INGEST_DB_TIMEOUT": number(0, above=True),
    "LINK_USERS": boolean,
    "LINK_PAGES": boolean,
}

# Dict settings: {key: rule}, whether False turns it off (None always does), and the check's id.
DICTS: dict[str, tuple[dict[str, Rule], bool, str]] = {
    "SCRUBBING": ({"enabled": boolean, "fields": names, "safe_fields": names,
                   "scrub_card_numbers": boolean}, True, "minisentry.E009"),
    "RETENTION": ({"max_age_days": optional(number(0, above=True)), "max_events_per_issue": optional(integer(2)),
                   "max_total_bytes": optional(integer(0))}, False, "minisentry.E011"),
    "ALERTS": ({"emails": strings, "webhook_url": optional(url), "rate_limit_seconds": number(0),
                "timeout": number(0, above=True), "base_url": text, "levels": levels, "environments": strings,
                "projects": strings, "notify_assignee": boolean}, False, "minisentry.E012"),
}


def closest(word: str, known) -> str:
    """`` (did you mean 'x'?)`` for the known name nearest to ``word``, or nothing."""
    match = difflib.get_close_matches(word, [str(k) for k in known], n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def value_problem(name: str, value) -> str | None:
    """What is wrong with ``MINISENTRY_<name>`` (one of :data:`VALUES`), or None."""
    return VALUES[name](value)


def dict_problems(name: str, value) -> list[str]:
    """What is wrong with ``MINISENTRY_<name>`` (one of :data:`DICTS`): unknown keys (with the
    nearest known one), then each value breaking its rule."""
    rules, false_turns_off, _ = DICTS[name]
    if value is None or value is False and false_turns_off:
        return []
    if not isinstance(value, dict):
        off = "a dict, False or None" if false_turns_off else "a dict or None"
        return [f"it must be {off}, not {_kind(value)} {value!r}"]
    known = conf.DEFAULTS[name]
    found = [f"unknown key {key!r}{closest(str(key), known)}; the keys are {', '.join(known)}"
             for key in value if key not in known]
    found += [f"{key!r} {reason}" for key, rule in rules.items()
              if key in value and (reason := rule(value[key]))]
    return found


def unknown_names(names) -> list[tuple[str, str]]:
    """``(name, hint)`` for each ``MINISENTRY_*`` name of ``names`` that is no setting."""
    known = [f"MINISENTRY_{name}" for name in conf.DEFAULTS]
    return [(name, closest(name, known)) for name in sorted(names)
            if name.startswith("MINISENTRY_") and name not in known]
