"""Small helpers of the grouping modules: lenient type coercions and platform facts."""

from __future__ import annotations

from typing import Any

URL_PREFIXES = ("file:", "http:", "https:", "applewebdata:")

Frames = list[dict]


def behavior_family(platform: str | None) -> str:
    """Sentry's behaviour family of a platform."""
    if platform in ("objc", "cocoa", "swift", "native", "c"):
        return "native"
    if platform in ("javascript", "node"):
        return "javascript"
    return "other"


def bool_from_string(value: str) -> bool | None:
    return {"1": True, "yes": True, "true": True, "0": False, "no": False, "false": False}.get(value.lower())


def as_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def as_dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else []
