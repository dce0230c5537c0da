"""Reading a normalised event: its exceptions, stack traces, message and tags."""

from __future__ import annotations

from collections.abc import Iterator

from .utils import as_dict, as_list


def event_stacktraces(ev: dict) -> Iterator[tuple[list[dict], dict | None]]:
    """Every stack trace's frames with the exception it belongs to (None for threads and top level)."""
    for exception in event_exceptions(ev):
        if exception["stacktrace"]:
            yield exception["stacktrace"]["frames"], exception
    if ev.get("stacktrace"):
        yield ev["stacktrace"]["frames"], None
    for thread in as_dict(ev.get("threads")).get("values") or ():
        if thread["stacktrace"]:
            yield thread["stacktrace"]["frames"], None


def event_exceptions(ev: dict) -> list[dict]:
    return as_dict(ev.get("exception")).get("values") or []


def event_message(ev: dict) -> str | None:
    logentry = as_dict(ev.get("logentry"))
    return logentry.get("formatted") or logentry.get("message")


def event_tags(ev: dict) -> list[tuple[str, str]]:
    raw = ev.get("tags")
    if isinstance(raw, dict):
        pairs = raw.items()
    else:
        pairs = (pair for pair in as_list(raw) if isinstance(pair, list) and len(pair) == 2)
    return [(key, value) for key, value in pairs if isinstance(key, str) and isinstance(value, str)]
