"""Stack-trace rules ("enhancements"): which frames are in-app and which count for grouping."""

from .builtin_rules import get_rules
from .outcomes import apply_frame_modifications, group_verdicts
from .rules import Rules

__all__ = ["Rules", "apply_frame_modifications", "get_rules", "group_verdicts"]
