"""Sentry's stack-trace rule syntax, one rule per line, parsed."""

from __future__ import annotations

import re
from typing import Any

from .actions import Action
from .matchers import MATCHER_KEYS, FrameMatcher
from .rules import StacktraceRule

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


def parse_stacktrace_rules(text: Any) -> tuple[StacktraceRule, ...]:
    """Rules from Sentry's stack-trace rule syntax; lines that do not parse are skipped."""
    rules = (_parse_stacktrace_rule(line) for line in text.splitlines()) if isinstance(text, str) else ()
    return tuple(rule for rule in rules if rule is not None)


def _parse_stacktrace_rule(line: str) -> StacktraceRule | None:
    """``[ caller matchers ] | frame matchers | [ callee matchers ] actions``."""
    matchers: list[FrameMatcher] = []
    actions: list[Action] = []
    position, offset = 0, 0
    while (token := _RULE_TOKEN_RE.match(line, position)) and not token["comment"]:
        position = token.end()
        if token["bracket"] == "[":
            offset = 1 if any(m.offset == 0 for m in matchers) else -1
        elif token["bracket"] == "]":
            offset = 0
        elif token["key"]:
            if token["key"] not in MATCHER_KEYS:
                return None
            key, pattern = MATCHER_KEYS[token["key"]], _unquote(token["pattern"])
            matchers.append(FrameMatcher(key, pattern, bool(token["negated"]), offset))
        elif token["flag"]:
            actions.append(Action(token["flag"], token["sign"] == "+", token["range"]))
        elif token["var"] == "category":
            actions.append(Action("category", _unquote(token["var_value"])))
    if (token is None and line[position:].strip()) or not matchers or not actions:
        return None
    return StacktraceRule(tuple(matchers), tuple(actions))


def _unquote(value: str) -> str:
    return value[1:-1].replace('\\"', '"') if value.startswith('"') else value
