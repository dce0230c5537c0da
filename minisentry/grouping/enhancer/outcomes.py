"""What the rules make of a stack trace (in-app, category, ``+group``/``-group``), memoised."""

from __future__ import annotations

from ..utils import Frames, as_dict, as_str
from .actions import action_targets
from .rules import Rules

_OUTCOMES: dict = {}  # rule outcomes by what the rules read (see _memoised); emptied when full
_OUTCOMES_MAX = 20_000


def _memoised(function):
    """Memoise ``function(frames, rules, platform, exception)`` on the inputs rule matchers read.

    Real stack traces repeat: the ~110 built-in rules need not be matched again for each event.
    """

    def wrapper(frames: Frames, rules: Rules, platform: str | None, exception: dict | None):
        exc = exception or {}
        key = (
            function, rules, platform,
            (as_str(exc.get("type")), as_str(exc.get("value")), as_str(as_dict(exc.get("mechanism")).get("type")))
            if rules.reads_exception else None,
            tuple([
                (f["abs_path"], f["filename"], f["function"], f["raw_function"], f["module"], f["package"],
                 f["platform"], f["in_app"], as_str(f["data"].get("category")))
                for f in frames
            ]),
        )  # fmt: skip
        if (outcome := _OUTCOMES.get(key)) is None:
            if len(_OUTCOMES) >= _OUTCOMES_MAX:
                _OUTCOMES.clear()
            outcome = _OUTCOMES[key] = function(frames, rules, platform, exception)
        return outcome

    return wrapper


def apply_frame_modifications(frames: Frames, rules: Rules, platform: str | None, exception: dict | None) -> None:
    """Set each frame's ``in_app`` (``+app``/``-app``, default False) and ``data.category`` by the rules."""
    for frame, (in_app, category) in zip(frames, _frame_modifications(frames, rules, platform, exception)):
        frame["in_app"] = in_app
        if category is not None:
            frame["data"] = {**frame["data"], "category": category}


@_memoised
def _frame_modifications(frames: Frames, rules: Rules, platform: str | None, exception: dict | None) -> tuple:
    """Per frame, its ``in_app`` and the category the rules set (None: unchanged)."""
    frames = [{**frame} for frame in frames]  # later rules see what earlier ones did
    categories: list[str | None] = [None] * len(frames)
    for rule in rules:
        actions = [action for action in rule.actions if action.key != "group"]
        for index in rule.matching_indexes(frames, platform, exception) if actions else ():
            for action in actions:
                for target in action_targets(range(len(frames)), index, action.range):
                    if action.key == "app":
                        frames[target]["in_app"] = action.value
                    else:
                        frames[target]["data"] = {**frames[target]["data"], action.key: action.value}
                        categories[target] = action.value
    return tuple((bool(frame["in_app"]), category) for frame, category in zip(frames, categories))


@_memoised
def group_verdicts(frames: Frames, rules: Rules, platform: str | None, exception: dict | None) -> tuple:
    """Per frame: True (``+group``), False (``-group``) or None when no rule decides."""
    verdicts: list[bool | None] = [None] * len(frames)
    for rule in rules:
        actions = [action for action in rule.actions if action.key == "group"]
        for index in rule.matching_indexes(frames, platform, exception) if actions else ():
            for action in actions:
                for target in action_targets(range(len(frames)), index, action.range):
                    verdicts[target] = action.value
    return tuple(verdicts)
