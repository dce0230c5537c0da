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
_TYPE_VALUE_RE = re.compile(r"(\w+):(.*)\Z")
# The normalised event holds only the fields grouping reads (those below, and platform,
# exceptions, stack traces, threads, log entry, fingerprint, checksum), so a grouping result is a
# function of them: the grouping cache (cache.py) keys on the same fields.
# Per-event values read only in some cases (a stackless exception's value, a message without a
# template, fingerprint rules and variables): reading them is noted (see ``Inputs``), by category.
VOLATILE_EVENT_FIELDS = {"transaction": "transaction", "level": "level", "logger": "logger", "release": "release",
                         "tags": "tags"}  # fmt: skip
FRAME_FIELDS = ("function", "raw_function", "module", "package", "filename", "abs_path", "context_line", "platform",
                "lineno", "colno", "in_app")  # fmt: skip
FRAME_DATA_FIELDS = ("category", "sourcemap")
MECHANISM_FIELDS = ("type", "synthetic", "is_exception_group", "exception_id", "parent_id")
THREAD_FIELDS = ("crashed", "current")
SDK_FIELDS = ("name", "version")
# What the security strategy reads of each report interface.
SECURITY_FIELDS = {"csp": ("effective_directive", "violated_directive", "blocked_uri"), "hpkp": ("hostname",),
                   "expectct": ("hostname",), "expectstaple": ("hostname",)}  # fmt: skip


class Inputs(dict):
    """A normalised dict whose per-event values note their category in ``reads`` when read."""

    __slots__ = ("reads", "volatile")

    def __init__(self, values: dict, reads: set, volatile: dict[str, str]):
        super().__init__(values)
        self.reads, self.volatile = reads, volatile

    def __getitem__(self, key):
        if key in self.volatile:
            self.reads.add(self.volatile[key])
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        if key in self.volatile:
            self.reads.add(self.volatile[key])
        return dict.get(self, key, default)


def normalize_event(event: dict, reads: set | None = None) -> dict:
    """A copy of ``event``'s grouping inputs normalised like Relay does; ``event`` is not mutated.

    Exceptions become ``{"values": [...]}`` (from a bare exception or a list); a top-level stack
    trace moves into a lone exception; empty stack traces, non-dict frames and exceptions without
    type and value are dropped; ``message`` forms become ``logentry``; the fingerprint becomes a
    list of strings; long values are trimmed. Only the fields grouping reads are kept; reading a
    per-event one (an exception's value, a message, a tag...) adds its category to ``reads``.
    """
    if not isinstance(event, dict):
        raise TypeError(f"an event must be a dict, not {type(event).__name__}")
    reads = set() if reads is None else reads
    platform = as_str(event.get("platform"))
    exceptions = [_normalize_exception(raw, platform, reads) for raw in raw_exceptions(event)]
    exceptions = [exception for exception in exceptions if exception is not None]
    stacktrace = _normalize_stacktrace(raw_stacktrace(event), platform)
    if len(exceptions) == 1 and stacktrace is not None:
        exceptions[0]["stacktrace"], stacktrace = stacktrace, None
    sdk = event.get("sdk")
    fields = {
        "platform": platform,
        "exception": {"values": exceptions} if exceptions else None,
        "stacktrace": stacktrace,
        "threads": _normalize_threads(raw_threads(event), platform),
        "logentry": normalize_logentry(event, reads),
        "fingerprint": normalize_fingerprint(event.get("fingerprint")),
        "checksum": event.get("checksum"),
        "sdk": dict(zip(SDK_FIELDS, map(sdk.get, SDK_FIELDS))) if isinstance(sdk, dict) else None,
        **{name: event.get(name) for name in VOLATILE_EVENT_FIELDS},
        **security_reports(event),
    }
    return Inputs(fields, reads, VOLATILE_EVENT_FIELDS)


def security_reports(event: dict) -> dict:
    """The fields of the security reports (CSP, HPKP, Expect-CT, Expect-Staple) grouping reads."""
    return {
        name: {field: report.get(field) for field in fields}
        for name, fields in SECURITY_FIELDS.items()
        if isinstance(report := event.get(name), dict) and report
    }


