"""Actions of stack-trace rules (``+app``, ``-group``, ``^-app``, ``category=``) and the frames they reach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Action:
    key: str  # "app", "group" or "category"
    value: bool | str
    range: str = ""  # "^": the frames after (towards the crash), "v": the frames before


def action_targets(items: Any, index: int, direction: str) -> Any:
    if direction == "^":
        return items[index + 1 :]
    if direction == "v":
        return items[:index]
    return items[index : index + 1]
