"""Which exceptions of an exception group are grouped by (Sentry's RFC 79 rules)."""

from __future__ import annotations

from itertools import groupby

from ..component import Component
from ..utils import as_dict, as_str


class _NoExceptionTree(Exception):
    """The mechanism ids do not form a usable tree: Sentry then groups by every exception."""


_MAX_EXCEPTION_TREE_DEPTH = 500  # cycles end Sentry's recursion with an error; here at this depth


def exceptions_to_group_by(ev: dict, exceptions: list[dict], components: list[dict[str, Component]]) -> list[int]:
    """Indexes of the exceptions to group by, per Sentry's exception-group rules (RFC 79).

    An exception group whose top-level exceptions are all alike groups as its first such
    exception and that one's first descendants; otherwise one of each distinct top-level
    exception plus the root group.
    """
    everything = list(range(len(exceptions)))
    mechanisms = [exception["mechanism"] or {} for exception in exceptions]
    if len(exceptions) <= 1 or _is_python_sdk_3(ev) or any(m.get("exception_id") is None for m in mechanisms):
        return everything
    exception_by_id: dict[int, int] = {}
    children: dict[int, list[int]] = {}
    for index in reversed(everything):
        exception_by_id[mechanisms[index]["exception_id"]] = index
        if mechanisms[index]["parent_id"] is not None:
            children.setdefault(mechanisms[index]["parent_id"], []).append(index)
    if 0 not in exception_by_id:
        return everything

    def children_of(index: int) -> list[int]:
        return children.get(mechanisms[index]["exception_id"], [])

    def top_level(index: int) -> list[int]:
        """The first exceptions under ``index`` that are not groups, depth first, in order."""
        found, stack, visits = [], [(index, 0)], 0
        while stack:
            index, depth = stack.pop()
            visits += 1
            if depth > _MAX_EXCEPTION_TREE_DEPTH or visits > len(exceptions):  # a cycle, or ids reused
                raise _NoExceptionTree
            if mechanisms[index]["is_exception_group"]:
                stack.extend((child, depth + 1) for child in reversed(children_of(index)))
            else:
                found.append(index)
        return found

    def first_path(index: int) -> list[int]:
        path = [index]
        while children_of(path[-1]):
            if len(path) > _MAX_EXCEPTION_TREE_DEPTH:
                raise _NoExceptionTree
            path.append(children_of(path[-1])[0])
        return path

    root = exception_by_id[0]
    try:
        tops = sorted(top_level(root), key=lambda i: str(exceptions[i]["type"]), reverse=True)
        distinct = [next(run) for _, run in groupby(tops, key=lambda i: _signature(components[i]))]
        return first_path(distinct[0]) if len(distinct) == 1 else distinct + [root]
    except _NoExceptionTree:
        return everything


def _signature(variants: dict[str, Component]) -> tuple:
    return tuple((name, component.signature()) for name, component in variants.items())


def _is_python_sdk_3(ev: dict) -> bool:
    """Sentry's stopgap: Python SDK 3.x events ignore the exception-group rules."""
    version = as_str(as_dict(ev.get("sdk")).get("version")) or ""
    return ev.get("platform") == "python" and version.startswith("3")
