"""The grouping component tree, and the hash of its contributing leaf values."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator


class Component:
    """A node of Sentry's grouping tree: its kind and its child components or leaf values."""

    __slots__ = ("kind", "children", "contributes")

    def __init__(self, kind: str, children: Iterable[Component | str] = (), contributes: bool | None = None):
        self.kind = kind
        self.children = list(children)
        if contributes is None:
            contributes = any(not isinstance(c, Component) or c.contributes for c in self.children)
        self.contributes = contributes

    def leaves(self) -> Iterator[str]:
        """The contributing leaf values, in tree order."""
        if self.contributes:
            for child in self.children:
                if isinstance(child, Component):
                    yield from child.leaves()
                else:
                    yield child

    def has_contributing(self, kind: str) -> bool:
        """Whether a descendant of ``kind`` is reachable through contributing components."""
        return any(c.kind == kind or c.has_contributing(kind) for c in self._contributing_children())

    def count(self, kind: str) -> int:
        """The number of contributing descendants of ``kind``."""
        return sum((c.kind == kind) + c.count(kind) for c in self._contributing_children())

    def signature(self) -> tuple:
        """Everything that makes two trees different, as a comparable value."""
        children = tuple(c.signature() if isinstance(c, Component) else c for c in self.children)
        return (self.kind, self.contributes, children)

    def _contributing_children(self) -> Iterator[Component]:
        return (c for c in self.children if isinstance(c, Component) and c.contributes)


def hash_values(values: Iterable[str]) -> str:
    """md5 of the UTF-8 values, concatenated (lone surrogates become "?")."""
    digest = hashlib.md5()
    for value in values:
        digest.update(value.encode("utf-8", "replace"))
    return digest.hexdigest()
