"""Message strategy: the log message template (else the message), parameterised."""

from __future__ import annotations

from ..component import Component
from ..enhancer import Rules
from ..parameterization import normalize_message


def message_strategy(ev: dict, rules: Rules) -> dict[str, Component]:
    """The log message template (else the message), parameterised."""
    logentry = ev.get("logentry")
    if not logentry:
        return {}
    message = logentry["message"] or logentry["formatted"]
    return {"default": Component("message", [normalize_message(message)])}
