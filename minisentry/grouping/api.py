"""Entry points: how an event is grouped, and every variant Sentry computes for it.

Normalise (``normalization``), apply the stack-trace rules (``enhancer``) and the server
fingerprint rules (``fingerprinting``), then build the variants (``variants``, ``strategies``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .descriptions import shorten_all
from .enhancer import apply_frame_modifications, get_rules
from .event import event_stacktraces
from .fingerprinting import parse_fingerprint_rules, server_fingerprint
from .normalization import normalize_event
from .utils import as_dict, as_str
from .variants import Variant, checksum_variants, fingerprint_variants

FALLBACK_HASH = hashlib.md5(b"").hexdigest()


@dataclass(frozen=True)
class Grouping:
    """How an event is grouped."""

    hashes: list[str]  # every contributing hash, primary first
    variant: str  # name of the primary variant: "app", "system", "custom-fingerprint", ...
    description: str  # short "grouped by" text for people
    components: list[str]  # the values hashed for the primary variant, shortened


def get_grouping_hashes(event: dict) -> list[str]:
    """All contributing hashes of the event, primary first.

    The app variant comes before the system one, hashed-checksum before checksum.
    """
    return get_grouping(event).hashes


def get_grouping(event: dict) -> Grouping:
    """Group ``event``. Never raises for a dict, whatever it holds; raises TypeError otherwise."""
    return group(event, set())


def group(event: dict, reads: set) -> Grouping:
    """Group ``event``, adding to ``reads`` the categories of per-event values read (see normalization)."""
    variants = calculate_variants(event, reads)
    hashes = list(dict.fromkeys(v.hash for v in variants if v.hash is not None))
    primary = next(v for v in variants if v.hash == hashes[0])
    return Grouping(hashes, primary.name, primary.description, shorten_all(primary.values))


def calculate_variants(event: dict, reads: set | None = None) -> list[Variant]:
    """Every variant Sentry computes for the event, ordered as its hashes are ("system" last)."""
    ev = normalize_event(event, reads)
    rules = get_rules(as_str(as_dict(event.get("_grouping")).get("enhancements")))
    for frames, exception in event_stacktraces(ev):
        apply_frame_modifications(frames, rules, ev.get("platform"), exception)
    project_fingerprint_rules = parse_fingerprint_rules(event.get("_fingerprinting_rules"))
    fingerprint, builtin = server_fingerprint(ev, project_fingerprint_rules)
    variants = checksum_variants(ev) or fingerprint_variants(ev, rules, fingerprint, builtin)
    if all(v.hash is None for v in variants):
        variants.append(Variant("fallback", FALLBACK_HASH, [], "nothing to group by (fallback hash)"))
    return sorted(variants, key=lambda v: v.name == "system")
