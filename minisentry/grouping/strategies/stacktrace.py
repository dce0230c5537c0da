"""Stack-trace strategy: the app and system components of a stack trace, and their post-processing."""

from __future__ import annotations

from ..component import Component, hash_values
from ..enhancer import Rules, group_verdicts
from ..utils import Frames
from .frames import frame_component, ignore_lone_javascript_url_frame


def stack_variants(variants: dict[str, Component]) -> dict[str, Component]:
    """Sentry's post-processing of app/system variants.

    A system variant hashing like the app variant does not contribute, and when some variant
    has a contributing stack trace, the variants without one do not contribute.
    """
    app, system = variants.get("app"), variants.get("system")
    if app and system and app.contributes and system.contributes:
        system.contributes = hash_values(app.leaves()) != hash_values(system.leaves())
    with_stacktrace = [c for c in variants.values() if c.has_contributing("stacktrace")]
    if len(variants) > 1 and with_stacktrace:
        for component in variants.values():
            if component not in with_stacktrace:
                component.contributes = False
    return variants


def stacktrace_strategy(ev: dict, rules: Rules) -> dict[str, Component]:
    stacktrace = ev.get("stacktrace")
    return stack_variants(stacktrace_variants(stacktrace, ev, rules, None)) if stacktrace else {}


def stacktrace_variants(stacktrace: dict, ev: dict, rules: Rules, exception: dict | None) -> dict[str, Component]:
    """The ``app`` (in-app frames only) and ``system`` (all frames) stack trace components."""
    frames, platform = stacktrace["frames"], ev.get("platform")
    verdicts = group_verdicts(frames, rules, platform, exception)
    return {
        "app": _stacktrace_component(frames, verdicts, platform, in_app_only=True),
        "system": _stacktrace_component(frames, verdicts, platform, in_app_only=False),
    }


def _stacktrace_component(
    frames: Frames, verdicts: tuple[bool | None, ...], platform: str | None, in_app_only: bool
) -> Component:
    components = [
        frame_component(frame, platform, is_recursion=index > 0 and _is_recursion(frame, frames[index - 1]))
        for index, frame in enumerate(frames)
    ]
    ignore_lone_javascript_url_frame(frames, components, platform)
    for frame, component, verdict in zip(frames, components, verdicts):
        if verdict is not None:
            component.contributes = verdict
        if in_app_only and not frame["in_app"]:
            component.contributes = False
    return Component("stacktrace", components)


_RECURSION_FIELDS = ("abs_path", "package", "module", "filename", "function", "lineno", "colno")


def _is_recursion(frame: dict, previous: dict) -> bool:
    return all(frame[field] == previous[field] for field in _RECURSION_FIELDS)
