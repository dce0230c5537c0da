"""The "grouped by" text shown to people, and the shortened values hashed."""

from __future__ import annotations

import json

from .component import Component
from .utils import as_dict

SECURITY_DESCRIPTIONS = {
    "csp": "CSP directive and blocked URI", "hpkp": "HPKP hostname",
    "expect-ct": "Expect-CT hostname", "expect-staple": "Expect-Staple hostname",
}


def describe_tree(name: str, root: Component, ev: dict) -> str:
    """What a component variant groups by, e.g. "exception type and in-app stack frames (3 frames)"."""
    winner = next((c for c in root.children if c.contributes), None)
    if winner is None:
        return "nothing"
    if winner.kind == "message":
        template = as_dict(ev.get("logentry")).get("message")
        return f"message {'template ' if template else ''}{quote(winner.children[0], 200)}"
    if winner.kind in SECURITY_DESCRIPTIONS:
        return SECURITY_DESCRIPTIONS[winner.kind]
    frames = winner.count("frame")
    stack = f"{'in-app ' if name == 'app' else ''}stack frames ({frames} frame{'' if frames == 1 else 's'})"
    if winner.kind in ("stacktrace", "threads"):
        return stack
    if winner.kind == "chained-exception":
        return f"chained exception types and {stack if frames else 'values'}"
    if frames:
        return f"exception type and {stack}"
    value = next(winner.children[2].leaves(), None)
    return f"exception type and value {quote(value, 120)}" if value is not None else "exception type"


def as_json(values: list[str]) -> str:
    return json.dumps(values, ensure_ascii=False)


def quote(value: str, limit: int = 80) -> str:
    """``value`` shortened and JSON-quoted, so that it stays on one line."""
    return json.dumps(_shorten(value, limit), ensure_ascii=False)


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def shorten_all(values: list[str], limit: int = 100) -> list[str]:
    shortened = [_shorten(value, 200) for value in values[:limit]]
    return shortened + ([f"… {len(values) - limit} more"] if len(values) > limit else [])
