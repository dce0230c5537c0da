"""Error storms: past a rate per issue, events are counted but not stored.

``MINISENTRY_STORM = {"events_per_minute": 600, "keep_one_in": 100}`` (the default; ``None``: every
event is stored). The writer groups each event first, as it is stored (after scrubbing: two messages
that differ by a card number are one issue before it, two after); once one issue (its primary
grouping hash) has had ``events_per_minute`` events in this process's current one-minute window,
its further events of that window are counted only — event count, first/last seen, hourly counts,
tags, users — and stored (row and blob) one in ``keep_one_in``: the ``keep_one_in``-th,
``2 × keep_one_in``-th… past the rate, so the outcome is deterministic. The first event of a window
is always stored, so an issue never has its events only counted. A window starts with an issue's
first event and lasts 60 seconds of this process's monotonic clock; the rate is per process (four
worker processes store up to four times as many). What is not stored is counted on its issue
(``Issue.sampled_out``), in the ``sampled_out`` counter and in ``minisentry.stats()``.

The windows are bounded: ``MAX_ISSUES`` calm ones (under the rate), the least recently seen
forgotten first (one forgotten starts afresh, storing more, never less), and ``MAX_ISSUES`` storming
ones kept apart, so that a flood of new issues cannot end a storm's window.

Nothing here touches the models: ``minisentry.stats()`` reads the count from ``settings.py`` on.
"""

import os
import time
from collections import OrderedDict

from .. import conf

WINDOW = 60.0  # seconds
MAX_ISSUES = 10_000  # calm windows tracked at once, and as many storming ones
FIELDS = ("events_per_minute", "keep_one_in")


def problem(value) -> str | None:
    """What is wrong with a ``MINISENTRY_STORM`` value, or None when it is valid."""
    if value is None:
        return None
    if not isinstance(value, dict):
        return f"it must be a dict or None, not {type(value).__name__}"
    if unknown := sorted(set(map(str, value)) - set(FIELDS)):
        return f"unknown key(s) {', '.join(unknown)} (known: {', '.join(FIELDS)})"
    for name, least in (("events_per_minute", 0), ("keep_one_in", 1)):
        number = value.get(name, conf.DEFAULTS["STORM"][name])
        if not isinstance(number, int) or isinstance(number, bool) or number < least:
            return f"{name} must be an integer >= {least}, not {number!r}"
    return None


def limits() -> tuple[int, int] | None:
    """``(events_per_minute, keep_one_in)``, or None when sampling is off. An invalid setting
    (``manage.py check`` reports it) counts as the default: storms stay harmless."""
    return conf.derived("STORM", _limits)


def _limits(value) -> tuple[int, int] | None:
    if value is None:
        return None
    if problem(value):
        value = {}
    default = conf.DEFAULTS["STORM"]
    return tuple(value.get(name, default[name]) for name in FIELDS)


class Sampler:
    """Per-issue windows of one process; callers hold the pipeline's lock (``pipeline.steps``)."""

    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self.sampled_out = 0  # events this process counted without storing them (committed)
        self.reset()
        os.register_at_fork(after_in_child=self.reset)

    def reset(self) -> None:
        """A forked child starts with windows and a count of its own."""
        self.sampled_out = 0
        # primary hash -> [window start, events in it], least recently seen first
        self._calm: OrderedDict[str, list] = OrderedDict()
        self._storms: OrderedDict[str, list] = OrderedDict()

    def keep(self, key: str, events_per_minute: int, keep_one_in: int) -> bool:
        """Whether the next event of the issue ``key`` is stored (True) or only counted."""
        now = self.clock()
        table = self._storms if key in self._storms else self._calm
        window = table.get(key)
        if window is None:
            window = table[key] = [now, 0]
            if len(table) > MAX_ISSUES:
                table.popitem(last=False)
        else:
            table.move_to_end(key)
            if now - window[0] >= WINDOW:
                window[:] = now, 0
                if table is self._storms:  # calm again until it passes the rate
                    table = self._move(key, self._storms, self._calm)
        window[1] += 1
        over = window[1] - events_per_minute
        if over > 0 and window[1] > 1 and table is self._calm:  # a storm (more than one event in its window)
            self._move(key, self._calm, self._storms)
        return window[1] == 1 or over <= 0 or over % keep_one_in == 0

    def tracked(self) -> int:
        """How many issues' windows are held."""
        return len(self._calm) + len(self._storms)

    def counted(self, n: int) -> None:
        """``n`` events were committed without a row (the index transaction's ``sampled_out``)."""
        self.sampled_out += n

    @staticmethod
    def _move(key: str, source: OrderedDict, target: OrderedDict) -> OrderedDict:
        target[key] = source.pop(key)
        if len(target) > MAX_ISSUES:
            target.popitem(last=False)
        return target


sampler = Sampler()


def keeper():
    """``keep(primary_hash) -> bool`` for ``prepare()`` under the current setting; None when off."""
    rate = limits()
    if rate is None:
        return None
    events_per_minute, keep_one_in = rate
    return lambda key: sampler.keep(key, events_per_minute, keep_one_in)
