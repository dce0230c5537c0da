"""Sentry's glob patterns (``*``, ``?``, ``[...]``; ``**`` in paths), for stack-trace and fingerprint rules."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any


@lru_cache(maxsize=2048)
def glob_regex(pattern: str, doublestar: bool, ignorecase: bool) -> re.Pattern[str]:
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


def glob_matches(value: Any, pattern: str, ignorecase: bool = False) -> bool:
    return isinstance(value, str) and glob_regex(pattern, False, ignorecase).match(value) is not None


def path_matches(value: Any, pattern: str) -> bool:
    """Case-insensitive path glob; a relative path also matches as if it started with "/"."""
    if not isinstance(value, str):
        return False
    regex = glob_regex(pattern.lower(), True, False)
    value = value.lower().replace("\\", "/")
    if regex.match(value):
        return True
    return not value.startswith("/") and regex.match("/" + value) is not None
