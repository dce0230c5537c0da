"""Group sentry-sdk events the way Sentry does, with its grouping config ``newstyle:2023-01-11``.

A standard-library port of Sentry's server-side grouping (``src/sentry/grouping`` in
getsentry/sentry). The module reads top-down:

1. normalisation: the event is cleaned up the way Relay does before Sentry sees it;
2. rules: stack-trace rules decide which frames are in-app and which count
   (``+app``/``-app``, ``+group``/``-group``); fingerprint rules may replace the fingerprint;
3. variants: a tree of grouping components is built per variant (``app``: in-app frames only,
   ``system``: all frames, ``default``: message) from the exception chain, the threads, the
   stack trace or the message; a fingerprint or a checksum replaces or salts them;
4. hashing: a variant's hash is the md5 of its contributing leaf values, concatenated.

Project settings that Sentry keeps server-side may be given inside the event, as Sentry's own
test inputs do: ``_grouping.enhancements`` (stack-trace rules, one per line) and
``_fingerprinting_rules`` (a list of ``{"matchers": [[key, pattern], ...], "fingerprint": [...]}``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import groupby, islice
from typing import Any
from urllib.parse import urlsplit

FALLBACK_HASH = hashlib.md5(b"").hexdigest()


@dataclass(frozen=True)
class Grouping:
    """How an event is grouped."""

    hashes: list[str]  # every contributing hash, primary first
    variant: str  # name of the primary variant: "app", "system", "custom-fingerprint", ...
    description: str  # short "grouped by" text for people
    components: list[str]  # the values hashed for the primary variant, shortened


def get_grouping_hashes(event: dict) -> list[str]:
    """All contributing hashes of the event, primary first.

    The app variant comes before the system one, hashed-checksum before checksum.
    """
    return get_grouping(event).hashes


def get_grouping(event: dict) -> Grouping:
    """Group ``event``. Never raises for a dict, whatever it holds; raises TypeError otherwise."""
    variants = _calculate_variants(event)
    hashes = list(dict.fromkeys(v.hash for v in variants if v.hash is not None))
    primary = next(v for v in variants if v.hash == hashes[0])
    return Grouping(hashes, primary.name, primary.description, _shorten_all(primary.values))


@dataclass
class _Variant:
    name: str
    hash: str | None
    values: list[str]  # what was hashed, in order
    description: str


def _calculate_variants(event: dict) -> list[_Variant]:
    """Every variant Sentry computes for the event, ordered as its hashes are ("system" last)."""
    ev = normalize_event(event)
    rules = _rules(_str(_dict(event.get("_grouping")).get("enhancements")))
    for frames, exception in _stacktraces(ev):
        _apply_frame_modifications(frames, rules, ev.get("platform"), exception)
    project_fingerprint_rules = _parse_fingerprint_rules(event.get("_fingerprinting_rules"))
    fingerprint, builtin = _server_fingerprint(ev, project_fingerprint_rules)
    variants = _checksum_variants(ev) or _fingerprint_variants(ev, rules, fingerprint, builtin)
    if all(v.hash is None for v in variants):
        variants.append(_Variant("fallback", FALLBACK_HASH, [], "nothing to group by (fallback hash)"))
    return sorted(variants, key=lambda v: v.name == "system")


# --- Normalisation (what Relay does before grouping) ----------------------------------------

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
_URL_PREFIXES = ("file:", "http:", "https:", "applewebdata:")


def normalize_event(event: dict) -> dict:
    """A copy of ``event`` with its grouping inputs normalised like Relay does; ``event`` is not mutated.

    Exceptions become ``{"values": [...]}`` (from a bare exception or a list); a top-level stack
    trace moves into a lone exception; empty stack traces, non-dict frames and exceptions without
    type and value are dropped; ``message`` forms become ``logentry``; the fingerprint becomes a
    list of strings; long values are trimmed.
    """
    if not isinstance(event, dict):
        raise TypeError(f"an event must be a dict, not {type(event).__name__}")
    platform = _str(event.get("platform"))
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
        "fingerprint": _normalize_fingerprint(event.get("fingerprint")),
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
    raw = _list(raw)
    if len(raw) > _MAX_EXCEPTIONS:
        raw = raw[: _MAX_EXCEPTIONS // 2] + raw[-(_MAX_EXCEPTIONS // 2) :]
    exceptions = (_normalize_exception(item, platform) for item in raw)
    return [exception for exception in exceptions if exception is not None]


def _normalize_exception(raw: Any, platform: str | None) -> dict | None:
    if not isinstance(raw, dict):
        return None
    exc_type, value = _str(raw.get("type")), _message_str(raw.get("value"))
    if not exc_type and value and (match := _TYPE_VALUE_RE.match(value)):
        exc_type, value = match.group(1), match.group(2).strip()
    if not exc_type and not value:
        return None
    return {
        **raw,
        "type": exc_type or None,
        "value": value,
        "module": _str(raw.get("module")),
        "mechanism": _normalize_mechanism(raw.get("mechanism")),
        "stacktrace": _normalize_stacktrace(raw.get("stacktrace"), platform),
    }


def _normalize_mechanism(raw: Any) -> dict | None:
    if not isinstance(raw, dict):
        return None
    return {
        **raw,
        "type": _str(raw.get("type")),
        "synthetic": raw.get("synthetic") is True,
        "is_exception_group": raw.get("is_exception_group") is True,
        "exception_id": _uint(raw.get("exception_id")),
        "parent_id": _uint(raw.get("parent_id")),
    }


def _normalize_stacktrace(raw: Any, platform: str | None) -> dict | None:
    """Frames typed, without the non-dict ones; only the last ``_MAX_FRAMES`` count, as in Relay."""
    if not isinstance(raw, dict):
        return None
    raw_frames = _list(raw.get("frames"))[-_MAX_FRAMES:]
    frames = [frame for frame in (_normalize_frame(f, platform) for f in raw_frames) if frame]
    return {**raw, "frames": frames} if frames else None


def _normalize_frame(raw: Any, platform: str | None) -> dict | None:
    """Frame fields typed and trimmed; ``filename`` derived from ``abs_path`` when missing."""
    if not isinstance(raw, dict):
        return None
    frame = {
        **raw,
        "function": _trim(_str(raw.get("function")), *_SYMBOL_MAX_CHARS),
        "raw_function": _trim(_str(raw.get("raw_function")), *_SYMBOL_MAX_CHARS),
        "module": _trim(_str(raw.get("module")), *_SYMBOL_MAX_CHARS),
        "package": _trim(_str(raw.get("package")), *_SYMBOL_MAX_CHARS),
        "filename": _trim(_str(raw.get("filename")), *_PATH_MAX_CHARS),
        "abs_path": _trim(_str(raw.get("abs_path")), *_PATH_MAX_CHARS),
        "context_line": _str(raw.get("context_line")),
        "platform": _str(raw.get("platform")),
        "lineno": _uint(raw.get("lineno")),
        "colno": _uint(raw.get("colno")),
        "in_app": raw.get("in_app") if isinstance(raw.get("in_app"), bool) else None,
        "data": _dict(raw.get("data")),
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
        for thread in _list(raw)
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


def _normalize_fingerprint(raw: Any) -> list[str] | None:
    values = [value for value in map(_fingerprint_str, _list(raw)) if value is not None]
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
    if not path.startswith(_URL_PREFIXES):
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


def _stacktraces(ev: dict) -> Iterator[tuple[list[dict], dict | None]]:
    """Every stack trace's frames with the exception it belongs to (None for threads and top level)."""
    for exception in _exceptions(ev):
        if exception["stacktrace"]:
            yield exception["stacktrace"]["frames"], exception
    if ev.get("stacktrace"):
        yield ev["stacktrace"]["frames"], None
    for thread in _dict(ev.get("threads")).get("values") or ():
        if thread["stacktrace"]:
            yield thread["stacktrace"]["frames"], None


def _exceptions(ev: dict) -> list[dict]:
    return _dict(ev.get("exception")).get("values") or []


# --- Stack-trace rules ("enhancements") -------------------------------------------------------

