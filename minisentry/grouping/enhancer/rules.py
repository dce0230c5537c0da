"""A stack-trace rule (matchers, then actions) and a hashable sequence of rules."""

from __future__ import annotations

from dataclasses import dataclass

from ..utils import Frames
from .actions import Action
from .matchers import FrameMatcher


@dataclass(frozen=True)
class StacktraceRule:
    matchers: tuple[FrameMatcher, ...]
    actions: tuple[Action, ...]

    def matching_indexes(self, frames: Frames, platform: str | None, exception: dict | None) -> list[int]:
        hits = [True] * len(frames)
        for matcher in self.matchers:
            if not any(hits):
                break
            hits = [hit and matched for hit, matched in zip(hits, matcher.hits(frames, platform, exception))]
        return [index for index, hit in enumerate(hits) if hit]


class Rules(tuple):
    """Stack-trace rules (built-in, then the project's), hashed once: they key the memo of outcomes."""

    def __init__(self, rules):
        self.reads_exception = any(m.key in ("type", "value", "mechanism") for r in self for m in r.matchers)
        self._hash = tuple.__hash__(self)

    def __hash__(self) -> int:
        return self._hash
