"""Stack traces as the event page shows them: frames most recent call first (or last), long traces
cut in the middle, library frames hideable, paths relative to the project, the crashing frame open."""

from dataclasses import dataclass

from ..processing.paths import ABSOLUTE, project_roots, relative
from .display import Rows, as_dict, as_list, clip, meta_at, meta_note, pairs, values_of

# sentry-python sends up to 2,000 frames (a RecursionError has ~1,000) and Relay keeps 250.
SHOWN_FRAMES = 50  # frames rendered in full at each end of a longer stack trace
LISTED_FRAMES = 1000  # frames between them listed one line each, at most
TEMPLATE_SUFFIXES = (".html", ".htm", ".txt", ".xml", ".j2", ".jinja", ".jinja2", ".tmpl", ".tpl", ".djhtml")


@dataclass
class StackFrame:
    filename: str  # as the page shows it: relative to the project where it can be
    path: str  # the whole path (the label's tooltip)
    function: str
    lineno: object
    in_app: bool
    context: list[tuple[int | None, str, bool]]  # (line number, text, is the error line)
    vars: list[tuple[str, object, dict]]
    line: str = ""  # the error line, stripped (a collapsed frame's second line)
    is_template: bool = False  # a template's frame (Django's template errors): no function
    crashing: bool = False  # where the error was raised: the one frame open, locals and all
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
    listed: list[StackFrame]  # one line each (no context, no variables), most recent first
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
    frames: list  # StackFrame rows, most recent call first, with an Omitted row between the ends of a long trace
    frames_note: str
    has_in_app: bool
    all_in_app: bool


def label(raw: dict, roots: list[str]) -> tuple[str, str]:
    """A frame's file as the page shows it, and the whole path for its tooltip: the SDK's relative
    filename, else the path under one of ``roots``, else the module, else the path."""
    name = str(raw.get("filename") or "")
    path = str(raw.get("abs_path") or name)
    if name and not ABSOLUTE.match(name):
        return name, path
    under = relative(name or path, roots) if (name or path) else ""
    if under and not ABSOLUTE.match(under):
        return under, path
    return str(raw.get("module") or name or path), path


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


def frame(raw: dict, meta: dict, roots: list[str], full: bool = True) -> StackFrame:
    """A frame; with ``full=False`` only its one-line summary (file, function, line)."""
    package_path = clip(str(raw.get("package") or ""))
    package = package_path.replace("\\", "/").rsplit("/", 1)[-1]
    function = clip(str(raw.get("function") or raw.get("symbol") or "?"))
    symbol = clip(str(raw.get("symbol") or ""))
    filename, path = label(raw, roots)
    filename, path = filename or package or "?", path or package_path
    line = raw.get("context_line")
    return StackFrame(
        filename=clip(filename), path=clip(path),
        function=function,
        lineno=raw.get("lineno"),
        in_app=raw.get("in_app") is True,
        context=context_lines(raw) if full else [],
        vars=pairs(raw.get("vars"), meta_at(meta, "vars")) if full else Rows(),
        line=clip(line.strip()) if isinstance(line, str) else "",
        is_template=function == "?" and (filename == "<django template>" or filename.endswith(TEMPLATE_SUFFIXES)),
        package=package,
        package_path=package_path,
        instruction_addr=clip(str(raw.get("instruction_addr") or "")),
        symbol=symbol if symbol != function else "",
        addr_mode=clip(str(raw.get("addr_mode") or "")) if raw.get("addr_mode") != "abs" else "",  # abs: the default
    )


def frame_rows(indexed: list[tuple[int, dict]], frames_meta: dict, roots: list[str]) -> list:
    """``(index, frame)`` pairs, most recent first, as rows; past ``2 * SHOWN_FRAMES`` frames, the
    middle ones as one :class:`Omitted` row."""
    if len(indexed) <= 2 * SHOWN_FRAMES:
        return [frame(f, meta_at(frames_meta, i), roots) for i, f in indexed]
    middle = indexed[SHOWN_FRAMES:-SHOWN_FRAMES]
    omitted = Omitted(len(middle), SHOWN_FRAMES + 1,
                      [frame(f, {}, roots, full=False) for _, f in middle[:LISTED_FRAMES]],
                      max(0, len(middle) - LISTED_FRAMES))
    return [*(frame(f, meta_at(frames_meta, i), roots) for i, f in indexed[:SHOWN_FRAMES]), omitted,
            *(frame(f, meta_at(frames_meta, i), roots) for i, f in indexed[-SHOWN_FRAMES:])]


def with_more_markers(rows: list) -> list:
    """``rows`` with a :class:`More` row before each run of library frames."""
    result, run = [], []
    for row in [*rows, None]:
        if isinstance(row, StackFrame) and not row.in_app:
            run.append(row)
            continue
        if run:
            result += [More(len(run)), *run]
            run = []
        if row is not None:
            result.append(row)
    return result


def mark_crashing(rows: list, recent_first: bool) -> None:
    """Mark the frame where the error was raised: the most recent in-app one (any, if none is)."""
    frames = [r for r in rows if isinstance(r, StackFrame)]
    candidates = [f for f in frames if f.in_app] or frames
    if candidates:
        (candidates[0] if recent_first else candidates[-1]).crashing = True


def stack(stacktrace, stack_meta: dict, recent_first: bool = True, roots: list[str] | None = None) -> dict:
    """A stack trace's rows (most recent call first, or last) and what the page says of them."""
    frames = as_list(as_dict(stacktrace).get("frames"))
    indexed = [(i, f) for i, f in enumerate(frames) if isinstance(f, dict)]
    roots = project_roots([f for _, f in indexed]) if roots is None else roots
    indexed = indexed[::-1] if recent_first else indexed
    frames_meta = meta_at(stack_meta, "frames")
    in_app = [f.get("in_app") is True for _, f in indexed]
    rows = frame_rows(indexed, frames_meta, roots)
    mark_crashing(rows, recent_first)
    return {
        "frames": with_more_markers(rows) if any(in_app) and not all(in_app) else rows,
        "frames_note": meta_note(frames_meta) or meta_note(stack_meta),
        "has_in_app": any(in_app),
        "all_in_app": all(in_app),
    }


def event_frames(event: dict) -> list[dict]:
    """Every frame of the event's exceptions, threads and stack trace."""
    traces = [as_dict(e).get("stacktrace") for e in values_of(event.get("exception"))]
    traces += [as_dict(t).get("stacktrace") for t in values_of(event.get("threads"))]
    traces.append(event.get("stacktrace"))
    return [f for trace in traces for f in as_list(as_dict(trace).get("frames")) if isinstance(f, dict)]


def exceptions(event: dict, meta: dict, recent_first: bool = True, roots: list[str] | None = None) -> list[Exception_]:
    """The exception chain, the raised exception first and its causes after it; only the raised
    one's crashing frame is open."""
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
            **stack(exc.get("stacktrace"), meta_at(exc_meta, "stacktrace"), recent_first, roots),
        ))
    for cause in result[:-1]:
        for row in cause.frames:
            if isinstance(row, StackFrame):
                row.crashing = False
    return result[::-1]