# Sentry's built-in rules for newstyle:2023-01-11 (enhancement-configs/newstyle@2023-01-11.txt),
# without the rules for native platforms, Dart and Flutter.
_BUILTIN_STACKTRACE_RULES_TEXT = r"""
module:dalvik.system.* category=system
module:com.android.* category=system
module:com.lenovo.lsf.* category=system
module:com.lenovo.payplus.* category=system
module:java.* category=std
module:com.google.crypto.* category=std
module:com.google.android.* category=std
module:javax.crypto.* category=std
module:android.database.* category=std
module:androidx.* category=std
module:android.* category=std
module:android.os.* category=system
module:android.view.* category=ui
module:android.text.* category=ui
module:android.widget.* category=ui
module:android.app.Dialog category=ui
module:androidx.*.widget.* category=ui
module:com.google.android.material.* category=ui
category:ui function:handleMessage category=indirection
category:ui function:run category=indirection
module:android.os.AsyncTask* function:call category=threadbase
module:java.util.concurrent.ThreadPoolExecutor* function:runWorker category=threadbase
module:android.os.* function:call category=threadbase
module:android.app.ActivityThread function:main category=threadbase
module:android.view.View function:layout category=threadbase
module:android.os.Looper function:loop category=threadbase
module:android.os.Handler function:dispatchMessage category=threadbase
module:android.os.Handler function:handleCallback category=threadbase
module:android.app.ActivityThread* function:handleMessage category=threadbase
module:java.lang.reflect.* category=indirection
module:java.lang.Class function:getMethod category=indirection
module:androidx.work.impl.utils.ForceStopRunnable category=indirection
module:cn.gundam.sdk.* category=telemetry
module:com.lenovo.payplus.analytics.* category=telemetry
module:java.lang.System function:loadLibrary category=load
module:java.lang.Runtime function:loadLibrary* category=load
category:system -app
category:threadbase -group v-group
category:telemetry -group
category:indirection -group
category:internals -group
[ !category:system ] | category:system | [ !category:system ] category=indirection
[ category:system ] | category:system category=internals
[ category:std ] | category:system category=internals
[ category:std ] | category:std category=internals
[ category:ui ] | category:ui category=internals
[ category:ui ] | category:system category=internals
[ category:internals ] | category:system category=internals
[ category:internals ] | category:ui category=internals
[ category:load ] | category:system category=internals
[ category:load ] | category:load category=internals
path:**/vendor/** -app
path:**/site-packages/** -app
path:**/dist-packages/** -app
path:**/node_modules/** -app
module:unpkg/** -app
path:**https://unpkg.com/** -app
path:**https://cdnjs.cloudflare.com/** -app
path:**https://cdn.jsdelivr.net/** -app
path:**https://esm.run/** -app
family:javascript function:reportError ^-app -app
module:@babel/** -app -group
module:core-js/** -app -group
module:regenerator-runtime/** -app -group
module:tslib/** -app -group
family:javascript function:_callSuper -app -group
function:runMicrotasks -app -group
function:queueMicrotask -app -group
function:processTicksAndRejections -app -group
function:runNextTicks -app -group
function:nextTick -app -group
path:**/go/pkg/mod/** -app
module:akka.* category=framework
module:com.fasterxml.* category=framework
module:com.microsoft.* category=framework
module:com.sun.* category=framework
module:feign.* category=framework
module:io.opentelemetry.* category=framework
module:io.sentry.* category=framework -group
module:jdk.* category=framework
module:oauth.* category=framework
module:org.apache.* category=framework
module:org.glassfish.* category=framework
module:org.jboss.* category=framework
module:org.jdesktop.* category=framework
module:org.postgresql.* category=framework
module:org.springframework.* category=framework
module:org.web3j.* category=framework
module:reactor.core.* category=framework
module:scala.* category=framework
module:sun.* category=framework
category:framework -app
module:kotlin.* -app
module:kotlinx.* -app
module:io.ktor.* -app
module:io.netty.* -app
module:newrelic -app -group
path:**/*newrelic*/** -app -group
path:**/*LogRocket*/** -app -group
"""

_MATCHER_KEYS = {
    "path": "path", "stack.abs_path": "path", "module": "module", "stack.module": "module",
    "function": "function", "stack.function": "function", "package": "package", "stack.package": "package",
    "family": "family", "app": "app", "category": "category", "type": "type", "error.type": "type",
    "value": "value", "error.value": "value", "mechanism": "mechanism", "error.mechanism": "mechanism",
}  # fmt: skip
_RULE_TOKEN_RE = re.compile(
    r"""\s*(?:
        (?P<bracket>[\[\]|])
      | (?P<comment>\#.*)
      | (?P<negated>!?)(?P<key>[a-zA-Z][\w.]*):(?P<pattern>"(?:[^"\\]|\\.)*"|[^\s\[\]|]+)
      | (?P<range>[v^]?)(?P<sign>[+-])(?P<flag>app|group)\b
      | (?P<var>[a-zA-Z][\w-]*)=(?P<var_value>"(?:[^"\\]|\\.)*"|\S+)
    )""",
    re.X,
)


@dataclass(frozen=True)
class _FrameMatcher:
    key: str  # one of the values of _MATCHER_KEYS
    pattern: str
    negated: bool
    offset: int  # 0: this frame, -1: the calling frame ("[ ... ] |"), +1: the called frame ("| [ ... ]")

    def hits(self, frames: _Frames, platform: str | None, exception: dict | None) -> list[bool]:
        """For each frame, whether the matcher matches it."""
        hits = [hit != self.negated for hit in self._positive_hits(frames, platform, exception or {})]
        if self.offset < 0:
            return [False, *hits[:-1]]
        if self.offset > 0:
            return [*hits[1:], False]
        return hits

    def _positive_hits(self, frames: _Frames, platform: str | None, exception: dict) -> list[bool]:
        key, pattern = self.key, self.pattern
        if key in ("type", "value", "mechanism"):
            field = _dict(exception.get("mechanism")).get("type") if key == "mechanism" else exception.get(key)
            return [_glob_matches(field, pattern)] * len(frames)
        if key == "family":
            families = pattern.split(",")
            return ["all" in families or _family(frame["platform"] or platform) in families for frame in frames]
        if key == "app":
            return [_bool_from_string(pattern) == bool(frame["in_app"]) for frame in frames]
        if key in ("path", "package"):
            return [_path_matches(_frame_field(frame, key), pattern) for frame in frames]
        regex = _glob_regex(pattern, False, False)
        fields = [_frame_field(frame, key) for frame in frames]
        return [isinstance(field, str) and regex.match(field) is not None for field in fields]


def _frame_field(frame: dict, key: str) -> str | None:
    """The value a ``path``, ``package``, ``module``, ``function`` or ``category`` matcher tests."""
    if key == "path":
        return frame["abs_path"] or frame["filename"]
    if key == "function":
        return frame["function"] or frame["raw_function"]
    if key == "category":
        return _str(frame["data"].get("category"))
    return frame[key]


@dataclass(frozen=True)
class _Action:
    key: str  # "app", "group" or "category"
    value: bool | str
    range: str = ""  # "^": the frames after (towards the crash), "v": the frames before


@dataclass(frozen=True)
class _StacktraceRule:
    matchers: tuple[_FrameMatcher, ...]
    actions: tuple[_Action, ...]

    def matching_indexes(self, frames: _Frames, platform: str | None, exception: dict | None) -> list[int]:
        hits = [True] * len(frames)
        for matcher in self.matchers:
            if not any(hits):
                break
            hits = [hit and matched for hit, matched in zip(hits, matcher.hits(frames, platform, exception))]
        return [index for index, hit in enumerate(hits) if hit]


def _parse_stacktrace_rules(text: Any) -> tuple[_StacktraceRule, ...]:
    """Rules from Sentry's stack-trace rule syntax; lines that do not parse are skipped."""
    rules = (_parse_stacktrace_rule(line) for line in text.splitlines()) if isinstance(text, str) else ()
    return tuple(rule for rule in rules if rule is not None)


def _parse_stacktrace_rule(line: str) -> _StacktraceRule | None:
    """``[ caller matchers ] | frame matchers | [ callee matchers ] actions``."""
    matchers: list[_FrameMatcher] = []
    actions: list[_Action] = []
    position, offset = 0, 0
    while (token := _RULE_TOKEN_RE.match(line, position)) and not token["comment"]:
        position = token.end()
        if token["bracket"] == "[":
            offset = 1 if any(m.offset == 0 for m in matchers) else -1
        elif token["bracket"] == "]":
            offset = 0
        elif token["key"]:
            if token["key"] not in _MATCHER_KEYS:
                return None
            key, pattern = _MATCHER_KEYS[token["key"]], _unquote(token["pattern"])
            matchers.append(_FrameMatcher(key, pattern, bool(token["negated"]), offset))
        elif token["flag"]:
            actions.append(_Action(token["flag"], token["sign"] == "+", token["range"]))
        elif token["var"] == "category":
            actions.append(_Action("category", _unquote(token["var_value"])))
    if (token is None and line[position:].strip()) or not matchers or not actions:
        return None
    return _StacktraceRule(tuple(matchers), tuple(actions))


