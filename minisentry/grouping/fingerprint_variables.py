"""Fingerprint entries ``{{ variable }}`` (``{{ transaction }}``, ``{{ tags.x }}``...) resolved from the event."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .event import event_exceptions, event_message, event_tags
from .utils import as_dict, as_str

_FINGERPRINT_VARIABLE_RE = re.compile(r"\{\{\s*(\S+)\s*\}\}")


def fingerprint_variable(value: str) -> str | None:
    match = _FINGERPRINT_VARIABLE_RE.match(value)
    return match.group(1) if match and match.end() == len(value) else None


def resolve_fingerprint(fingerprint: list[str], ev: dict) -> list[str]:
    """Replace ``{{ variable }}`` entries, except ``{{ default }}``, by the event's values."""
    resolved = []
    for value in fingerprint:
        name = fingerprint_variable(value)
        if name not in (None, "default"):
            value = _fingerprint_variable_value(name, ev) or value
        resolved.append(value)
    return resolved


def _fingerprint_variable_value(name: str, ev: dict) -> str | None:
    if name.startswith("tags."):
        tag = name[5:]
        return next((value for key, value in event_tags(ev) if key == tag), f"<no-value-for-tag-{tag}>")
    if name not in _FINGERPRINT_VARIABLES:
        return None
    getter, placeholder = _FINGERPRINT_VARIABLES[name]
    return getter(ev) or placeholder


def _last_exception(ev: dict) -> dict:
    return (event_exceptions(ev) or [{}])[-1]


def _crash_frame(ev: dict) -> dict:
    """The last in-app frame of the main stack trace, else its last frame."""
    threads = as_dict(ev.get("threads")).get("values") or []
    stacktrace = (
        _last_exception(ev).get("stacktrace")
        or ev.get("stacktrace")
        or (threads[0]["stacktrace"] if len(threads) == 1 else None)
    )
    frames = stacktrace["frames"] if stacktrace else []
    return next((f for f in reversed(frames) if f["in_app"]), frames[-1] if frames else {})


_FINGERPRINT_VARIABLES: dict[str, tuple[Callable[[dict], Any], str]] = {
    "transaction": (lambda ev: as_str(ev.get("transaction")), "<no-transaction>"),
    "message": (lambda ev: event_message(ev) or _last_exception(ev).get("value"), "<no-message>"),
    "type": (lambda ev: _last_exception(ev).get("type"), "<no-type>"),
    "value": (lambda ev: _last_exception(ev).get("value"), "<no-value>"),
    "function": (lambda ev: _crash_frame(ev).get("function"), "<no-function>"),
    "path": (lambda ev: _crash_frame(ev).get("abs_path"), "<no-abs-path>"),
    "stack.filename": (lambda ev: _crash_frame(ev).get("filename"), "<no-filename>"),
    "module": (lambda ev: _crash_frame(ev).get("module"), "<no-module>"),
    "package": (lambda ev: _crash_frame(ev).get("package"), "<no-package>"),
    "level": (lambda ev: as_str(ev.get("level")), "<no-level>"),
    "logger": (lambda ev: as_str(ev.get("logger")), "<no-logger>"),
}
# Sentry's other spellings of the same variables.
_FINGERPRINT_VARIABLES.update({
    alias: _FINGERPRINT_VARIABLES[name] for alias, name in {
        "error.type": "type", "error.value": "value", "stack.function": "function",
        "stack.abs_path": "path", "stack.module": "module", "stack.package": "package",
    }.items()
})
