"""Frame matchers of stack-trace rules: ``module:``, ``path:``, ``family:``, ``[ caller ] |``..."""

from __future__ import annotations

from dataclasses import dataclass

from ..glob import glob_matches, glob_regex, path_matches
from ..utils import Frames, as_dict, as_str, behavior_family, bool_from_string

MATCHER_KEYS = {
    "path": "path", "stack.abs_path": "path", "module": "module", "stack.module": "module",
    "function": "function", "stack.function": "function", "package": "package", "stack.package": "package",
    "family": "family", "app": "app", "category": "category", "type": "type", "error.type": "type",
    "value": "value", "error.value": "value", "mechanism": "mechanism", "error.mechanism": "mechanism",
}  # fmt: skip


@dataclass(frozen=True)
class FrameMatcher:
    key: str  # one of the values of MATCHER_KEYS
    pattern: str
    negated: bool
    offset: int  # 0: this frame, -1: the calling frame ("[ ... ] |"), +1: the called frame ("| [ ... ]")

    def hits(self, frames: Frames, platform: str | None, exception: dict | None) -> list[bool]:
        """For each frame, whether the matcher matches it."""
        hits = [hit != self.negated for hit in self._positive_hits(frames, platform, exception or {})]
        if self.offset < 0:
            return [False, *hits[:-1]]
        if self.offset > 0:
            return [*hits[1:], False]
        return hits

    def _positive_hits(self, frames: Frames, platform: str | None, exception: dict) -> list[bool]:
        key, pattern = self.key, self.pattern
        if key in ("type", "value", "mechanism"):
            field = as_dict(exception.get("mechanism")).get("type") if key == "mechanism" else exception.get(key)
            return [glob_matches(field, pattern)] * len(frames)
        if key == "family":
            families = pattern.split(",")
            return ["all" in families or behavior_family(frame["platform"] or platform) in families for frame in frames]
        if key == "app":
            return [bool_from_string(pattern) == bool(frame["in_app"]) for frame in frames]
        if key in ("path", "package"):
            return [path_matches(_frame_field(frame, key), pattern) for frame in frames]
        regex = glob_regex(pattern, False, False)
        fields = [_frame_field(frame, key) for frame in frames]
        return [isinstance(field, str) and regex.match(field) is not None for field in fields]


def _frame_field(frame: dict, key: str) -> str | None:
    """The value a ``path``, ``package``, ``module``, ``function`` or ``category`` matcher tests."""
    if key == "path":
        return frame["abs_path"] or frame["filename"]
    if key == "function":
        return frame["function"] or frame["raw_function"]
    if key == "category":
        return as_str(frame["data"].get("category"))
    return frame[key]