def _unquote(value: str) -> str:
    return value[1:-1].replace('\\"', '"') if value.startswith('"') else value


_Frames = list[dict]


class _Rules(tuple):
    """Stack-trace rules (built-in, then the project's), hashed once: they key the memo of outcomes."""

    def __init__(self, rules):
        self.reads_exception = any(m.key in ("type", "value", "mechanism") for r in self for m in r.matchers)
        self._hash = tuple.__hash__(self)

    def __hash__(self) -> int:
        return self._hash


_BUILTIN_STACKTRACE_RULES = _parse_stacktrace_rules(_BUILTIN_STACKTRACE_RULES_TEXT)


@lru_cache(maxsize=64)
def _rules(project_rules_text: str | None) -> _Rules:
    return _Rules(_BUILTIN_STACKTRACE_RULES + _parse_stacktrace_rules(project_rules_text))


_OUTCOMES: dict = {}  # rule outcomes by what the rules read (see _memoised); emptied when full
_OUTCOMES_MAX = 20_000


def _memoised(function):
    """Memoise ``function(frames, rules, platform, exception)`` on the inputs rule matchers read.

    Real stack traces repeat: the ~110 built-in rules need not be matched again for each event.
    """

    def wrapper(frames: _Frames, rules: _Rules, platform: str | None, exception: dict | None):
        exc = exception or {}
        key = (
            function, rules, platform,
            (_str(exc.get("type")), _str(exc.get("value")), _str(_dict(exc.get("mechanism")).get("type")))
            if rules.reads_exception else None,
            tuple([
                (f["abs_path"], f["filename"], f["function"], f["raw_function"], f["module"], f["package"],
                 f["platform"], f["in_app"], _str(f["data"].get("category")))
                for f in frames
            ]),
        )  # fmt: skip
        if (outcome := _OUTCOMES.get(key)) is None:
            if len(_OUTCOMES) >= _OUTCOMES_MAX:
                _OUTCOMES.clear()
            outcome = _OUTCOMES[key] = function(frames, rules, platform, exception)
        return outcome

    return wrapper


def _apply_frame_modifications(frames: _Frames, rules: _Rules, platform: str | None, exception: dict | None) -> None:
    """Set each frame's ``in_app`` (``+app``/``-app``, default False) and ``data.category`` by the rules."""
    for frame, (in_app, category) in zip(frames, _frame_modifications(frames, rules, platform, exception)):
        frame["in_app"] = in_app
        if category is not None:
            frame["data"] = {**frame["data"], "category": category}


@_memoised
def _frame_modifications(frames: _Frames, rules: _Rules, platform: str | None, exception: dict | None) -> tuple:
    """Per frame, its ``in_app`` and the category the rules set (None: unchanged)."""
    frames = [{**frame} for frame in frames]  # later rules see what earlier ones did
    categories: list[str | None] = [None] * len(frames)
    for rule in rules:
        actions = [action for action in rule.actions if action.key != "group"]
        for index in rule.matching_indexes(frames, platform, exception) if actions else ():
            for action in actions:
                for target in _action_targets(range(len(frames)), index, action.range):
                    if action.key == "app":
                        frames[target]["in_app"] = action.value
                    else:
                        frames[target]["data"] = {**frames[target]["data"], action.key: action.value}
                        categories[target] = action.value
    return tuple((bool(frame["in_app"]), category) for frame, category in zip(frames, categories))


@_memoised
def _group_verdicts(frames: _Frames, rules: _Rules, platform: str | None, exception: dict | None) -> tuple:
    """Per frame: True (``+group``), False (``-group``) or None when no rule decides."""
    verdicts: list[bool | None] = [None] * len(frames)
    for rule in rules:
        actions = [action for action in rule.actions if action.key == "group"]
        for index in rule.matching_indexes(frames, platform, exception) if actions else ():
            for action in actions:
                for target in _action_targets(range(len(frames)), index, action.range):
                    verdicts[target] = action.value
    return tuple(verdicts)


def _action_targets(items: Any, index: int, direction: str) -> Any:
    if direction == "^":
        return items[index + 1 :]
    if direction == "v":
        return items[:index]
    return items[index : index + 1]


# --- Fingerprints ----------------------------------------------------------------------------

_HYDRATION_ERRORS = (
    "Hydration failed because the initial UI does not match what was rendered on the server.",
    "The server could not finish this Suspense boundary, likely due to an error during server rendering."
    " Switched to client rendering.",
    "There was an error while hydrating this Suspense boundary. Switched to client rendering.",
    "There was an error while hydrating. Because the error happened outside of a Suspense boundary,"
    " the entire root will switch to client rendering.",
    "Text content does not match server-rendered HTML.",
)
_FINGERPRINT_MATCHER_KEYS = {
    "type": "type", "error.type": "type", "value": "value", "error.value": "value", "message": "message",
    "logger": "logger", "level": "level", "module": "module", "stack.module": "module",
    "function": "function", "stack.function": "function", "path": "path", "stack.abs_path": "path",
    "package": "package", "stack.package": "package", "family": "family", "app": "app", "sdk": "sdk",
    "release": "release",
}  # fmt: skip
_FINGERPRINT_MATCH_GROUPS = {
    "message": "toplevel", "logger": "log_info", "level": "log_info", "type": "exceptions",
    "value": "exceptions", "sdk": "sdk", "family": "family", "release": "release",
}  # fmt: skip
_FINGERPRINT_VARIABLE_RE = re.compile(r"\{\{\s*(\S+)\s*\}\}")


@dataclass(frozen=True)
class _FingerprintRule:
    matchers: tuple[tuple[str, str, bool], ...]  # (key, pattern, negated)
    fingerprint: tuple[str, ...]
    builtin: bool = False


# Sentry's built-in rules (fingerprinting/configs/javascript@2024-02-02).
_JAVASCRIPT = ("family", "javascript", False)
_BUILTIN_FINGERPRINT_RULES = (
    _FingerprintRule((_JAVASCRIPT, ("type", "ChunkLoadError", False)), ("chunkloaderror",), True),
    _FingerprintRule((_JAVASCRIPT, ("value", "ChunkLoadError*", False)), ("chunkloaderror",), True),
    *(
        _FingerprintRule(
            (_JAVASCRIPT, ("tags.transaction", "*", False), ("message", message, False)),
            ("hydrationerror", "{{tags.transaction}}"),
            True,
        )
        for message in _HYDRATION_ERRORS
    ),
)


def _parse_fingerprint_rules(raw: Any) -> tuple[_FingerprintRule, ...]:
    """Server-side rules given as ``{"matchers": [[key, pattern], ...], "fingerprint": [...]}``."""
    rules = []
    for item in _list(raw):
        matchers = [_fingerprint_matcher(m) for m in _list(_dict(item).get("matchers"))]
        fingerprint = _normalize_fingerprint(_dict(item).get("fingerprint"))
        if matchers and None not in matchers and fingerprint:
            rules.append(_FingerprintRule(tuple(matchers), tuple(fingerprint)))
    return tuple(rules)


def _fingerprint_matcher(raw: Any) -> tuple[str, str, bool] | None:
    if not (isinstance(raw, list) and len(raw) == 2 and all(isinstance(part, str) for part in raw)):
        return None
    key, pattern = raw
    negated = key.startswith("!")
    key = key.lstrip("!")
    if key.startswith("tags."):
        return key, pattern, negated
    return (_FINGERPRINT_MATCHER_KEYS[key], pattern, negated) if key in _FINGERPRINT_MATCHER_KEYS else None


def _server_fingerprint(ev: dict, project_rules: tuple[_FingerprintRule, ...]) -> tuple[list[str] | None, bool]:
    """The fingerprint after server rules (the project's, then built-in ones); True if a built-in one set it."""
    values = _fingerprint_match_values(ev)
    for rule in project_rules + _BUILTIN_FINGERPRINT_RULES:
        if _fingerprint_rule_matches(rule, values):
            return list(rule.fingerprint), rule.builtin
    return ev.get("fingerprint"), False


