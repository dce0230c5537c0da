"""Shape a stored event (untrusted JSON of any shape) into plain structures the detail page renders.

Nothing here marks anything safe: templates escape every value. Each value that the SDK may
have trimmed travels with its ``_meta`` subtree, so the page can say what was cut.
"""

from dataclasses import dataclass
from itertools import islice

from ..fields import parse_time

# What a page renders of an event at most; the rest stays in the raw JSON. sentry-python sends up to
# 2,000 frames (a RecursionError has ~1,000) and Relay keeps 250, the first and last ones.
SHOWN_FRAMES = 50  # frames rendered in full at each end of a longer stack trace
LISTED_FRAMES = 1000  # frames between them listed one line each, at most
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


@dataclass
class Frame:
    filename: str
    function: str
    lineno: object
    in_app: bool
    context: list[tuple[int | None, str, bool]]  # (line number, text, is the error line)
    vars: list[tuple[str, object, dict]]
    package: str = ""  # native frames: the image's (library's) name, its path, and where in it
    package_path: str = ""
    instruction_addr: str = ""
    symbol: str = ""  # the raw symbol, when it differs from the function
    addr_mode: str = ""
    omitted = False  # a row of the stack trace rendered in full (see Omitted)
    more = False


@dataclass
class Omitted:
    """The frames of a long stack trace between the ones rendered in full."""

    count: int
    position: int  # of the first of them in the stack trace (1 = the most recent call)
    listed: list[Frame]  # one line each (no context, no variables), most recent first
    unlisted: int  # frames past :data:`LISTED_FRAMES`, not even listed
    omitted = True
    more = False


@dataclass
class More:
    """Where library frames hide while only in-app frames show: "N more frames"."""

    count: int
    omitted = False
    more = True


@dataclass
class Exception_:
    type: str
    value: str
    value_note: str
    module: str
    mechanism: dict
    frames: list  # Frame rows, most recent call first, with an Omitted row between the ends of a long trace
    frames_note: str
    has_in_app: bool
    all_in_app: bool


def context_lines(frame: dict) -> list[tuple[int | None, str, bool]]:
    pre, post = as_list(frame.get("pre_context")), as_list(frame.get("post_context"))
    line = frame.get("context_line")
    if not isinstance(line, str):
        return []
    lineno = frame.get("lineno") if isinstance(frame.get("lineno"), int) else None

    def number(offset: int) -> int | None:
        return None if lineno is None else lineno + offset

    return [
        *((number(i - len(pre)), clip(str(text)), False) for i, text in enumerate(pre)),
        (lineno, clip(line), True),
        *((number(i + 1), clip(str(text)), False) for i, text in enumerate(post)),
    ]


def frame(raw: dict, meta: dict, full: bool = True) -> Frame:
    """A frame; with ``full=False`` only its one-line summary (file, function, line)."""
    package_path = clip(str(raw.get("package") or ""))
    package = package_path.replace("\\", "/").rsplit("/", 1)[-1]
    function = clip(str(raw.get("function") or raw.get("symbol") or "?"))
    symbol = clip(str(raw.get("symbol") or ""))
    return Frame(
        filename=clip(str(raw.get("filename") or raw.get("abs_path") or raw.get("module") or package or "?")),
        function=function,
        lineno=raw.get("lineno"),
        in_app=raw.get("in_app") is True,
        context=context_lines(raw) if full else [],
        vars=pairs(raw.get("vars"), meta_at(meta, "vars")) if full else Rows(),
        package=package,
        package_path=package_path,
        instruction_addr=clip(str(raw.get("instruction_addr") or "")),
        symbol=symbol if symbol != function else "",
        addr_mode=clip(str(raw.get("addr_mode") or "")) if raw.get("addr_mode") != "abs" else "",  # abs: the default
    )


def frame_rows(indexed: list[tuple[int, dict]], frames_meta: dict) -> list:
    """``(index, frame)`` pairs, most recent first, as rows; past ``2 * SHOWN_FRAMES`` frames, the
    middle ones as one :class:`Omitted` row."""
    if len(indexed) <= 2 * SHOWN_FRAMES:
        return [frame(f, meta_at(frames_meta, i)) for i, f in indexed]
    middle = indexed[SHOWN_FRAMES:-SHOWN_FRAMES]
    omitted = Omitted(len(middle), SHOWN_FRAMES + 1, [frame(f, {}, full=False) for _, f in middle[:LISTED_FRAMES]],
                      max(0, len(middle) - LISTED_FRAMES))
    return [*(frame(f, meta_at(frames_meta, i)) for i, f in indexed[:SHOWN_FRAMES]), omitted,
            *(frame(f, meta_at(frames_meta, i)) for i, f in indexed[-SHOWN_FRAMES:])]