def raw_exceptions(event: dict) -> list:
    """The event's exceptions as sent (any type); of a chain longer than ``_MAX_EXCEPTIONS``, its first and last."""
    raw = _first(event, "exception", "sentry.interfaces.Exception")
    if isinstance(raw, dict):
        raw = raw.get("values") if "values" in raw else [raw]
    raw = as_list(raw)
    return raw[: _MAX_EXCEPTIONS // 2] + raw[-(_MAX_EXCEPTIONS // 2) :] if len(raw) > _MAX_EXCEPTIONS else raw


def raw_stacktrace(event: dict) -> Any:
    return _first(event, "stacktrace", "sentry.interfaces.Stacktrace")


def raw_frames(stacktrace: Any) -> list | None:
    """The frames of a stack trace as sent (any type), the last ``_MAX_FRAMES``; None if it is not a dict."""
    return as_list(stacktrace.get("frames"))[-_MAX_FRAMES:] if isinstance(stacktrace, dict) else None


def raw_threads(event: dict) -> list:
    raw = event.get("threads")
    return as_list(raw.get("values") if isinstance(raw, dict) else raw)


def frame_data(frame: dict) -> dict:
    """What grouping reads of a frame's ``data``: the category rules match, a source map's presence."""
    data = as_dict(frame.get("data"))
    return {key: data[key] for key in FRAME_DATA_FIELDS if key in data}


def _normalize_exception(raw: Any, platform: str | None, reads: set) -> dict | None:
    if not isinstance(raw, dict):
        return None
    exc_type, value = as_str(raw.get("type")), _message_str(raw.get("value"))
    if not exc_type:
        reads.add("value")  # the value decides whether there is an exception, and its type
        if value and (match := _TYPE_VALUE_RE.match(value)):
            exc_type, value = match.group(1), match.group(2).strip()
        if not exc_type and not value:
            return None
    fields = {
        "type": exc_type or None,
        "value": value,
        "mechanism": _normalize_mechanism(raw.get("mechanism")),
        "stacktrace": _normalize_stacktrace(raw.get("stacktrace"), platform),
    }
    return Inputs(fields, reads, {"value": "value"})


def _normalize_mechanism(raw: Any) -> dict | None:
    if not isinstance(raw, dict):
        return None
    mechanism_type, synthetic, is_exception_group, exception_id, parent_id = map(raw.get, MECHANISM_FIELDS)
    return {
        "type": as_str(mechanism_type),
        "synthetic": synthetic is True,
        "is_exception_group": is_exception_group is True,
        "exception_id": _uint(exception_id),
        "parent_id": _uint(parent_id),
    }


def _normalize_stacktrace(raw: Any, platform: str | None) -> dict | None:
    """Frames typed, without the non-dict ones; only the last ``_MAX_FRAMES`` count, as in Relay."""
    raw_list = raw_frames(raw)
    frames = [frame for frame in (_normalize_frame(f, platform) for f in raw_list or ()) if frame]
    return {"frames": frames} if frames else None


def _normalize_frame(raw: Any, platform: str | None) -> dict | None:
    """Frame fields typed and trimmed; ``filename`` derived from ``abs_path`` when missing."""
    if not isinstance(raw, dict):
        return None
    function, raw_function, module, package, filename, abs_path, context_line, frame_platform, lineno, colno, in_app = (
        map(raw.get, FRAME_FIELDS)
    )
    frame = {
        "function": _trim(as_str(function), *_SYMBOL_MAX_CHARS),
        "raw_function": _trim(as_str(raw_function), *_SYMBOL_MAX_CHARS),
        "module": _trim(as_str(module), *_SYMBOL_MAX_CHARS),
        "package": _trim(as_str(package), *_SYMBOL_MAX_CHARS),
        "filename": _trim(as_str(filename), *_PATH_MAX_CHARS),
        "abs_path": _trim(as_str(abs_path), *_PATH_MAX_CHARS),
        "context_line": as_str(context_line),
        "platform": as_str(frame_platform),
        "lineno": _uint(lineno),
        "colno": _uint(colno),
        "in_app": in_app if isinstance(in_app, bool) else None,
        "data": frame_data(raw),
    }
    if not frame["abs_path"]:
        frame["abs_path"], frame["filename"] = frame["filename"], None
    if not frame["filename"] and frame["abs_path"]:
        frame["filename"] = _url_path(frame["abs_path"]) or frame["abs_path"]
    if platform == "javascript" and frame["filename"]:
        frame["filename"] = _strip_query_string(frame["filename"])
    return frame


def _normalize_threads(raw: list, platform: str | None) -> dict | None:
    threads = [
        {
            "stacktrace": _normalize_stacktrace(thread.get("stacktrace"), platform),
            **{field: thread.get(field) is True for field in THREAD_FIELDS},
        }
        for thread in raw
        if isinstance(thread, dict)
    ]
    return {"values": threads} if threads else None


def normalize_logentry(event: dict, reads: set) -> dict | None:
    """The event's log entry (or message) normalised; reading its formatted text notes "message"."""
    logentry = logentry_fields(event)
    return Inputs(logentry, reads, {"formatted": "message"}) if logentry is not None else None


def logentry_fields(event: dict) -> dict | None:
    """``{"message": template or None, "formatted": text}`` of the event's log entry (or message)."""
    return _normalize_logentry(_first(event, "logentry", "sentry.interfaces.Message", "message"))


def _normalize_logentry(raw: Any) -> dict | None:
    """The template is kept only if it has params."""
    if isinstance(raw, str):
        raw = {"formatted": raw}
    if not isinstance(raw, dict):
        return None
    message, formatted = _message_str(raw.get("message")) or None, _message_str(raw.get("formatted")) or None
    if not message and not formatted:
        return None
    if formatted is None or message == formatted:
        formatted, message = formatted or message, message if raw.get("params") else None
    return {"message": message, "formatted": formatted}


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