def _fingerprint_rule_matches(rule: _FingerprintRule, values: dict[str, list[dict]]) -> bool:
    """Matchers are grouped (exceptions, frames, tags...); each group must match one value set."""
    groups: dict[str, list[tuple[str, str, bool]]] = {}
    for matcher in rule.matchers:
        key = matcher[0]
        group = "tags" if key.startswith("tags.") else _FINGERPRINT_MATCH_GROUPS.get(key, "frames")
        groups.setdefault(group, []).append(matcher)
    return all(
        any(
            all(_fingerprint_value_matches(key, pattern, candidate) != negated for key, pattern, negated in matchers)
            for candidate in values[group]
        )
        for group, matchers in groups.items()
    )


def _fingerprint_value_matches(key: str, pattern: str, values: dict) -> bool:
    if key == "path":
        return any(_path_matches(values.get(k), pattern) for k in ("abs_path", "filename"))
    if key == "message":
        return any(_glob_matches(values.get(k), pattern, ignorecase=True) for k in ("message", "value"))
    value = values.get(key)
    if value is None:
        return False
    if key in ("package", "release"):
        return _path_matches(value, pattern)
    if key in ("family", "sdk"):
        return "all" in pattern.split(",") or value in pattern.split(",")
    if key == "app":
        return _bool_from_string(pattern) == value
    return _glob_matches(value, pattern, ignorecase=key in ("level", "value"))


def _fingerprint_match_values(ev: dict) -> dict[str, list[dict]]:
    """The event's values for fingerprint matchers, by matcher group."""
    exceptions = [{"type": e["type"], "value": e["value"]} for e in _exceptions(ev)]
    formatted = _dict(ev.get("logentry")).get("formatted")
    sdk_name = _str(_dict(ev.get("sdk")).get("name"))
    release = _str(ev.get("release"))
    log_info = {key: ev[key] for key in ("logger", "level") if isinstance(ev.get(key), str) and ev[key]}
    frames = [frame for frames, _ in _stacktraces(ev) for frame in frames]
    frame_keys = ("function", "abs_path", "filename", "module", "package")
    return {
        "toplevel": ([{"message": formatted}] if formatted else []) + exceptions,
        "log_info": [log_info] if log_info else [],
        "exceptions": exceptions,
        "frames": [{**{key: frame[key] for key in frame_keys}, "app": frame["in_app"]} for frame in frames],
        "tags": [{f"tags.{key}": value for key, value in _tags(ev)}],
        "sdk": [{"sdk": sdk_name}] if sdk_name else [],
        "family": [{"family": _family(ev.get("platform"))}],
        "release": [{"release": release}] if release else [],
    }


def _fingerprint_variable(value: str) -> str | None:
    match = _FINGERPRINT_VARIABLE_RE.match(value)
    return match.group(1) if match and match.end() == len(value) else None


def _resolve_fingerprint(fingerprint: list[str], ev: dict) -> list[str]:
    """Replace ``{{ variable }}`` entries, except ``{{ default }}``, by the event's values."""
    resolved = []
    for value in fingerprint:
        name = _fingerprint_variable(value)
        if name not in (None, "default"):
            value = _fingerprint_variable_value(name, ev) or value
        resolved.append(value)
    return resolved


def _fingerprint_variable_value(name: str, ev: dict) -> str | None:
    if name.startswith("tags."):
        tag = name[5:]
        return next((value for key, value in _tags(ev) if key == tag), f"<no-value-for-tag-{tag}>")
    if name not in _FINGERPRINT_VARIABLES:
        return None
    getter, placeholder = _FINGERPRINT_VARIABLES[name]
    return getter(ev) or placeholder


def _last_exception(ev: dict) -> dict:
    return (_exceptions(ev) or [{}])[-1]


def _crash_frame(ev: dict) -> dict:
    """The last in-app frame of the main stack trace, else its last frame."""
    threads = _dict(ev.get("threads")).get("values") or []
    stacktrace = (
        _last_exception(ev).get("stacktrace")
        or ev.get("stacktrace")
        or (threads[0]["stacktrace"] if len(threads) == 1 else None)
    )
    frames = stacktrace["frames"] if stacktrace else []
    return next((f for f in reversed(frames) if f["in_app"]), frames[-1] if frames else {})


_FINGERPRINT_VARIABLES: dict[str, tuple[Callable[[dict], Any], str]] = {
    "transaction": (lambda ev: _str(ev.get("transaction")), "<no-transaction>"),
    "message": (lambda ev: _event_message(ev) or _last_exception(ev).get("value"), "<no-message>"),
    "type": (lambda ev: _last_exception(ev).get("type"), "<no-type>"),
    "error.type": (lambda ev: _last_exception(ev).get("type"), "<no-type>"),
    "value": (lambda ev: _last_exception(ev).get("value"), "<no-value>"),
    "error.value": (lambda ev: _last_exception(ev).get("value"), "<no-value>"),
    "function": (lambda ev: _crash_frame(ev).get("function"), "<no-function>"),
    "stack.function": (lambda ev: _crash_frame(ev).get("function"), "<no-function>"),
    "path": (lambda ev: _crash_frame(ev).get("abs_path"), "<no-abs-path>"),
    "stack.abs_path": (lambda ev: _crash_frame(ev).get("abs_path"), "<no-abs-path>"),
    "stack.filename": (lambda ev: _crash_frame(ev).get("filename"), "<no-filename>"),
    "module": (lambda ev: _crash_frame(ev).get("module"), "<no-module>"),
    "stack.module": (lambda ev: _crash_frame(ev).get("module"), "<no-module>"),
    "package": (lambda ev: _crash_frame(ev).get("package"), "<no-package>"),
    "stack.package": (lambda ev: _crash_frame(ev).get("package"), "<no-package>"),
    "level": (lambda ev: _str(ev.get("level")), "<no-level>"),
    "logger": (lambda ev: _str(ev.get("logger")), "<no-logger>"),
}


def _event_message(ev: dict) -> str | None:
    logentry = _dict(ev.get("logentry"))
    return logentry.get("formatted") or logentry.get("message")


def _tags(ev: dict) -> list[tuple[str, str]]:
    raw = ev.get("tags")
    if isinstance(raw, dict):
        pairs = raw.items()
    else:
        pairs = (pair for pair in _list(raw) if isinstance(pair, list) and len(pair) == 2)
    return [(key, value) for key, value in pairs if isinstance(key, str) and isinstance(value, str)]


# --- Variants -------------------------------------------------------------------------------

_CHECKSUM_RE = re.compile(r"^[0-9a-f]{32}$")


def _checksum_variants(ev: dict) -> list[_Variant]:
    """A legacy ``checksum`` replaces grouping: used as is if it is an md5, else hashed."""
    checksum = _str(ev.get("checksum"))
    if not checksum:
        return []
    as_is = _Variant("checksum", checksum, [checksum], f"checksum {_quote(checksum)}")
    if _CHECKSUM_RE.match(checksum):
        return [as_is]
    hashed = _Variant("hashed-checksum", _hash([checksum]), [checksum], f"hashed checksum {_quote(checksum)}")
    return [hashed, as_is] if len(checksum) <= 32 else [hashed]


def _fingerprint_variants(ev: dict, rules: _Rules, fingerprint: list[str] | None, builtin: bool) -> list[_Variant]:
    """Component variants, salted by a fingerprint with ``{{ default }}``, or one fingerprint variant."""
    fingerprint = fingerprint or ["{{ default }}"]
    if not any(_fingerprint_variable(value) == "default" for value in fingerprint):
        values = _resolve_fingerprint(fingerprint, ev)
        name, label = ("built-in-fingerprint", "built-in") if builtin else ("custom-fingerprint", "custom")
        return [_Variant(name, _hash(values), values, f"{label} fingerprint {_json(values)}")]
    trees = _component_trees(ev, rules)
    if len(fingerprint) == 1:
        return [_tree_variant(name, root, ev) for name, root in trees.items()]
    salt = _resolve_fingerprint(fingerprint, ev)
    return [_salted_variant(name, root, salt, ev) for name, root in trees.items()]


def _tree_variant(name: str, root: _Component, ev: dict) -> _Variant:
    values = list(root.leaves())
    return _Variant(name, _hash(values) if root.contributes else None, values, _describe_tree(name, root, ev))


def _salted_variant(name: str, root: _Component, salt: list[str], ev: dict) -> _Variant:
    """The fingerprint's values with ``{{ default }}`` replaced by the tree's values."""
    leaves = list(root.leaves())
    values = [v for entry in salt for v in (leaves if _fingerprint_variable(entry) == "default" else [entry])]
    description = f"{_describe_tree(name, root, ev)} and custom fingerprint {_json(salt)}"
    return _Variant(name, _hash(values) if root.contributes else None, values, description)


