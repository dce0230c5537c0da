"""The interfaces of an event beyond the exception, message and request: threads, a top-level stack
trace, a template error, security reports and debug images; and :func:`present_event`, everything an
event page shows, whatever keys (modern or legacy) the event was sent with."""

from dataclasses import dataclass

from ..processing.legacy import modernize
from ..processing.paths import project_roots, relative
from .breadcrumbs import breadcrumbs
from .contexts import contexts
from .display import (
    as_dict,
    as_list,
    clip,
    cut_note,
    logentry,
    meta_at,
    pairs,
    request,
    values_of,
)
from .stacks import context_lines, event_frames, exceptions, stack
from .tables import ordered_rows
from .traceback import traceback_text

MAX_THREADS = 50  # threads rendered; the rest are counted
MAX_IMAGES = 200  # debug images listed
FRAME_ORDER_COOKIE = "minisentry_frame_order"
FRAME_ORDERS = ("recent", "oldest")

SECURITY_FIELDS = {
    "csp": ("CSP report", (
        "effective_directive", "blocked_uri", "document_uri", "source_file", "line_number", "column_number",
        "violated_directive", "original_policy", "referrer", "disposition", "status_code", "script_sample",
    )),
    "hpkp": ("HPKP report", (
        "hostname", "port", "date_time", "effective_expiration_date", "include_subdomains", "noted_hostname",
        "known_pins", "served_certificate_chain", "validated_certificate_chain",
    )),
    "expectct": ("Expect-CT report", (
        "hostname", "port", "scheme", "date_time", "effective_expiration_date", "failure_mode", "test_report",
        "scts", "served_certificate_chain", "validated_certificate_chain",
    )),
    "expectstaple": ("Expect-Staple report", (
        "hostname", "port", "date_time", "effective_expiration_date", "response_status", "cert_status",
        "ocsp_response", "served_certificate_chain", "validated_certificate_chain",
    )),
}
SECURITY_LABELS = {"blocked_uri": "Blocked URI", "document_uri": "Document URI", "scts": "SCTs"}


@dataclass
class Thread:
    id: str
    name: str
    crashed: bool
    current: bool
    state: str
    frames: list
    frames_note: str
    has_in_app: bool
    all_in_app: bool
    is_open: bool = False
    same_as_exception: bool = False  # its stack trace is an exception's, shown there


def exception_stacks(event: dict) -> tuple[set[str], list[list]]:
    """The thread ids exceptions name, and their frames (to know a thread's stack is shown already)."""
    ids, stacks = set(), []
    for exc in values_of(event.get("exception")):
        frames = as_list(as_dict(as_dict(exc).get("stacktrace")).get("frames"))
        if frames:
            stacks.append(frames)
            if as_dict(exc).get("thread_id") is not None:
                ids.add(str(exc["thread_id"]))
    return ids, stacks


def threads(event: dict, meta: dict, recent_first: bool, roots: list[str]) -> tuple[list[Thread], str]:
    """The threads, the crashed one first, then the current one; that first one open, the others
    collapsed; a thread whose stack is an exception's is not repeated (and not opened)."""
    raw = [(i, t) for i, t in enumerate(values_of(event.get("threads"))) if isinstance(t, dict)]
    raw.sort(key=lambda it: (it[1].get("crashed") is not True, it[1].get("current") is not True, it[0]))
    linked_ids, exc_stacks = exception_stacks(event)
    result = []
    for index, thread in raw[:MAX_THREADS]:
        frames = as_list(as_dict(thread.get("stacktrace")).get("frames"))
        thread_id = "" if thread.get("id") is None else clip(str(thread["id"]))
        result.append(Thread(
            id=thread_id, name=clip(str(thread.get("name") or "")),
            crashed=thread.get("crashed") is True, current=thread.get("current") is True,
            state=clip(str(thread.get("state") or "")),
            same_as_exception=bool(frames) and (thread_id in linked_ids or frames in exc_stacks),
            **stack(thread.get("stacktrace"), meta_at(meta, "threads", "values", index, "stacktrace"), recent_first,
                    roots),
        ))
    if result and result[0].frames and not result[0].same_as_exception:
        result[0].is_open = True  # the crashed (else current, else first) thread, unless shown already
    cut = len(raw) - len(result)
    return result, cut_note(cut, "more threads") if cut else ""


