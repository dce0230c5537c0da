"""Grouping variants: a checksum, a fingerprint, or the strategies' component trees (salted or not)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .component import Component, hash_values
from .descriptions import as_json, describe_tree, quote
from .enhancer import Rules
from .fingerprint_variables import fingerprint_variable, resolve_fingerprint
from .strategies import STRATEGIES
from .utils import as_str


@dataclass
class Variant:
    name: str
    hash: str | None
    values: list[str]  # what was hashed, in order
    description: str


_CHECKSUM_RE = re.compile(r"^[0-9a-f]{32}$")


def checksum_variants(ev: dict) -> list[Variant]:
    """A legacy ``checksum`` replaces grouping: used as is if it is an md5, else hashed."""
    checksum = as_str(ev.get("checksum"))
    if not checksum:
        return []
    as_is = Variant("checksum", checksum, [checksum], f"checksum {quote(checksum)}")
    if _CHECKSUM_RE.match(checksum):
        return [as_is]
    hashed = Variant("hashed-checksum", hash_values([checksum]), [checksum], f"hashed checksum {quote(checksum)}")
    return [hashed, as_is] if len(checksum) <= 32 else [hashed]


def fingerprint_variants(ev: dict, rules: Rules, fingerprint: list[str] | None, builtin: bool) -> list[Variant]:
    """Component variants, salted by a fingerprint with ``{{ default }}``, or one fingerprint variant."""
    fingerprint = fingerprint or ["{{ default }}"]
    if not any(fingerprint_variable(value) == "default" for value in fingerprint):
        values = resolve_fingerprint(fingerprint, ev)
        name, label = ("built-in-fingerprint", "built-in") if builtin else ("custom-fingerprint", "custom")
        return [Variant(name, hash_values(values), values, f"{label} fingerprint {as_json(values)}")]
    trees = _component_trees(ev, rules)
    if len(fingerprint) == 1:
        return [_tree_variant(name, root, ev) for name, root in trees.items()]
    salt = resolve_fingerprint(fingerprint, ev)
    return [_salted_variant(name, root, salt, ev) for name, root in trees.items()]


def _tree_variant(name: str, root: Component, ev: dict) -> Variant:
    values = list(root.leaves())
    return Variant(name, hash_values(values) if root.contributes else None, values, describe_tree(name, root, ev))


def _salted_variant(name: str, root: Component, salt: list[str], ev: dict) -> Variant:
    """The fingerprint's values with ``{{ default }}`` replaced by the tree's values."""
    leaves = list(root.leaves())
    values = [v for entry in salt for v in (leaves if fingerprint_variable(entry) == "default" else [entry])]
    description = f"{describe_tree(name, root, ev)} and custom fingerprint {as_json(salt)}"
    return Variant(name, hash_values(values) if root.contributes else None, values, description)


def _component_trees(ev: dict, rules: Rules) -> dict[str, Component]:
    """One root per variant with every strategy's component; only the first contributing strategy counts."""
    children: dict[str, list[Component]] = {}
    winner = None
    for strategy in STRATEGIES:
        for name, component in strategy(ev, rules).items():
            children.setdefault(name, []).append(component)
            if component.contributes:
                if winner is None:
                    winner = strategy
                elif strategy is not winner:
                    component.contributes = False
    return {name: Component(name, components) for name, components in children.items()}