def _component_trees(ev: dict, rules: _Rules) -> dict[str, _Component]:
    """One root per variant with every strategy's component; only the first contributing strategy counts."""
    children: dict[str, list[_Component]] = {}
    winner = None
    for strategy in _STRATEGIES:
        for name, component in strategy(ev, rules).items():
            children.setdefault(name, []).append(component)
            if component.contributes:
                if winner is None:
                    winner = strategy
                elif strategy is not winner:
                    component.contributes = False
    return {name: _Component(name, components) for name, components in children.items()}


def _stack_variants(variants: dict[str, _Component]) -> dict[str, _Component]:
    """Sentry's post-processing of app/system variants.

    A system variant hashing like the app variant does not contribute, and when some variant
    has a contributing stack trace, the variants without one do not contribute.
    """
    app, system = variants.get("app"), variants.get("system")
    if app and system and app.contributes and system.contributes:
        system.contributes = _hash(app.leaves()) != _hash(system.leaves())
    with_stacktrace = [c for c in variants.values() if c.has_contributing("stacktrace")]
    if len(variants) > 1 and with_stacktrace:
        for component in variants.values():
            if component not in with_stacktrace:
                component.contributes = False
    return variants


# --- Components -------------------------------------------------------------------------------


class _Component:
    """A node of Sentry's grouping tree: its kind and its child components or leaf values."""

    __slots__ = ("kind", "children", "contributes")

    def __init__(self, kind: str, children: Iterable[_Component | str] = (), contributes: bool | None = None):
        self.kind = kind
        self.children = list(children)
        if contributes is None:
            contributes = any(not isinstance(c, _Component) or c.contributes for c in self.children)
        self.contributes = contributes

    def leaves(self) -> Iterator[str]:
        """The contributing leaf values, in tree order."""
        if self.contributes:
            for child in self.children:
                if isinstance(child, _Component):
                    yield from child.leaves()
                else:
                    yield child

    def has_contributing(self, kind: str) -> bool:
        """Whether a descendant of ``kind`` is reachable through contributing components."""
        return any(c.kind == kind or c.has_contributing(kind) for c in self._contributing_children())

    def count(self, kind: str) -> int:
        """The number of contributing descendants of ``kind``."""
        return sum((c.kind == kind) + c.count(kind) for c in self._contributing_children())

    def signature(self) -> tuple:
        """Everything that makes two trees different, as a comparable value."""
        children = tuple(c.signature() if isinstance(c, _Component) else c for c in self.children)
        return (self.kind, self.contributes, children)

    def _contributing_children(self) -> Iterator[_Component]:
        return (c for c in self.children if isinstance(c, _Component) and c.contributes)


def _exception_strategy(ev: dict, rules: _Rules) -> dict[str, _Component]:
    """The exception chain: one exception, or the ones Sentry's exception-group rules keep."""
    exceptions = _exceptions(ev)
    if not exceptions:
        return {}
    components = [_exception_components(exception, ev, rules) for exception in exceptions]
    chosen = _exceptions_to_group_by(ev, exceptions, components)
    if len(chosen) == 1:
        return _stack_variants(components[chosen[0]])
    by_variant: dict[str, list[_Component]] = {}
    for index in chosen:
        for name, component in components[index].items():
            by_variant.setdefault(name, []).append(component)
    return _stack_variants({name: _Component("chained-exception", cs) for name, cs in by_variant.items()})


def _exception_components(exception: dict, ev: dict, rules: _Rules) -> dict[str, _Component]:
    """Stack trace, type and (only without a contributing stack trace) the parameterised value."""
    if exception["stacktrace"]:
        stacktraces = _stacktrace_variants(exception["stacktrace"], ev, rules, exception)
    else:
        stacktraces = {"app": _Component("stacktrace")}
    # The type of a synthetic exception (made by an SDK to get a stack trace) means nothing.
    synthetic = bool(exception["mechanism"] and exception["mechanism"]["synthetic"])
    variants = {}
    for name, stacktrace in stacktraces.items():
        type_component = _Component("type", [exception["type"]] if exception["type"] else [], False if synthetic else None)
        if stacktrace.contributes:
            value_component = _IgnoredValue(exception["value"])
        else:
            value = _normalize_message(exception["value"]) if exception["value"] is not None else ""
            value_component = _Component("value", [value] if value else [])
        variants[name] = _Component("exception", [stacktrace, type_component, value_component])
    return variants


class _IgnoredValue(_Component):
    """The value of an exception whose stack trace contributes: it never counts, so it is
    parameterised (slow: one large regex) only when an exception group compares signatures."""

    __slots__ = ("raw",)

    def __init__(self, raw: str | None):
        super().__init__("value", (), False)
        self.raw = raw

    def signature(self) -> tuple:
        value = _normalize_message(self.raw) if self.raw is not None else ""
        return (self.kind, self.contributes, (value,) if value else ())


class _NoExceptionTree(Exception):
    """The mechanism ids do not form a usable tree: Sentry then groups by every exception."""


_MAX_EXCEPTION_TREE_DEPTH = 500  # cycles end Sentry's recursion with an error; here at this depth


def _exceptions_to_group_by(ev: dict, exceptions: list[dict], components: list[dict[str, _Component]]) -> list[int]:
    """Indexes of the exceptions to group by, per Sentry's exception-group rules (RFC 79).

    An exception group whose top-level exceptions are all alike groups as its first such
    exception and that one's first descendants; otherwise one of each distinct top-level
    exception plus the root group.
    """
    everything = list(range(len(exceptions)))
    mechanisms = [exception["mechanism"] or {} for exception in exceptions]
    if len(exceptions) <= 1 or _is_python_sdk_3(ev) or any(m.get("exception_id") is None for m in mechanisms):
        return everything
    exception_by_id: dict[int, int] = {}
    children: dict[int, list[int]] = {}
    for index in reversed(everything):
        exception_by_id[mechanisms[index]["exception_id"]] = index
        if mechanisms[index]["parent_id"] is not None:
            children.setdefault(mechanisms[index]["parent_id"], []).append(index)
    if 0 not in exception_by_id:
        return everything

    def children_of(index: int) -> list[int]:
        return children.get(mechanisms[index]["exception_id"], [])

    def top_level(index: int) -> list[int]:
        """The first exceptions under ``index`` that are not groups, depth first, in order."""
        found, stack, visits = [], [(index, 0)], 0
        while stack:
            index, depth = stack.pop()
            visits += 1
            if depth > _MAX_EXCEPTION_TREE_DEPTH or visits > len(exceptions):  # a cycle, or ids reused
                raise _NoExceptionTree
            if mechanisms[index]["is_exception_group"]:
                stack.extend((child, depth + 1) for child in reversed(children_of(index)))
            else:
                found.append(index)
        return found

    def first_path(index: int) -> list[int]:
        path = [index]
        while children_of(path[-1]):
            if len(path) > _MAX_EXCEPTION_TREE_DEPTH:
                raise _NoExceptionTree
            path.append(children_of(path[-1])[0])
        return path

    root = exception_by_id[0]
    try:
        tops = sorted(top_level(root), key=lambda i: str(exceptions[i]["type"]), reverse=True)
        distinct = [next(run) for _, run in groupby(tops, key=lambda i: _signature(components[i]))]
        return first_path(distinct[0]) if len(distinct) == 1 else distinct + [root]
    except _NoExceptionTree:
        return everything


def _signature(variants: dict[str, _Component]) -> tuple:
    return tuple((name, component.signature()) for name, component in variants.items())


def _is_python_sdk_3(ev: dict) -> bool:
    """Sentry's stopgap: Python SDK 3.x events ignore the exception-group rules."""
    version = _str(_dict(ev.get("sdk")).get("version")) or ""
    return ev.get("platform") == "python" and version.startswith("3")


def _threads_strategy(ev: dict, rules: _Rules) -> dict[str, _Component]:
    """The stack trace of the crashed thread, else the current one, else the only one."""
    threads = _dict(ev.get("threads")).get("values") or []
    if not threads:
        return {}
    for candidates in ([t for t in threads if t["crashed"]], [t for t in threads if t["current"]], threads):
        if len(candidates) == 1:
            stacktrace = candidates[0]["stacktrace"]
            if not stacktrace:
                break
            variants = _stacktrace_variants(stacktrace, ev, rules, None)
            return _stack_variants({name: _Component("threads", [c]) for name, c in variants.items()})
    return {"app": _Component("threads", contributes=False)}


