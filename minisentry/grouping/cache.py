"""A bounded cache of grouping results, keyed on exactly what grouping reads of an event.

Real traffic repeats stack traces. The key is a digest of the fields the normalised event keeps
(``normalization``: platform, SDK, fingerprint, checksum, log template, each exception's type and
mechanism, each frame's fields, threads) and of the project's rules in the event. Per-event values
(an exception's value, a message's text, tags, release, transaction, level, logger) are not in it:
grouping notes when it reads one (``normalization.Inputs``). A result that read none is kept under
the key; otherwise the key remembers which categories were read, and results are kept under the
key plus those values. Same key, same reads, same values: the same computation, so a hit is the
answer grouping would give. Events holding other than strings, integers, booleans and None where
grouping reads are grouped without the cache.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import replace

import orjson

from .api import Grouping, group
from .event import event_tags
from .fingerprinting import parse_fingerprint_rules
from .normalization import (
    FRAME_FIELDS,
    MECHANISM_FIELDS,
    SDK_FIELDS,
    THREAD_FIELDS,
    frame_data,
    logentry_fields,
    normalize_fingerprint,
    raw_exceptions,
    raw_frames,
    raw_stacktrace,
    raw_threads,
    security_reports,
)  # fmt: skip
from .utils import as_dict, as_str

MAX_ENTRIES = 4096
_PLAIN = frozenset({str, int, bool, type(None)})


class _Uncacheable(Exception):
    """The event holds a value the key cannot tell apart from another (a float, a tuple, an object)."""


class GroupingCache:
    """A least-recently-used map of keys to groupings (or to the categories of values a key's events read)."""

    def __init__(self, max_entries: int = MAX_ENTRIES):
        self.max_entries = max_entries
        self.hits = self.misses = self.uncacheable = 0
        self._entries: OrderedDict[bytes, Grouping | tuple[str, ...]] = OrderedDict()
        self._lock = threading.Lock()
        os.register_at_fork(after_in_child=self._after_fork)

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = self.uncacheable = 0

    def grouping(self, event: dict) -> Grouping:
        """``get_grouping(event)``, from the cache when an event with the same inputs was grouped before."""
        try:
            stable = stable_key(event)
            categories = self._get(stable) or ()
            if isinstance(categories, Grouping):
                return self._hit(categories)
            key = volatile_key(stable, categories, event)
            if key != stable and isinstance(found := self._get(key), Grouping):
                return self._hit(found)
        except _Uncacheable:
            self.uncacheable += 1
            return group(event, set())
        self.misses += 1
        reads: set[str] = set()
        result = group(event, reads)
        if not reads.issubset(categories):
            categories = tuple(sorted(reads.union(categories)))
            try:
                key = volatile_key(stable, categories, event)
            except _Uncacheable:
                self.uncacheable += 1
                return result
            self._put(stable, categories)
        self._put(key, result)
        return result

    def _hit(self, found: Grouping) -> Grouping:
        self.hits += 1
        return replace(found, hashes=list(found.hashes), components=list(found.components))

    def _get(self, key: bytes):
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def _put(self, key: bytes, value) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def _after_fork(self) -> None:
        self._lock = threading.Lock()


def stable_key(event: dict) -> bytes:
    """The digest of what grouping always reads of ``event`` (raises ``_Uncacheable``)."""
    if not isinstance(event, dict):
        raise _Uncacheable  # grouping raises TypeError for it
    sdk = event.get("sdk")
    rules = event.get("_fingerprinting_rules")
    logentry = logentry_fields(event)
    parts = [
        _plain((event.get("platform"), event.get("checksum"))),
        _plain(tuple(map(sdk.get, SDK_FIELDS))) if isinstance(sdk, dict) else None,
        normalize_fingerprint(event.get("fingerprint")),
        as_str(as_dict(event.get("_grouping")).get("enhancements")),
        repr(parse_fingerprint_rules(rules)) if rules is not None else None,
        logentry and logentry["message"],
        logentry is not None,
        [_exception_key(raw) for raw in raw_exceptions(event)],
        _stacktrace_key(raw_stacktrace(event)),
        [_thread_key(thread) for thread in raw_threads(event)],
        [(name, _plain(tuple(report.values()))) for name, report in security_reports(event).items()],
    ]
    return _digest(parts)


def volatile_key(stable: bytes, categories: tuple[str, ...], event: dict) -> bytes:
    """``stable`` with the values of ``categories`` (per-event values grouping read) added."""
    if not categories:
        return stable
    return _digest([stable.hex(), *[(name, _VOLATILE[name](event)) for name in categories]])


def _exception_key(raw) -> tuple | None:
    if not isinstance(raw, dict):
        return None
    mechanism = raw.get("mechanism")
    return (
        _plain((raw.get("type"),)),
        _plain(tuple(map(mechanism.get, MECHANISM_FIELDS))) if isinstance(mechanism, dict) else None,
        _stacktrace_key(raw.get("stacktrace")),
    )


def _stacktrace_key(stacktrace) -> list | None:
    frames = raw_frames(stacktrace)
    return None if frames is None else [_frame_key(frame) if isinstance(frame, dict) else None for frame in frames]


def _frame_key(frame: dict) -> tuple:
    values = _plain(tuple(map(frame.get, FRAME_FIELDS)))
    if frame.get("data") is None:
        return values
    data = frame_data(frame)
    return (*values, *zip(data, _plain(tuple(data.values()))))


def _thread_key(thread) -> tuple | None:
    if not isinstance(thread, dict):
        return None
    return (*(thread.get(field) is True for field in THREAD_FIELDS), _stacktrace_key(thread.get("stacktrace")))


def _plain(values: tuple) -> tuple:
    if not _PLAIN.issuperset(map(type, values)):
        raise _Uncacheable
    return values


def _digest(parts: list) -> bytes:
    try:
        return hashlib.blake2b(orjson.dumps(parts), digest_size=16).digest()
    except (TypeError, orjson.JSONEncodeError):  # lone surrogates, integers past 64 bits
        raise _Uncacheable from None


def _event_values(name: str):
    return lambda event: _plain((event.get(name),))


# How the values of each category of per-event values are read from an event (as grouping reads them).
_VOLATILE = {
    "value": lambda event: [_plain((raw.get("value"),)) if isinstance(raw, dict) else None
                            for raw in raw_exceptions(event)],
    "message": lambda event: (logentry_fields(event) or {}).get("formatted"),
    "tags": event_tags,
    **{name: _event_values(name) for name in ("transaction", "level", "logger", "release")},
}  # fmt: skip

cache = GroupingCache()


def cached_grouping(event: dict) -> Grouping:
    """``get_grouping(event)`` through the process's grouping cache."""
    return cache.grouping(event)
