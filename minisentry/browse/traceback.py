"""An event's exceptions as plain text to paste elsewhere: Python's own traceback format for Python
events (causes first, "most recent call last"), a JavaScript-like one ("at function (file:line)")
for the others. Built from the event's JSON, every frame included but the middle of a long trace."""

from .display import as_dict, as_list, values_of
from .stacks import SHOWN_FRAMES, TEMPLATE_SUFFIXES

LINE = 300  # characters of one source line or exception value kept
BUILTINS = ("", "builtins", "__builtin__", "exceptions")
CAUSE = "\nThe above exception was the direct cause of the following exception:\n\n"
CONTEXT = "\nDuring handling of the above exception, another exception occurred:\n\n"


def text(value, size: int = LINE) -> str:
    value = "" if value is None else str(value)
    return value if len(value) <= size else value[:size] + "…"


def frames_of(exc: dict) -> tuple[list[dict], int]:
    """The frames, oldest first, without the middle of a long trace; and how many were left out."""
    frames = [f for f in as_list(as_dict(exc.get("stacktrace")).get("frames")) if isinstance(f, dict)]
    if len(frames) <= 2 * SHOWN_FRAMES:
        return frames, 0
    return frames[:SHOWN_FRAMES] + frames[-SHOWN_FRAMES:], len(frames) - 2 * SHOWN_FRAMES


def heading(exc: dict) -> str:
    module, kind = str(exc.get("module") or ""), text(exc.get("type") or "Error", 200)
    name = kind if module in BUILTINS else f"{text(module, 200)}.{kind}"
    value = text(exc.get("value"), 2000)
    return f"{name}: {value}" if value else name


def python_frame(raw: dict) -> list[str]:
    where = text(raw.get("abs_path") or raw.get("filename") or raw.get("module") or "?", 1000)
    function = text(raw.get("function"), 200) or ("<template>" if where.endswith(TEMPLATE_SUFFIXES) else "?")
    lines = [f'  File "{where}", line {text(raw.get("lineno") or "?", 20)}, in {function}']
    if isinstance(raw.get("context_line"), str) and raw["context_line"].strip():
        lines.append("    " + text(raw["context_line"].strip()))
    return lines


def python(chain: list[dict]) -> str:
    parts = []
    for index, exc in enumerate(chain):
        frames, cut = frames_of(exc)
        if frames:
            lines = ["Traceback (most recent call last):"]
            for position, raw in enumerate(frames):
                if cut and position == SHOWN_FRAMES:
                    lines.append(f"  [… {cut} frames left out …]")
                lines += python_frame(raw)
            parts.append("\n".join(lines) + "\n")
        parts.append(heading(exc) + "\n")
        if index < len(chain) - 1:
            parts.append(CAUSE if as_dict(exc.get("mechanism")).get("source") == "__cause__" else CONTEXT)
    return "".join(parts)


def other(chain: list[dict]) -> str:
    parts = []
    for exc in reversed(chain):  # the raised exception first, as these platforms print it
        frames, cut = frames_of(exc)
        lines = [heading(exc)]
        for position, raw in enumerate(reversed(frames)):
            if cut and position == SHOWN_FRAMES:
                lines.append(f"    [… {cut} frames left out …]")
            where = text(raw.get("abs_path") or raw.get("filename") or raw.get("module") or "?", 1000)
            at = ":".join(str(raw[k]) for k in ("lineno", "colno") if isinstance(raw.get(k), int))
            lines.append(f"    at {text(raw.get('function') or '?', 200)} ({where}{':' + at if at else ''})")
        parts.append("\n".join(lines))
    return "\nCaused by: ".join(parts) + "\n"


def traceback_text(event: dict) -> str:
    """The exception chain as text ("" when the event has no exception)."""
    chain = [e for e in values_of(event.get("exception")) if isinstance(e, dict)]
    if not chain:
        return ""
    return python(chain) if event.get("platform") == "python" else other(chain)
