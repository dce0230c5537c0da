"""Relay's trimming (``relay-event-normalization/src/trimming.rs``): strings past their field's
``max_chars`` (plus its allowance) cut to it with ``...``; data bags (``extra``, ``contexts``,
request data…) cut to a depth and an estimated JSON size; stack traces to their newest 250 frames,
of which only 50 keep their variables and source context. Every cut is noted in ``_meta``.
"""

from dataclasses import dataclass

from .. import codec, scrubbing
from .notes import Notes

ELLIPSIS = "..."
MAX_FRAMES = 250  # Relay's hard limit: the oldest frames (the outermost calls) go
FRAME_ALLOWANCE = 50  # frames past these lose vars, pre_context and post_context (the middle ones)
SLIMMED = ("vars", "pre_context", "post_context")
MAX_DEPTH = 24  # anything nested deeper in an event (no field of the protocol is) is removed
BIG = 10**18  # a larger integer's text may be long


@dataclass(frozen=True)
class Bag:
    """Relay's ``max_depth`` and ``max_bytes`` of a data bag."""

    depth: int
    size: int


SMALL, MEDIUM, LARGE = Bag(3, 1024), Bag(5, 2048), Bag(7, 8192)
LARGER, MASSIVE = Bag(7, 16_384), Bag(7, 262_144)


def text(value: str, limit: int, notes: Notes, path, allowance: int = 0) -> str:
    """``value``, cut to ``limit`` characters if it has more than ``limit + allowance``."""
    return value if len(value) <= limit + allowance else cut(value, limit, notes, path)


def cut(value: str, limit: int, notes: Notes, path) -> str:
    keep = max(limit - len(ELLIPSIS), 0)
    notes.trimmed(path, len(value), keep, keep + len(ELLIPSIS))
    return value[:keep] + ELLIPSIS


def bag(value, limit: Bag, notes: Notes, path, budget: list[int] | None = None):
    """``value`` cut to ``limit``: a list or object at its last level of depth becomes its JSON (a
    string), and once the estimated size is spent, the items after are dropped and strings cut.
    ``budget`` (a one-item list) is shared with the bag that holds this one, if any."""
    if budget is None and fits(value, limit):
        return value
    return _walk(value, limit.depth, [limit.size] if budget is None else budget, notes, path)


def fits(value, limit: Bag) -> bool:
    """Whether ``value`` is surely within ``limit`` as it is, from its JSON alone: fewer lists and
    objects than levels allowed, and a third of the size (each value's estimate is at most three
    times its JSON)."""
    if type(value) is str:
        return len(value) + 3 <= limit.size
    if not isinstance(value, (dict, list)) or type(value) is dict and flat_and_small(value, limit.size):
        return True
    data = codec.dumps(value)
    if len(data) * 3 > limit.size:
        return False
    return data.count(b"{") + data.count(b"[") < limit.depth or not deeper_than(value, limit.depth - 1)


def flat_and_small(value: dict, size: int) -> bool:
    """Whether an object of short strings and numbers only is surely within ``size`` (the common
    case of breadcrumb data, headers, a context), without serializing it."""
    total = 3
    for key, item in value.items():
        kind = type(item)
        if kind is str:
            total += len(key) + len(item) + 6
        elif kind is bool or item is None or kind is float or kind is int and -BIG < item < BIG:
            total += len(key) + 32
        else:
            return False
    return total <= size


def deeper_than(value, limit: int) -> bool:
    """Whether lists and objects with items nest in ``value`` more than ``limit`` deep (``[1]`` is 1
    deep, ``[]`` 0), at C speed: its JSON indented by level has a line indented past ``limit`` levels
    (no string holds a raw newline)."""
    return b"\n" + b"  " * (limit + 1) in codec.indented(value)


def _walk(value, depth: int, budget: list[int], notes: Notes, path):
    if isinstance(value, (dict, list)) and depth <= 1:
        value = as_text(value)
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            if budget[0] <= 0:
                notes.cut(path, len(value))
                break
            budget[0] -= len(str(key)) + 3
            kept[key] = _walk(item, depth - 1, budget, notes, (*path, key))
        value = kept
    elif isinstance(value, list):
        kept = []
        for index, item in enumerate(value):
            if budget[0] <= 0:
                notes.cut(path, len(value))
                break
            kept.append(_walk(item, depth - 1, budget, notes, (*path, index)))
        value = kept
    elif isinstance(value, str) and len(value) > budget[0]:
        value = cut(value, budget[0], notes, path)
    budget[0] -= flat_size(value)
    return value