def with_more_markers(rows: list) -> list:
    """``rows`` with a :class:`More` row before each run of library frames."""
    result, run = [], []
    for row in [*rows, None]:
        if isinstance(row, Frame) and not row.in_app:
            run.append(row)
            continue
        if run:
            result += [More(len(run)), *run]
            run = []
        if row is not None:
            result.append(row)
    return result


def stack(stacktrace, stack_meta: dict, recent_first: bool = True) -> dict:
    """A stack trace's rows (most recent call first, or last) and what the page says of them."""
    frames = as_list(as_dict(stacktrace).get("frames"))
    indexed = [(i, f) for i, f in enumerate(frames) if isinstance(f, dict)]
    indexed = indexed[::-1] if recent_first else indexed
    frames_meta = meta_at(stack_meta, "frames")
    in_app = [f.get("in_app") is True for _, f in indexed]
    rows = frame_rows(indexed, frames_meta)
    return {
        "frames": with_more_markers(rows) if any(in_app) and not all(in_app) else rows,
        "frames_note": meta_note(frames_meta) or meta_note(stack_meta),
        "has_in_app": any(in_app),
        "all_in_app": all(in_app),
    }


def exceptions(event: dict, meta: dict, recent_first: bool = True) -> list[Exception_]:
    """The exception chain, the raised exception first and its causes after it."""
    result = []
    for index, exc in enumerate(values_of(event.get("exception"))):
        if not isinstance(exc, dict):
            continue
        exc_meta = meta_at(meta, "exception", "values", index)
        result.append(Exception_(
            type=clip(str(exc.get("type") or "Error")),
            value=clip(str(exc.get("value") or "")),
            value_note=meta_note(meta_at(exc_meta, "value")),
            module=clip(str(exc.get("module") or "")),
            mechanism=as_dict(exc.get("mechanism")),
            **stack(exc.get("stacktrace"), meta_at(exc_meta, "stacktrace"), recent_first),
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


def breadcrumbs(event: dict, meta: dict) -> tuple[list[dict], str]:
    """The most recent :data:`MAX_ITEMS` breadcrumbs, and a note on what the SDK or the page cut."""
    crumbs_meta = meta_at(meta, "breadcrumbs", "values")
    crumbs = values_of(event.get("breadcrumbs"))
    first = max(0, len(crumbs) - MAX_ITEMS)
    rows = []
    for index, crumb in enumerate(crumbs[first:], first):
        if isinstance(crumb, dict):
            rows.append({
                "time": parse_time(crumb.get("timestamp")),
                "category": str(crumb.get("category") or crumb.get("type") or ""),
                "level": str(crumb.get("level") or "info"),
                "message": clip(str(crumb.get("message") or "")),
                "message_note": meta_note(meta_at(crumbs_meta, index, "message")),
                "data": crumb.get("data") if crumb.get("data") not in (None, {}) else None,
                "data_meta": meta_at(crumbs_meta, index, "data"),
            })
    note = meta_note(crumbs_meta) or meta_note(meta_at(meta, "breadcrumbs"))
    return rows, note or (cut_note(first, "older breadcrumbs") if first else "")


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


def present(event: dict, recent_first: bool = True) -> dict:
    """The event page's sections of the common interfaces (frames most recent call first, or last);
    ``interfaces.present_event`` adds the others (threads, contexts…)."""
    meta = as_dict(event.get("_meta"))
    crumbs, crumbs_note = breadcrumbs(event, meta)
    modules = as_dict(event.get("modules"))
    chain = exceptions(event, meta, recent_first)
    return {
        "exceptions": chain,
        "hideable_frames": any(e.has_in_app and not e.all_in_app for e in chain),
        "logentry": logentry(event, meta),
        "breadcrumbs": crumbs,
        "breadcrumbs_note": crumbs_note,
        "request": request(event, meta),
        "user": pairs(event.get("user"), meta_at(meta, "user")),
        "tags": pairs(event.get("tags"), meta_at(meta, "tags")),
        "extra": pairs(event.get("extra"), meta_at(meta, "extra")),
        "modules": sorted((str(k), str(v)) for k, v in modules.items()),
        "sdk": as_dict(event.get("sdk")),
        "fingerprint": as_list(event.get("fingerprint")),
    }
