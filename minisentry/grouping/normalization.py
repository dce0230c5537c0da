"""What Relay does to an event before Sentry groups it: typed fields, legacy aliases, trimming."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from .utils import URL_PREFIXES, as_dict, as_list, as_str

_MESSAGE_MAX_CHARS = 8192  # Relay's limit for messages and exception values
_SYMBOL_MAX_CHARS = (256, 20)  # (limit, allowance) for frame functions, modules, packages
_PATH_MAX_CHARS = (256, 40)  # ... and for frame paths
# Relay keeps the last 250 frames of every stack trace, the crash end, before Sentry groups
# (getsentry/relay, relay-event-normalization/src/trimming.rs: enforce_frame_hard_limit(frames, 250)).
_MAX_FRAMES = 250
# Relay keeps every exception of a chain (only its 1 MiB event limit bounds them); Sentry once
# kept the first and last of SENTRY_MAX_EXCEPTIONS = 25 (trim_exceptions in
# sentry/interfaces/exception.py). Here, the first and last 125 of a longer chain.
_MAX_EXCEPTIONS = 250
_LEGACY_ALIASES = (
    "sentry.interfaces.Exception", "sentry.interfaces.Stacktrace", "sentry.interfaces.Message", "message",
)
_TYPE_VALUE_RE = re.compile(r"(\w+):(.*)\Z")


def normalize_event(event: dict) -> dict:
    """A copy of ``event`` with its grouping inputs normalised like Relay does; ``event`` is not mutated.

    Exceptions become ``{"values": [...]}`` (from a bare exception or a list); a top-level stack
    trace moves into a lone exception; empty stack traces, non-dict frames and exceptions without
    type and value are dropped; ``message`` forms become ``logentry``; the fingerprint becomes a
    list of strings; long values are trimmed.
    """
    if not isinstance(event, dict):
        raise TypeError(f"an event must be a dict, not {type(event).__name__}")
    platform = as_str(event.get("platform"))
    exceptions = _normalize_exceptions(_first(event, "exception", "sentry.interfaces.Exception"), platform)
    stacktrace = _normalize_stacktrace(_first(event, "stacktrace", "sentry.interfaces.Stacktrace"), platform)
    if len(exceptions) == 1 and stacktrace is not None:
        exceptions[0]["stacktrace"], stacktrace = stacktrace, None
    normalized = {key: value for key, value in event.items() if key not in _LEGACY_ALIASES}
    fields = {
        "platform": platform,
        "exception": {"values": exceptions} if exceptions else None,
        "stacktrace": stacktrace,
        "threads": _normalize_threads(event.get("threads"), platform),
        "logentry": _normalize_logentry(_first(event, "logentry", "sentry.interfaces.Message", "message")),
        "fingerprint": normalize_fingerprint(event.get("fingerprint")),
    }
    for key, value in fields.items():
        if value is None:
            normalized.pop(key, None)
        else:
            normalized[key] = value
    return normalized


def _normalize_exceptions(raw: Any, platform: str | None) -> list[dict]:
    """The exceptions, typed; of a chain longer than ``_MAX_EXCEPTIONS``, its first and last ones."""
    if isinstance(raw, dict):
        raw = raw.get("values") if "values" in raw else [raw]
    raw = as_list(raw)
    if len(raw) > _MAX_EXCEPTIONS:
        raw = raw[: _MAX_EXCEPTIONS // 2] + raw[-(_MAX_EXCEPTIONS // 2) :]
    exceptions = (_normalize_exception(item, platform) for item in raw)
    return [exception for exception in exceptions if exception is not None]


def _normalize_exception(raw: Any, platform: str | None) -> dict | None:
    if not isinstance(raw, dict):
        return None
    exc_type, value = as_str(raw.get("type")), _message_str(raw.get("value"))
    if not exc_type and value and (match := _TYPE_VALUE_RE.match(value)):
        exc_type, value = match.group(1), match.group(2).strip()
    if not exc_type and not value:
        return None
    return {
        **raw,
        "type": exc_type or None,
        "value": value,
        "module": as_str(raw.get("module")),
        "mechanism": _normalize_mechanism(raw.get("mechanism")),
        "stacktrace": _normalize_stacktrace(raw.get("stacktrace"), platform),
    }


def _normalize_mechanism(raw: Any) -> dict | None:
    if not isinstance(raw, dict):
        return None
    return {
        **raw,
        "type": as_str(raw.get("type")),
        "synthetic": raw.get("synthetic") is True,
        "is_exception_group": raw.get("is_exception_group") is True,
        "exception_id": _uint(raw.get("exception_id")),
        "parent_id": _uint(raw.get("parent_id")),
    }


def _normalize_stacktrace(raw: Any, platform: str | None) -> dict | None:
    """Frames typed, without the non-dict ones; only the last ``_MAX_FRAMES`` count, as in Relay."""
    if not isinstance(raw, dict):
        return None
    raw_frames = as_list(raw.get("frames"))[-_MAX_FRAMES:]
    frames = [frame for frame in (_normalize_frame(f, platform) for f in raw_frames) if frame]
    return {**raw, "frames": frames} if frames else None


def _normalize_frame(raw: Any, platform: str | None) -> dict | None:
    """Frame fields typed and trimmed; ``filename`` derived from ``abs_path`` when missing."""
    if not isinstance(raw, dict):
        return None
    frame = {
        **raw,
        "function": _trim(as_str(raw.get("function")), *_SYMBOL_MAX_CHARS),
        "raw_function": _trim(as_str(raw.get("raw_function")), *_SYMBOL_MAX_CHARS),
        "module": _trim(as_str(raw.get("module")), *_SYMBOL_MAX_CHARS),
        "package": _trim(as_str(raw.get("package")), *_SYMBOL_MAX_CHARS),
        "filename": _trim(as_str(raw.get("filename")), *_PATH_MAX_CHARS),
        "abs_path": _trim(as_str(raw.get("abs_path")), *_PATH_MAX_CHARS),
        "context_line": as_str(raw.get("context_line")),
        "platform": as_str(raw.get("platform")),
        "lineno": _uint(raw.get("lineno")),
        "colno": _uint(raw.get("colno")),
        "in_app": raw.get("in_app") if isinstance(raw.get("in_app"), bool) else None,
        "data": as_dict(raw.get("data")),
    }
    if not frame["abs_path"]:
        frame["abs_path"], frame["filename"] = frame["filename"], None
    if not frame["filename"] and frame["abs_path"]:
        frame["filename"] = _url_path(frame["abs_path"]) or frame["abs_path"]
    if platform == "javascript" and frame["filename"]:
        frame["filename"] = _strip_query_string(frame["filename"])
    return frame


def _normalize_threads(raw: Any, platform: str | None) -> dict | None:
    if isinstance(raw, dict):
        raw = raw.get("values")
    threads = [
        {
            **thread,
            "stacktrace": _normalize_stacktrace(thread.get("stacktrace"), platform),
            "crashed": thread.get("crashed") is True,
            "current": thread.get("current") is True,
        }
        for thread in as_list(raw)
        if isinstance(thread, dict)
    ]
    return {"values": threads} if threads else None


def _normalize_logentry(raw: Any) -> dict | None:
    """``{"message": template or None, "formatted": text}``; the template is kept only if it has params."""
    if isinstance(raw, str):
        raw = {"formatted": raw}
    if not isinstance(raw, dict):
        return None
    message, formatted = _message_str(raw.get("message")) or None, _message_str(raw.get("formatted")) or None
    if not message and not formatted:
        return None
    if formatted is None or message == formatted:
        formatted, message = formatted or message, message if raw.get("params") else None
    return {**raw, "message": message, "formatted": formatted}


def normalize_fingerprint(raw: Any) -> list[str] | None:
    values = [value for value in map(_fingerprint_str, as_list(raw)) if value is not None]
    return values or None


def _fingerprint_str(value: Any) -> str | None:
    """Relay's fingerprint entries: strings, integers and booleans (``True``/``False``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and abs(value) < 2**53:
        return str(int(value))
    return None


