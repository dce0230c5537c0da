"""Grouping strategies, in Sentry's order: each builds a component per variant; the first that contributes wins."""

from __future__ import annotations

from .exception import exception_strategy
from .message import message_strategy
from .security import security_strategy
from .stacktrace import stacktrace_strategy
from .threads import threads_strategy

STRATEGIES = (security_strategy, exception_strategy, threads_strategy, stacktrace_strategy, message_strategy)