def as_text(value) -> str:
    """A list or object as its JSON, which server-side scrubbing reads as text only: secrets under
    its keys are filtered first (in place: the value is being replaced)."""
    scrubbing.scrub({"value": value})
    return codec.dumps(value).decode("utf-8", "replace")


def flat_size(value) -> int:
    """Relay's ``estimate_size_flat``, roughly: a value's JSON bytes less its items', and a comma."""
    if isinstance(value, str):
        return len(value) + 3
    if isinstance(value, (dict, list)):
        return 3
    return len(str(value)) + 1


def frames(stacktrace: dict, notes: Notes, path) -> None:
    """Relay's frame limits on a stack trace's ``frames`` (in place): the newest 250, of which the
    first and last 25 (app frames kept longest) keep their variables; each frame's ``vars`` a bag."""
    listed = stacktrace.get("frames")
    if not isinstance(listed, list):
        return
    path = (*path, "frames")
    if len(listed) > MAX_FRAMES:
        first = len(listed) - MAX_FRAMES
        notes.shift(path, first)
        notes.cut(path, len(listed))
        listed = stacktrace["frames"] = listed[first:]
    for index in slimmed(listed):
        for key in SLIMMED:
            if listed[index].pop(key, None) is not None:
                notes.removed((*path, index, key))
    for index, frame in enumerate(listed):
        if isinstance(frame, dict) and "vars" in frame:
            frame["vars"] = bag(frame["vars"], MEDIUM, notes, (*path, index, "vars"))


def slimmed(listed: list) -> list[int]:
    """The frames Relay's ``slim_frame_data`` strips past the allowance: system frames from the middle
    out, then, if still too many, app frames."""
    if len(listed) <= FRAME_ALLOWANCE:
        return []
    app = [i for i, f in enumerate(listed) if isinstance(f, dict) and f.get("in_app") is True]
    system = [i for i, f in enumerate(listed) if isinstance(f, dict) and f.get("in_app") is not True]
    half = max(FRAME_ALLOWANCE - len(app), 0) // 2
    system_out = system[half:len(system) - half]
    remaining = max(len(listed) - FRAME_ALLOWANCE - len(system_out), 0)
    app_half = max(len(app) - remaining, 0) // 2
    return system_out + app[app_half:len(app) - app_half]


def cap_depth(event: dict, notes: Notes | None, limit: int = MAX_DEPTH, bounded=frozenset()) -> None:
    """Remove (in place) every list or object nested deeper than ``limit``, noting each in ``notes``
    (or not, for ``_meta`` itself); the top-level keys ``bounded`` (and ``_meta``) are not looked
    into. Iterative: a hostile event may nest a thousand levels. Paths are linked lists ``(key,
    parent)``, spelled out only for what is removed."""
    bounded = bounded | {"_meta"}
    rest = {key: value for key, value in event.items()
            if key not in bounded and (type(value) is dict or type(value) is list) and value}
    if not deeper_than(rest, limit):  # the common case, found at C speed
        return
    stack = [(value, 1, (key, None)) for key, value in rest.items()]
    while stack:
        container, depth, where = stack.pop()
        items = container.items() if type(container) is dict else enumerate(container)
        if depth + 1 < limit:
            stack.extend((value, depth + 1, (key, where)) for key, value in items
                         if (type(value) is dict or type(value) is list) and value)
            continue
        for key, value in [(k, v) for k, v in items if isinstance(v, (dict, list)) and v]:
            if isinstance(container, dict):
                del container[key]
            else:
                container[key] = None
            if notes is not None:
                notes.error(spelled((key, where)), "invalid_data", f"nested deeper than {limit} levels")


def spelled(where) -> tuple:
    path = []
    while where is not None:
        key, where = where
        path.append(key)
    return tuple(reversed(path))