def _url_path(path: str) -> str | None:
    """The path of a URL (``http://x/a.js`` -> ``/a.js``), unless it is empty or ``/``."""
    if not path.startswith(URL_PREFIXES):
        return None
    try:
        url_path = urlsplit(path).path
    except ValueError:
        return None
    return url_path if url_path not in ("", "/") else None


def _strip_query_string(filename: str) -> str:
    try:
        query = urlsplit(filename).query
    except ValueError:
        return filename
    return filename.replace(f"?{query}", "") if query else filename


def _first(event: dict, *keys: str) -> Any:
    """The value of the first key present (not None), for fields with legacy aliases."""
    return next((event[key] for key in keys if event.get(key) is not None), None)


def _uint(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _message_str(value: Any) -> str | None:
    """A message-like field: JSON values serialised (like Relay's lenient strings), then trimmed."""
    if value is not None and not isinstance(value, str):
        try:
            value = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError, RecursionError):
            return None
    return _trim(value, _MESSAGE_MAX_CHARS)


def _trim(value: str | None, limit: int, allowance: int = 0) -> str | None:
    """Relay's trimming: strings longer than ``limit + allowance`` are cut to ``limit`` with "..."."""
    if value is None or len(value) <= limit + allowance:
        return value
    return value[: limit - 3] + "..."
