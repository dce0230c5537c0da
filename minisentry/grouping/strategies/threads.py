"""Threads strategy: the stack trace of the crashed thread, else the current one, else the only one."""

from __future__ import annotations

from ..component import Component
from ..enhancer import Rules
from ..utils import as_dict
from .stacktrace import stack_variants, stacktrace_variants


def threads_strategy(ev: dict, rules: Rules) -> dict[str, Component]:
    """The stack trace of the crashed thread, else the current one, else the only one."""
    threads = as_dict(ev.get("threads")).get("values") or []
    if not threads:
        return {}
    for candidates in ([t for t in threads if t["crashed"]], [t for t in threads if t["current"]], threads):
        if len(candidates) == 1:
            stacktrace = candidates[0]["stacktrace"]
            if not stacktrace:
                break
            variants = stacktrace_variants(stacktrace, ev, rules, None)
            return stack_variants({name: Component("threads", [c]) for name, c in variants.items()})
    return {"app": Component("threads", contributes=False)}