def _stacktrace_strategy(ev: dict, rules: _Rules) -> dict[str, _Component]:
    stacktrace = ev.get("stacktrace")
    return _stack_variants(_stacktrace_variants(stacktrace, ev, rules, None)) if stacktrace else {}


def _message_strategy(ev: dict, rules: _Rules) -> dict[str, _Component]:
    """The log message template (else the message), parameterised."""
    logentry = ev.get("logentry")
    if not logentry:
        return {}
    message = logentry["message"] or logentry["formatted"]
    return {"default": _Component("message", [_normalize_message(message)])}


_STRATEGIES = (_exception_strategy, _threads_strategy, _stacktrace_strategy, _message_strategy)


def _stacktrace_variants(stacktrace: dict, ev: dict, rules: _Rules, exception: dict | None) -> dict[str, _Component]:
    """The ``app`` (in-app frames only) and ``system`` (all frames) stack trace components."""
    frames, platform = stacktrace["frames"], ev.get("platform")
    verdicts = _group_verdicts(frames, rules, platform, exception)
    return {
        "app": _stacktrace_component(frames, verdicts, platform, in_app_only=True),
        "system": _stacktrace_component(frames, verdicts, platform, in_app_only=False),
    }


def _stacktrace_component(
    frames: _Frames, verdicts: tuple[bool | None, ...], platform: str | None, in_app_only: bool
) -> _Component:
    components = [
        _frame_component(frame, platform, is_recursion=index > 0 and _is_recursion(frame, frames[index - 1]))
        for index, frame in enumerate(frames)
    ]
    _ignore_lone_javascript_url_frame(frames, components, platform)
    for frame, component, verdict in zip(frames, components, verdicts):
        if verdict is not None:
            component.contributes = verdict
        if in_app_only and not frame["in_app"]:
            component.contributes = False
    return _Component("stacktrace", components)


_RECURSION_FIELDS = ("abs_path", "package", "module", "filename", "function", "lineno", "colno")


def _is_recursion(frame: dict, previous: dict) -> bool:
    return all(frame[field] == previous[field] for field in _RECURSION_FIELDS)


def _ignore_lone_javascript_url_frame(frames: _Frames, components: list[_Component], platform: str | None) -> None:
    frame = frames[0]
    if (
        len(frames) == 1
        and components[0].contributes
        and _family(frame["platform"] or platform) == "javascript"
        and not frame["function"]
        and _is_url(frame["abs_path"])
    ):
        components[0].contributes = False


# Frames ----------------------------------------------------------------------------------------

_CONTEXT_LINE_PLATFORMS = ("javascript", "node", "python", "php", "ruby")
_CONTEXT_LINE_MAX_CHARS = 120
_UNKNOWN_JAVASCRIPT_FUNCTIONS = ("?", "<anonymous function>", "<anonymous>", "Anonymous function")
_LOW_QUALITY_JAVASCRIPT_PATHS = ("[native code]", "native code", "eval code", "<anonymous>")
_BASENAME_RE = re.compile(r"[/\\]")
_RUBY_ERB_RE = re.compile(r"__\d{4,}_\d{4,}$")
# Java code generation markers: (regex, replacement); "<auto>" replaces the generated part.
_JAVA_CODEGEN_MARKERS = tuple(
    (re.compile(pattern), r"\1<auto>")
    for pattern in (
        r"(sun\.reflect\.Generated(?:Serialization)?ConstructorAccessor)\d+",
        r"(\$\$[\w_]+?CGLIB\$\$)[a-fA-F0-9]+(_[0-9]+)?",
        r"(\$\$_javassist)(?:_seam)?(?:_[0-9]+)?",
        r"(\$fn__)\d+",
        r"(\$\$?EnhancerBy[\w_]+?\$?\$)[a-fA-F0-9]+(_[0-9]+)?",
        r"(\$\$?FastClassBy[\w_]+?\$?\$)[a-fA-F0-9]+(_[0-9]+)?",
        r"(\$\$?HibernateProxy\$?\$)\w+(_[0-9]+)?",
    )
)
_JAVASSIST_RE = _JAVA_CODEGEN_MARKERS[2][0]
_JAVA_REFLECTION_MODULES = ("sun.reflect.GeneratedMethodAccessor", "jdk.internal.reflect.GeneratedMethodAccessor")


def _frame_component(frame: dict, event_platform: str | None, is_recursion: bool) -> _Component:
    """Module (else filename), function and, where sources are trusted, the context line."""
    platform = frame["platform"] or event_platform
    family = _family(platform)
    filename = _filename_component(frame, platform)
    module = _module_component(frame, platform)
    if module.contributes and filename.contributes:
        filename.contributes = False
    context_line = _context_line_component(frame, family) if platform in _CONTEXT_LINE_PLATFORMS else None
    # Function names in source maps are unreliable: the context line is used instead.
    sourcemap_used = frame["data"].get("sourcemap") is not None and bool(context_line and context_line.contributes)
    function = _function_component(frame, platform, family, ignore_for_sourcemap=sourcemap_used)
    component = _Component("frame", [module, filename, function, *([context_line] if context_line else [])])
    if family == "javascript":
        _fuzz_javascript_frame(frame, component, function)
    if is_recursion:
        component.contributes = False
    return component


def _filename_component(frame: dict, platform: str | None) -> _Component:
    if frame["filename"] is None:
        return _Component("filename")
    filename = _BASENAME_RE.split(frame["filename"])[-1].lower()
    component = _Component("filename", [filename])
    ignored = filename in ("<anonymous>", "[native code]")
    if ignored or _has_url_origin(frame["abs_path"], allow_file_origin=True):
        component.contributes = False
    elif platform == "java":
        component.children = [_JAVASSIST_RE.sub(r"\1<auto>", filename)]
    return component


def _module_component(frame: dict, platform: str | None) -> _Component:
    module, abs_path = frame["module"], frame["abs_path"]
    if module is None:
        return _Component("module")
    if platform == "javascript" and "/" in module and abs_path and abs_path.endswith(module):
        return _Component("module", [module], contributes=False)
    if platform != "java":
        return _Component("module", [module])
    lambda_class = "$$Lambda$" in module
    reflection = next((prefix for prefix in _JAVA_REFLECTION_MODULES if module.startswith(prefix)), None)
    if reflection is None:
        for pattern, replacement in _JAVA_CODEGEN_MARKERS:
            module = pattern.sub(replacement, module)
    return _Component("module", [reflection or module], contributes=False if lambda_class else None)


def _context_line_component(frame: dict, family: str) -> _Component:
    context_line = frame["context_line"] or ""
    line = " ".join(context_line.expandtabs(2).split())
    if not line:
        return _Component("context-line")
    component = _Component("context-line", [line])
    if len(context_line) > _CONTEXT_LINE_MAX_CHARS or (
        family == "javascript" and not frame["function"] and _has_url_origin(frame["abs_path"])
    ):
        component.contributes = False
    return component


def _function_component(frame: dict, platform: str | None, family: str, ignore_for_sourcemap: bool) -> _Component:
    """The function name, normalised per platform (C# prefers the raw name)."""
    if platform == "csharp":
        function = frame["raw_function"] or frame["function"]
    else:
        function = frame["function"] or frame["raw_function"]
    if not function:
        return _Component("function")
    component = _Component("function", [function])
    if platform == "ruby":
        component.children = ["block" if function.startswith("block ") else _RUBY_ERB_RE.sub("", function)]
    elif platform == "php":
        if function.startswith(("[Anonymous", "class@anonymous\x00")):
            component.contributes = False
        if function.startswith("class@anonymous"):
            component.children = [function.rsplit("::", 1)[-1]]
    elif platform == "java":
        component.contributes = not function.startswith("lambda$")
    elif family == "native":
        component.contributes = function not in ("<redacted>", "<unknown>")
    elif family == "javascript":
        component.children = [function.rsplit(".", 1)[-1]]
        component.contributes = not ignore_for_sourcemap
    return component


def _fuzz_javascript_frame(frame: dict, component: _Component, function: _Component) -> None:
    """Ignore unknown JavaScript function names and frames of eval or native code."""
    name = frame["raw_function"] or frame["function"]
    name = name.rsplit(".", 1)[-1] if name else name
    if not name or name in _UNKNOWN_JAVASCRIPT_FUNCTIONS or name.endswith("/<"):
        function.contributes = False
    if name == "eval" or frame["abs_path"] in _LOW_QUALITY_JAVASCRIPT_PATHS:
        component.contributes = False


