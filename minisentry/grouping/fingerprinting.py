"""Server-side fingerprint rules: the project's (``_fingerprinting_rules``), then Sentry's built-in ones."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .event import event_exceptions, event_stacktraces, event_tags
from .glob import glob_matches, path_matches
from .normalization import normalize_fingerprint
from .utils import as_dict, as_list, as_str, behavior_family, bool_from_string

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


def parse_fingerprint_rules(raw: Any) -> tuple[_FingerprintRule, ...]:
    """Server-side rules given as ``{"matchers": [[key, pattern], ...], "fingerprint": [...]}``."""
    rules = []
    for item in as_list(raw):
        matchers = [_fingerprint_matcher(m) for m in as_list(as_dict(item).get("matchers"))]
        fingerprint = normalize_fingerprint(as_dict(item).get("fingerprint"))
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


def server_fingerprint(ev: dict, project_rules: tuple[_FingerprintRule, ...]) -> tuple[list[str] | None, bool]:
    """The fingerprint after server rules (the project's, then built-in ones); True if a built-in one set it."""
    values = _MatchValues(ev)
    for rule in project_rules + _BUILTIN_FINGERPRINT_RULES:
        if _fingerprint_rule_matches(rule, values):
            return list(rule.fingerprint), rule.builtin
    return ev.get("fingerprint"), False


def _fingerprint_rule_matches(rule: _FingerprintRule, values: _MatchValues) -> bool:
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
        return any(path_matches(values.get(k), pattern) for k in ("abs_path", "filename"))
    if key == "message":
        return any(glob_matches(values.get(k), pattern, ignorecase=True) for k in ("message", "value"))
    value = values.get(key)
    if value is None:
        return False
    if key in ("package", "release"):
        return path_matches(value, pattern)
    if key in ("family", "sdk"):
        return "all" in pattern.split(",") or value in pattern.split(",")
    if key == "app":
        return bool_from_string(pattern) == value
    return glob_matches(value, pattern, ignorecase=key in ("level", "value"))


class _MatchValues(dict):
    """The event's values for fingerprint matchers, by matcher group, each group read when a rule needs it.

    Exceptions are the normalised ones, so that only a matcher of their value reads it."""

    def __init__(self, ev: dict):
        super().__init__()
        self.ev = ev

    def __missing__(self, group: str) -> list[dict]:
        ev = self.ev
        if group in ("toplevel", "exceptions"):
            formatted = as_dict(ev.get("logentry")).get("formatted") if group == "toplevel" else None
            found = ([{"message": formatted}] if formatted else []) + event_exceptions(ev)
        elif group == "log_info":
            log_info = {key: ev[key] for key in ("logger", "level") if isinstance(ev.get(key), str) and ev[key]}
            found = [log_info] if log_info else []
        elif group == "frames":
            frames = [frame for frames, _ in event_stacktraces(ev) for frame in frames]
            keys = ("function", "abs_path", "filename", "module", "package")
            found = [{**{key: frame[key] for key in keys}, "app": frame["in_app"]} for frame in frames]
        elif group == "tags":
            found = [{f"tags.{key}": value for key, value in event_tags(ev)}]
        elif group == "sdk":
            sdk_name = as_str(as_dict(ev.get("sdk")).get("name"))
            found = [{"sdk": sdk_name}] if sdk_name else []
        elif group == "family":
            found = [{"family": behavior_family(ev.get("platform"))}]
        else:
            release = as_str(ev.get("release"))
            found = [{"release": release}] if release else []
        self[group] = found
        return found
