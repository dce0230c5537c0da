"""Shape a stored event (untrusted JSON of any shape) into plain structures the detail page renders.

Nothing here marks anything safe: templates escape every value. Each value that the SDK may
have trimmed travels with its ``_meta`` subtree, so the page can say what was cut.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime


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


def as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def as_list(value) -> list:
    return value if isinstance(value, list) else []


def values_of(container) -> list:
    """``{"values": [...]}`` or a bare list, as the SDK interfaces allow."""
    if isinstance(container, dict):
        container = container.get("values")
    return as_list(container)


def pairs(value, meta=None) -> list[tuple[str, object, dict]]:
    """``(key, value, meta)`` rows of a mapping or a list of ``[key, value]`` pairs."""
    if isinstance(value, dict):
        items = list(value.items())
    else:
        items = [tuple(p) for p in as_list(value) if isinstance(p, (list, tuple)) and len(p) == 2]
        return [(str(k), v, meta_at(meta, i, 1)) for i, (k, v) in enumerate(items)]
    return [(str(k), v, meta_at(meta, k)) for k, v in items]


def moment(value) -> datetime | None:
    """A breadcrumb's or event's timestamp (ISO 8601 or epoch seconds)."""
    try:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime.fromtimestamp(value, UTC)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value)
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError, OSError):
        pass
    return None


@dataclass
class Frame:
    filename: str
    function: str
    lineno: object
    in_app: bool
    context: list[tuple[int | None, str, bool]]  # (line number, text, is the error line)
    vars: list[tuple[str, object, dict]]


@dataclass
class Exception_:
    type: str
    value: str
    value_note: str
    module: str
    mechanism: dict
    frames: list[Frame]  # most recent call first
    frames_note: str
    has_in_app: bool = field(init=False)

    def __post_init__(self):
        self.has_in_app = any(f.in_app for f in self.frames)


def context_lines(frame: dict) -> list[tuple[int | None, str, bool]]:
    pre, post = as_list(frame.get("pre_context")), as_list(frame.get("post_context"))
    line = frame.get("context_line")
    if not isinstance(line, str):
        return []
    lineno = frame.get("lineno") if isinstance(frame.get("lineno"), int) else None

    def number(offset: int) -> int | None:
        return None if lineno is None else lineno + offset

    return [
        *((number(i - len(pre)), str(text), False) for i, text in enumerate(pre)),
        (lineno, line, True),
        *((number(i + 1), str(text), False) for i, text in enumerate(post)),
    ]


def frame(raw: dict, meta: dict) -> Frame:
    return Frame(
        filename=str(raw.get("filename") or raw.get("abs_path") or raw.get("module") or "?"),
        function=str(raw.get("function") or "?"),
        lineno=raw.get("lineno"),
        in_app=raw.get("in_app") is True,
        context=context_lines(raw),
        vars=pairs(raw.get("vars"), meta_at(meta, "vars")),
    )


def exceptions(event: dict, meta: dict) -> list[Exception_]:
    """The exception chain, the raised exception first and its causes after it."""
    result = []
    for index, exc in enumerate(values_of(event.get("exception"))):
        if not isinstance(exc, dict):
            continue
        exc_meta = meta_at(meta, "exception", "values", index)
        stacktrace = as_dict(exc.get("stacktrace"))
        raw_frames = as_list(stacktrace.get("frames"))
        frames_meta = meta_at(exc_meta, "stacktrace", "frames")
        frames = [frame(f, meta_at(frames_meta, i)) for i, f in enumerate(raw_frames) if isinstance(f, dict)]
        result.append(Exception_(
            type=str(exc.get("type") or "Error"),
            value=str(exc.get("value") or ""),
            value_note=meta_note(meta_at(exc_meta, "value")),
            module=str(exc.get("module") or ""),
            mechanism=as_dict(exc.get("mechanism")),
            frames=frames[::-1],
            frames_note=meta_note(frames_meta) or meta_note(meta_at(exc_meta, "stacktrace")),
        ))
    return result[::-1]


def logentry(event: dict, meta: dict) -> dict | None:
    """The log message: its template, parameters and formatted text."""
    entry = event.get("logentry")
    if not isinstance(entry, dict):
        entry = event.get("message") if isinstance(event.get("message"), dict) else {}
    key = "logentry" if isinstance(event.get("logentry"), dict) else "message"
    template, formatted = entry.get("message"), entry.get("formatted")
    if isinstance(event.get("message"), str) and not (template or formatted):
        return {"formatted": event["message"], "template": "", "params": [],
                "note": meta_note(meta_at(meta, "message"))}
    if not (template or formatted):
        return None
    return {
        "formatted": str(formatted or template),
        "template": str(template) if template and template != formatted else "",
        "params": as_list(entry.get("params")),
        "note": meta_note(meta_at(meta, key, "formatted")) or meta_note(meta_at(meta, key, "message")),
    }


def breadcrumbs(event: dict, meta: dict) -> tuple[list[dict], str]:
    crumbs_meta = meta_at(meta, "breadcrumbs", "values")
    rows = []
    for index, crumb in enumerate(values_of(event.get("breadcrumbs"))):
        if isinstance(crumb, dict):
            rows.append({
                "time": moment(crumb.get("timestamp")),
                "category": str(crumb.get("category") or crumb.get("type") or ""),
                "level": str(crumb.get("level") or "info"),
                "message": str(crumb.get("message") or ""),
                "message_note": meta_note(meta_at(crumbs_meta, index, "message")),
                "data": crumb.get("data") if crumb.get("data") not in (None, {}) else None,
                "data_meta": meta_at(crumbs_meta, index, "data"),
            })
    return rows, meta_note(crumbs_meta) or meta_note(meta_at(meta, "breadcrumbs"))


def request(event: dict, meta: dict) -> dict | None:
    raw = event.get("request")
    if not isinstance(raw, dict) or not raw:
        return None
    req_meta = meta_at(meta, "request")
    query = raw.get("query_string")
    return {
        "method": str(raw.get("method") or ""),
        "url": str(raw.get("url") or ""),
        "query": query if isinstance(query, str) else "",
        "query_pairs": [] if isinstance(query, str) else pairs(query, meta_at(req_meta, "query_string")),
        "headers": pairs(raw.get("headers"), meta_at(req_meta, "headers")),
        "cookies": pairs(raw.get("cookies"), meta_at(req_meta, "cookies")),
        "data": raw.get("data"),
        "data_meta": meta_at(req_meta, "data"),
        "env": pairs(raw.get("env"), meta_at(req_meta, "env")),
    }


def present(event: dict) -> dict:
    """Everything the event page shows, section by section."""
    meta = as_dict(event.get("_meta"))
    crumbs, crumbs_note = breadcrumbs(event, meta)
    contexts = as_dict(event.get("contexts"))
    modules = as_dict(event.get("modules"))
    chain = exceptions(event, meta)
    return {
        "exceptions": chain,
        "hideable_frames": any(e.has_in_app and not all(f.in_app for f in e.frames) for e in chain),
        "logentry": logentry(event, meta),
        "breadcrumbs": crumbs,
        "breadcrumbs_note": crumbs_note,
        "request": request(event, meta),
        "user": pairs(event.get("user"), meta_at(meta, "user")),
        "tags": pairs(event.get("tags"), meta_at(meta, "tags")),
        "contexts": [
            (str(name), pairs(ctx, meta_at(meta, "contexts", name)))
            for name, ctx in contexts.items() if isinstance(ctx, dict)
        ],
        "extra": pairs(event.get("extra"), meta_at(meta, "extra")),
        "modules": sorted((str(k), str(v)) for k, v in modules.items()),
        "sdk": as_dict(event.get("sdk")),
        "fingerprint": as_list(event.get("fingerprint")),
    }