def _has_url_origin(path: str | None, allow_file_origin: bool = False) -> bool:
    if not path:
        return False
    if path.startswith(("http:", "https:", "applewebdata:", "blob:")):
        return True
    return path.startswith("file:") and not allow_file_origin


def _is_url(path: str | None) -> bool:
    return bool(path) and path.startswith(("blob:", *_URL_PREFIXES))


def _family(platform: str | None) -> str:
    """Sentry's behaviour family of a platform."""
    if platform in ("objc", "cocoa", "swift", "native", "c"):
        return "native"
    if platform in ("javascript", "node"):
        return "javascript"
    return "other"


# --- Message parameterisation (parameterization.py, strategies/message.py) --------------------

# Sentry's patterns, made linear in the message's length (Relay trims messages to 8,192
# characters first; Sentry's own patterns take seconds on "a." * 4096 or "0" * 8192). A pattern
# that scans a run ahead of it (email's local part, hostname's labels, duration's digits) would
# scan that run again from each later position of it: it starts only where no earlier start of
# the run was tried since its search began (_FRESH), as that one failed and every later one
# fails the same way. Each of these patterns has a search of its own (_SEARCHED_ALONE); the
# results are merged as Sentry's single regex would pick them (see _parameterize). This differs
# from Sentry's only for a hostname label longer than 63 characters or made of hyphens only.
# (The lookaheads opening ip and date only skip positions where neither can start.)
_CONTEXT = 10  # characters before a search's start that lookbehinds may read ("SAVEPOINT ")
_FRESH = rf"(?<=[\s\S]{{{_CONTEXT}}})"  # here, or later, the search has tried every position
_EMAIL_CHAR = r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]"
_HOST_LABEL = r"[a-zA-Z0-9-]"
_HOST_TRIED_BEFORE = "".join(
    # a \b label start tried up to 64 characters back, in the same well-formed chain of labels ...
    [rf"(?<!{_FRESH}\b{_HOST_LABEL}(?:(?!\.\.)[a-zA-Z0-9.-]){{{n}}})" for n in range(64)]
    # ... or a whole label between two dots just before (the chain started before it)
    + [rf"(?<!{_FRESH}\.{_HOST_LABEL}{{{n}}}\.)" for n in range(1, 64)]
)
_PARAMETERIZATION_PATTERNS = (
    ("email", rf"""(?<!{_FRESH}{_EMAIL_CHAR}){_EMAIL_CHAR}++@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*"""),
    ("url", r"""\b(wss?|https?|ftp)://[^\s/$.?#].[^\s]*"""),
    ("hostname", rf"""
        \b(?=[a-zA-Z0-9-])(?>(?<![a-zA-Z0-9.-])|{_HOST_TRIED_BEFORE})
        ([a-zA-Z0-9\-]{{1,63}}\.)+?
        (
            (COM|NET|ORG|JP|DE|UK|FR|BR|IT|RU|ES|ME|GOV|PL|CA|AU|CN|CO|IN|NL|EDU|INFO|EU|CH|ID|AT|KR|CZ|MX|BE|TV|SE|TR|TW|AL|UA|IR|VN|CL|SK|LY|CC|TO|NO|FI|US|PT|DK|AR|HU|TK|GR|IL|NEWS|RO|MY|BIZ|IE|ZA|NZ|SG|EE|TH|IO|XYZ|PE|BG|HK|RS|LT|LINK|PH|CLUB|SI|SITE|MOBI|BY|CAT|WIKI|LA|GA|XXX|CF|HR|NG|JOBS|ONLINE|KZ|UG|GQ|AE|IS|LV|PRO|FM|TIPS|MS|SA|APP)|
            (com|net|org|jp|de|uk|fr|br|it|ru|es|me|gov|pl|ca|au|cn|co|in|nl|edu|info|eu|ch|id|at|kr|cz|mx|be|tv|se|tr|tw|al|ua|ir|vn|cl|sk|ly|cc|to|no|fi|us|pt|dk|ar|hu|tk|gr|il|news|ro|my|biz|ie|za|nz|sg|ee|th|io|xyz|pe|bg|hk|rs|lt|link|ph|club|si|site|mobi|by|cat|wiki|la|ga|xxx|cf|hr|ng|jobs|online|kz|ug|gq|ae|is|lv|pro|fm|tips|ms|sa|app)
        )
        \b
    """),
    ("ip", r"""
        (?=[0-9a-fA-F:])
        (?<![0-9a-zA-Z_])
        (
            ([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|
            ([0-9a-fA-F]{1,4}:){1,7}:|
            ([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|
            ([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|
            ([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|
            ([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|
            ([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|
            [0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|
            :((:[0-9a-fA-F]{1,4}){1,7}|:)|
            fe80:(:[0-9a-fA-F]{0,4}){0,4}%[0-9a-zA-Z]{1,}|
            ::(ffff(:0{1,4}){0,1}:){0,1}
            ((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}
            (25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])|
            ([0-9a-fA-F]{1,4}:){1,4}:
            ((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}
            (25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\b
        )
        (?![0-9a-zA-Z])
        |
        (
            \b((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}
            (25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\b
        )
    """),
    ("traceparent", r"""
        (\b00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]\b) |
        (\b1-[0-9a-f]{8}-[0-9a-f]{24}\b)
    """),
    ("uuid", r"""\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"""),
    ("sha1", r"""\b[0-9a-fA-F]{40}\b"""),
    ("md5", r"""\b[0-9a-fA-F]{32}\b"""),
    ("date", r"""
        (?=[SMTWFJAONDd]|\d)(?:
        ((?:Sun|Mon|Tue|Wed|Thu|Fri|Sat),\s\d{1,2}\s(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s\d{2,4}\s\d{1,2}:\d{1,2}(:\d{1,2})?\s([-\+][\d]{2}[0-5][\d]|(?:UT|GMT|(?:E|C|M|P)(?:ST|DT)|[A-IK-Z])))
        |
        (((?:Sun|Mon|Tue|Wed|Thu|Fri|Sat)\s)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s[0-3]\d,\s\d{2,4})
        |
        ((?:Sun|Sunday|Mon|Monday|Tue|Tuesday|Wed|Wednesday|Thu|Thursday|Fri|Friday|Sat|Saturday),\s\d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2}\s\d{2}:\d{2}:\d{2}\s(?:UT|GMT|(?:E|C|M|P)(?:ST|DT)|[A-IK-Z]))
        |
        (\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z?([+-]?\d{2}:\d{2})?)
        |
        ((?:Sun|Mon|Tue|Wed|Thu|Fri|Sat)\s(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s\d{2}\s\d{4}\s\d{2}:\d{2}:\d{2}\sGMT[+-]\d{4}(?:\s\([^)]+\))?)
        |
        (
            (\d{4}-?[01]\d-?[0-3]\d[\sT][0-2]\d:?[0-5]\d:?[0-5]\d\.\d+([+-][0-2]\d:?[0-5]\d|Z))|
            (\d{4}-?[01]\d-?[0-3]\d[\sT][0-2]\d:?[0-5]\d:?[0-5]\d([+-][0-2]\d:?[0-5]\d|Z))|
            (\d{4}-?[01]\d-?[0-3]\d[\sT][0-2]\d:?[0-5]\d([+-][0-2]\d:?[0-5]\d|Z))
        )
        |
        (
            (\d{4}-?[01]\d-?[0-3]\d[\sT][0-2]\d:?[0-5]\d:?[0-5]\d\.\d+)|
            (\d{4}-?[01]\d-?[0-3]\d[\sT][0-2]\d:?[0-5]\d:?[0-5]\d)|
            (\d{4}-?[01]\d-?[0-3]\d[\sT][0-2]\d:?[0-5]\d)
        )
        |
        ((?<!\d)([1-9]|1[0-2]):[0-5]\d(:[0-5]\d)?(?![\d:])(?:\s?[aApP][Mm])?)
        |
        ((?<!\d)(0?\d|1\d|2[0-3]):[0-5]\d(:[0-5]\d)?(?![\d:]))
        |
        (\d{4}-[01]\d-[0-3]\d)
        |
        ([0-2]\d:[0-5]\d:[0-5]\d)
        |
        (
            \b(?:(Sun|Mon|Tue|Wed|Thu|Fri|Sat)\s+)?
            (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+
            ([\d]{1,2})\s+
            ([\d]{2}:[\d]{2}:[\d]{2})\s+
            [\d]{4}
        ) |
        (
            \b(?:(Sun|Mon|Tue|Wed|Thu|Fri|Sat),\s+)?
            (0[1-9]|[1-2]?[\d]|3[01])\s+
            (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\s+
            (19[\d]{2}|[2-9][\d]{3})\s+
            (2[0-3]|[0-1][\d]):([0-5][\d])
            (?::(60|[0-5][\d]))?\s+
            ([-\+][\d]{2}[0-5][\d]|(?:UT|GMT|(?:E|C|M|P)(?:ST|DT)|[A-IK-Z]))
        ) |
        (datetime.datetime\([^)\n]*+\))
        )
    """),
    ("duration", rf"""\b(\d+ms) | (?<!{_FRESH}\d)(\d++(\.\d+)?s)\b"""),
    ("swift_txn_id", r"""(\btx[0-9a-f]{21}-[0-9a-f]{10}\S*)"""),
    ("hex", r"""
        (\b0[xX][0-9a-fA-F]+\b) |
        (\b(?=[a-f]*[0-9])[0-9a-f]{8,128}\b) |
        (\b(?=[A-F]*[0-9])[0-9A-F]{8,128}\b)
    """),
    ("git_sha", r"""(\b(?=[a-f]*[0-9])(?=[0-9]*[a-f])[0-9a-f]{7}\b)"""),
    ("float", r"""-\d+\.\d+\b | \b\d+\.\d+\b"""),
    ("int", r"""(\b|(?<!\w)-)\d{1,7}\b"""),
    # A quoted SQL savepoint name (Django's "s140078941939520_x761"): Sentry's parameterisation
    # replaced it when the database_error snapshot was made.
    ("quoted_identifier", r"""(?<=(?i:SAVEPOINT)\ )"[^"]+\""""),
    ("quoted_str", r"""(?<==)('([^']+)' | "([^"]+)")"""),
    ("bool", r"""(?<==)(True | true | False | false)"""),
)
_SEARCHED_ALONE = ("email", "hostname", "duration")
_PRIORITY = {name: index for index, (name, _) in enumerate(_PARAMETERIZATION_PATTERNS)}
_SEARCHERS = {
    **{name: re.compile(f"(?x)(?P<{name}>{pattern})") for name, pattern in _PARAMETERIZATION_PATTERNS
       if name in _SEARCHED_ALONE},
    "others": re.compile("(?x)" + "|".join(
        f"(?P<{name}>{pattern})" for name, pattern in _PARAMETERIZATION_PATTERNS if name not in _SEARCHED_ALONE
    )),
}  # fmt: skip


