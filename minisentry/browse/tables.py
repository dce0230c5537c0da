"""Readable tables of an event's typed objects (a context, a security report): known fields first,
in their own order, labelled and formatted for people; the other fields after them as sent."""

from datetime import datetime

from django.template.defaultfilters import filesizeformat

from ..fields import parse_time
from .display import MAX_ITEMS, Rows, clip, meta_at


def as_bytes(value) -> str:
    return filesizeformat(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def as_megabytes(value):
    return as_bytes(value * 1024 * 1024) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def as_percent(value):
    return f"{value:g} %" if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def as_time(value):
    when = parse_time(value)
    return when.strftime("%Y-%m-%d %H:%M:%S UTC") if isinstance(when, datetime) else value


def label_of(key: str) -> str:
    """``free_memory`` -> ``Free memory``."""
    return key.replace("_", " ").replace(".", " ").strip().capitalize() or key


def shown(value):
    """Booleans as yes/no, other values as they are (the page renders containers)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return clip(value) if isinstance(value, str) else value


def ordered_rows(obj: dict, fields: tuple, meta: dict, formats: dict | None = None, skip=("type",),
                 labels: dict | None = None) -> Rows:
    """``(label, value, meta)`` rows: ``fields`` (keys) first in that order, then the rest, at most
    :data:`MAX_ITEMS`; ``formats`` maps a key to the function that formats its value, ``labels`` to
    its label where the one made of the key would not do."""
    formats, labels = formats or {}, labels or {}
    known = [k for k in fields if obj.get(k) not in (None, "", [], {})]
    others = [k for k in obj if k not in fields and k not in skip and obj[k] is not None]
    keys = known + others
    rows = Rows()
    for key in keys[:MAX_ITEMS]:
        value = obj[key]
        if key in formats:
            value = formats[key](value)
        label = labels.get(key) or (label_of(key) if key in fields else clip(str(key)))
        rows.append((label, shown(value), meta_at(meta, key)))
    rows.cut = len(keys) - len(rows)
    return rows
