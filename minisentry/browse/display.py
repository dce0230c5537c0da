"""Shape a stored event (untrusted JSON of any shape) into plain structures the detail page renders.

Nothing here marks anything safe: templates escape every value. Each value that the SDK may
have trimmed travels with its ``_meta`` subtree, so the page can say what was cut.
"""

from itertools import islice

# What a page renders of an event at most; the rest stays in the raw JSON.
MAX_TEXT = 10_000  # characters of one string
MAX_ITEMS = 500  # items of one container (keys of a mapping, breadcrumbs)


def meta_at(meta, *path) -> dict:
    """The ``_meta`` subtree at ``path`` (list indices as ints or strings), or ``{}``."""
    for segment in path:
        if not isinstance(meta, dict):
            return {}
        meta = meta.get(str(segment))
    return meta if isinstance(meta, dict) else {}


def meta_note(meta) -> str:
    """What happened to a value, in words (``""`` if nothing): the SDK's annotation (``meta[""]``), and
    minisentry's own, whose remarks name a server-side rule (``@password:filter``, as Relay's do)."""
    note = meta_at(meta, "")
    remarks = [r[0] for r in note.get("rem", []) if isinstance(r, list) and r and isinstance(r[0], str)]
    ours = any(r.startswith("@") for r in remarks)
    sdk = [r for r in remarks if not r.startswith("@")]
    length = note.get("len")
    words = []
    if "!limit" in sdk:
        words.append(f"truncated (original length {length})" if isinstance(length, int) else "truncated")
    elif any(r in ("!raw", "!config") or "filter" in r for r in sdk):
        words.append("filtered by the SDK")
    elif isinstance(length, int) and not ours:
        words.append(f"trimmed by the SDK ({length} items originally)")
    if ours:
        words.append("filtered by minisentry")
    return "; ".join(words)


def cut_note(count: int, unit: str) -> str:
    return f"cut: {count:,} {unit}; full value in the raw JSON"


def clip(text: str) -> str:
    """``text``, past :data:`MAX_TEXT` characters cut with a note saying so."""
    if len(text) <= MAX_TEXT:
        return text
    return f"{text[:MAX_TEXT]}\n… {cut_note(len(text), 'characters')}"


class Rows(list):
    """Table rows; ``cut`` says how many more the value had (not rendered)."""

    cut = 0


def as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value) -> list:
    return value if isinstance(value, list) else []


def values_of(container) -> list:
    """``{"values": [...]}`` or a bare list, as the SDK interfaces allow."""
    if isinstance(container, dict):
        container = container.get("values")
    return as_list(container)


def pairs(value, meta=None) -> Rows:
    """``(key, value, meta)`` rows of a mapping or a list of ``[key, value]`` pairs, at most
    :data:`MAX_ITEMS` of them."""
    if isinstance(value, dict):
        rows = Rows((clip(str(k)), v, meta_at(meta, k)) for k, v in islice(value.items(), MAX_ITEMS))
        rows.cut = len(value) - len(rows)
        return rows
    items = [tuple(p) for p in as_list(value) if isinstance(p, (list, tuple)) and len(p) == 2]
    rows = Rows((clip(str(k)), v, meta_at(meta, i, 1)) for i, (k, v) in enumerate(items[:MAX_ITEMS]))
    rows.cut = len(items) - len(rows)
    return rows


def logentry(event: dict, meta: dict) -> dict | None:
    """The log message: its template, parameters and formatted text."""
    entry = event.get("logentry")
    if not isinstance(entry, dict):
        entry = event.get("message") if isinstance(event.get("message"), dict) else {}
    key = "logentry" if isinstance(event.get("logentry"), dict) else "message"
    template, formatted = entry.get("message"), entry.get("formatted")
    if isinstance(event.get("message"), str) and not (template or formatted):
        return {"formatted": clip(event["message"]), "template": "", "params": [],
                "note": meta_note(meta_at(meta, "message"))}
    if not (template or formatted):
        return None
    return {
        "formatted": clip(str(formatted or template)),
        "template": clip(str(template)) if template and template != formatted else "",
        "params": as_list(entry.get("params")),
        "note": meta_note(meta_at(meta, key, "formatted")) or meta_note(meta_at(meta, key, "message")),
    }


def request(event: dict, meta: dict) -> dict | None:
    raw = event.get("request")
    if not isinstance(raw, dict) or not raw:
        return None
    req_meta = meta_at(meta, "request")
    query = raw.get("query_string")
    return {
        "method": clip(str(raw.get("method") or "")),
        "url": clip(str(raw.get("url") or "")),
        "query": clip(query) if isinstance(query, str) else "",
        "query_pairs": [] if isinstance(query, str) else pairs(query, meta_at(req_meta, "query_string")),
        "headers": pairs(raw.get("headers"), meta_at(req_meta, "headers")),
        "cookies": pairs(raw.get("cookies"), meta_at(req_meta, "cookies")),
        "data": raw.get("data"),
        "data_meta": meta_at(req_meta, "data"),
        "env": pairs(raw.get("env"), meta_at(req_meta, "env")),
    }