def _normalize_message(message: str) -> str:
    """The first two non-empty lines (``...`` marks a cut) with event-specific values as ``<int>`` etc."""
    trimmed = "\n".join(islice((line for line in message.splitlines() if line.strip()), 2))
    if trimmed != message:
        trimmed += "..."
    return _parameterize(trimmed)


def _parameterize(text: str) -> str:
    """What Sentry's single regex of all the patterns substitutes, in linear time.

    At each position that regex picks the first pattern that matches there; the leftmost match
    wins. Here each searcher keeps its next match, and searches again only once a match taken
    ends past that one's start (the patterns searched alone do so afresh, see _FRESH).
    """
    padded = "\0" * _CONTEXT + text  # lookbehinds may read _CONTEXT characters before a start
    parts, position = [], _CONTEXT
    found: dict[str, tuple[int, int, int, str] | None] = {}  # (start, priority, end, name)
    while True:
        for name, regex in _SEARCHERS.items():
            if (hit := found.get(name, (-1,))) is not None and hit[0] < position:
                found[name] = _search(regex, padded, position, fresh=name in _SEARCHED_ALONE)
        hits = [hit for hit in found.values() if hit is not None]
        if not hits:
            return "".join([*parts, padded[position:]])
        start, _, position_after, name = min(hits)
        parts += [padded[position:start], f"<{name}>"]
        position = position_after


def _search(regex: re.Pattern[str], padded: str, position: int, fresh: bool) -> tuple | None:
    """The next match from ``position``; a ``fresh`` search sees nothing before it as tried."""
    offset = position - _CONTEXT if fresh else 0
    match = regex.search(padded[offset:] if offset else padded, position - offset)
    if match is None:
        return None
    return (match.start() + offset, _PRIORITY[match.lastgroup], match.end() + offset, match.lastgroup)


# --- Descriptions -----------------------------------------------------------------------------


def _describe_tree(name: str, root: _Component, ev: dict) -> str:
    """What a component variant groups by, e.g. "exception type and in-app stack frames (3 frames)"."""
    winner = next((c for c in root.children if c.contributes), None)
    if winner is None:
        return "nothing"
    if winner.kind == "message":
        template = _dict(ev.get("logentry")).get("message")
        return f"message {'template ' if template else ''}{_quote(winner.children[0], 200)}"
    frames = winner.count("frame")
    stack = f"{'in-app ' if name == 'app' else ''}stack frames ({frames} frame{'' if frames == 1 else 's'})"
    if winner.kind in ("stacktrace", "threads"):
        return stack
    if winner.kind == "chained-exception":
        return f"chained exception types and {stack if frames else 'values'}"
    if frames:
        return f"exception type and {stack}"
    value = next(winner.children[2].leaves(), None)
    return f"exception type and value {_quote(value, 120)}" if value is not None else "exception type"


def _json(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False)


def _quote(value: str, limit: int = 80) -> str:
    """``value`` shortened and JSON-quoted, so that it stays on one line."""
    return json.dumps(_shorten(value, limit), ensure_ascii=False)


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _shorten_all(values: list[str], limit: int = 100) -> list[str]:
    shortened = [_shorten(value, 200) for value in values[:limit]]
    return shortened + ([f"… {len(values) - limit} more"] if len(values) > limit else [])


# --- Small helpers ----------------------------------------------------------------------------


def _hash(values: Iterable[str]) -> str:
    """md5 of the UTF-8 values, concatenated (lone surrogates become "?")."""
    digest = hashlib.md5()
    for value in values:
        digest.update(value.encode("utf-8", "replace"))
    return digest.hexdigest()


@lru_cache(maxsize=2048)
def _glob_regex(pattern: str, doublestar: bool, ignorecase: bool) -> re.Pattern[str]:
    """Sentry's glob: ``*``, ``?``, ``[...]``; with ``doublestar``, ``*`` stays within a path segment."""
    parts, i = [], 0
    while i < len(pattern):
        char, i = pattern[i], i + 1
        if char == "\\" and i < len(pattern):
            parts.append(re.escape(pattern[i]))
            i += 1
        elif char == "*" and doublestar and pattern[i : i + 1] == "*":
            parts.append(".*")
            i += 1
        elif char == "*":
            parts.append("[^/]*" if doublestar else ".*")
        elif char == "?":
            parts.append("[^/]" if doublestar else ".")
        elif char == "[" and (end := pattern.find("]", i + 1)) != -1:
            chars = pattern[i:end].replace("\\", "\\\\")
            parts.append(f"[{'^' + chars[1:] if chars.startswith('!') else chars}]")
            i = end + 1
        else:
            parts.append(re.escape(char))
    try:
        return re.compile("".join(parts) + r"\Z", re.S | (re.I if ignorecase else 0))
    except re.error:
        return re.compile(r"(?!)")


def _glob_matches(value: Any, pattern: str, ignorecase: bool = False) -> bool:
    return isinstance(value, str) and _glob_regex(pattern, False, ignorecase).match(value) is not None


def _path_matches(value: Any, pattern: str) -> bool:
    """Case-insensitive path glob; a relative path also matches as if it started with "/"."""
    if not isinstance(value, str):
        return False
    regex = _glob_regex(pattern.lower(), True, False)
    value = value.lower().replace("\\", "/")
    if regex.match(value):
        return True
    return not value.startswith("/") and regex.match("/" + value) is not None


def _bool_from_string(value: str) -> bool | None:
    return {"1": True, "yes": True, "true": True, "0": False, "no": False, "false": False}.get(value.lower())


def _first(event: dict, *keys: str) -> Any:
    """The value of the first key present (not None), for fields with legacy aliases."""
    return next((event[key] for key in keys if event.get(key) is not None), None)


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _uint(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


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
