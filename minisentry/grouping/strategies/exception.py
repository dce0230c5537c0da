"""Exception strategy: stack trace, type and value of each exception of the chain."""

from __future__ import annotations

from ..component import Component
from ..enhancer import Rules
from ..event import event_exceptions
from ..parameterization import normalize_message
from .exception_groups import exceptions_to_group_by
from .stacktrace import stack_variants, stacktrace_variants


def exception_strategy(ev: dict, rules: Rules) -> dict[str, Component]:
    """The exception chain: one exception, or the ones Sentry's exception-group rules keep."""
    exceptions = event_exceptions(ev)
    if not exceptions:
        return {}
    components = [_exception_components(exception, ev, rules) for exception in exceptions]
    chosen = exceptions_to_group_by(ev, exceptions, components)
    if len(chosen) == 1:
        return stack_variants(components[chosen[0]])
    by_variant: dict[str, list[Component]] = {}
    for index in chosen:
        for name, component in components[index].items():
            by_variant.setdefault(name, []).append(component)
    return stack_variants({name: Component("chained-exception", cs) for name, cs in by_variant.items()})


def _exception_components(exception: dict, ev: dict, rules: Rules) -> dict[str, Component]:
    """Stack trace, type and (only without a contributing stack trace) the parameterised value."""
    if exception["stacktrace"]:
        stacktraces = stacktrace_variants(exception["stacktrace"], ev, rules, exception)
    else:
        stacktraces = {"app": Component("stacktrace")}
    # The type of a synthetic exception (made by an SDK to get a stack trace) means nothing.
    synthetic = bool(exception["mechanism"] and exception["mechanism"]["synthetic"])
    variants = {}
    for name, stacktrace in stacktraces.items():
        type_values = [exception["type"]] if exception["type"] else []
        type_component = Component("type", type_values, False if synthetic else None)
        if stacktrace.contributes:
            value_component = _IgnoredValue(exception)
        else:
            value = normalize_message(exception["value"]) if exception["value"] is not None else ""
            value_component = Component("value", [value] if value else [])
        variants[name] = Component("exception", [stacktrace, type_component, value_component])
    return variants


class _IgnoredValue(Component):
    """The value of an exception whose stack trace contributes: it never counts, so it is
    parameterised (slow: one large regex) only when an exception group compares signatures."""

    __slots__ = ("exception",)

    def __init__(self, exception: dict):
        super().__init__("value", (), False)
        self.exception = exception  # its value is read (and the read noted) only here

    def signature(self) -> tuple:
        raw = self.exception["value"]
        value = normalize_message(raw) if raw is not None else ""
        return (self.kind, self.contributes, (value,) if value else ())