def template_error(event: dict, roots: list[str]) -> dict | None:
    """Where a template failed (Django's template errors): file, line and the lines around it."""
    raw = event.get("template")
    if not isinstance(raw, dict) or not raw:
        return None
    return {
        "filename": clip(relative(str(raw.get("filename") or raw.get("abs_path") or "?"), roots)),
        "abs_path": clip(str(raw.get("abs_path") or "")),
        "lineno": raw.get("lineno"),
        "context": context_lines(raw),
    }


def security_report(event: dict, meta: dict) -> dict | None:
    """The first security report of the event (CSP, HPKP, Expect-CT, Expect-Staple) as a table."""
    for key, (title, fields) in SECURITY_FIELDS.items():
        report = event.get(key)
        if isinstance(report, dict) and report:
            return {"title": title, "rows": ordered_rows(report, fields, meta_at(meta, key), labels=SECURITY_LABELS)}
    return None


def address(value) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(value, 16) if isinstance(value, str) and value.lower().startswith("0x") else int(value)
    except (TypeError, ValueError):
        return None


def images(event: dict) -> tuple[list[dict], str]:
    """The loaded images (``debug_meta.images``): file, debug id, address range, architecture."""
    raw = [i for i in as_list(as_dict(event.get("debug_meta")).get("images")) if isinstance(i, dict)]
    rows = []
    for image in raw[:MAX_IMAGES]:
        path = clip(str(image.get("code_file") or image.get("name") or image.get("debug_file") or ""))
        start, size = address(image.get("image_addr")), address(image.get("image_size"))
        rows.append({
            "name": path.replace("\\", "/").rsplit("/", 1)[-1] or "?", "path": path,
            "debug_id": clip(str(image.get("debug_id") or image.get("uuid") or image.get("id") or "")),
            "code_id": clip(str(image.get("code_id") or "")),
            "arch": clip(str(image.get("arch") or "")), "type": clip(str(image.get("type") or "")),
            "start": f"0x{start:016x}" if start is not None else clip(str(image.get("image_addr") or "")),
            "end": f"0x{start + size - 1:016x}" if start is not None and size else "",
        })
    cut = len(raw) - len(rows)
    return rows, cut_note(cut, "more images") if cut else ""


def frame_order(request) -> str:
    """``recent`` (most recent call first, the default) or ``oldest``: asked for, else remembered."""
    asked = request.GET.get("frames")
    return asked if asked in FRAME_ORDERS else request.COOKIES.get(FRAME_ORDER_COOKIE, "recent")


def remember_frame_order(request, response):
    """Keep the order asked for (``?frames=oldest``) in a cookie, so the next pages use it too."""
    asked = request.GET.get("frames")
    if asked in FRAME_ORDERS:
        response.set_cookie(FRAME_ORDER_COOKIE, asked, max_age=365 * 86400, secure=request.is_secure(),
                            httponly=True, samesite="Lax")
    return response


def present(event: dict, meta: dict, recent_first: bool, roots: list[str]) -> dict:
    """The sections of the common interfaces (frames most recent call first, or last)."""
    crumbs, crumbs_note = breadcrumbs(event, meta)
    modules = as_dict(event.get("modules"))
    chain = exceptions(event, meta, recent_first, roots)
    return {
        "exceptions": chain,
        "hideable_frames": any(e.has_in_app and not e.all_in_app for e in chain),
        "traceback": traceback_text(event),
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


def present_event(event: dict, order: str = "recent") -> dict:
    """Everything the event page shows, for an event of any SDK, legacy keys included."""
    event = modernize(event)
    meta = as_dict(event.get("_meta"))
    recent_first = order != "oldest"
    roots = project_roots(event_frames(event))
    thread_rows, threads_note = threads(event, meta, recent_first, roots)
    image_rows, images_note = images(event)
    context_tables, contexts_note = contexts(event, meta)
    top_stack = stack(event.get("stacktrace"), meta_at(meta, "stacktrace"), recent_first, roots)
    return {
        **present(event, meta, recent_first, roots),
        "recent_first": recent_first,
        "roots": roots,
        "threads": thread_rows, "threads_note": threads_note,
        "thread_hideable_frames": any(t.has_in_app and not t.all_in_app for t in thread_rows),
        "stacktrace": top_stack if top_stack["frames"] else None,
        "template": template_error(event, roots),
        "security": security_report(event, meta),
        "images": image_rows, "images_note": images_note,
        "contexts": context_tables, "contexts_note": contexts_note,
    }
