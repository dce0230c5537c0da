"""An event's breadcrumbs as the page shows them: most recent first, the latest few in view and the
rest folded, filters by category and level (links: no script), long messages (SQL) cut with the
whole a click away."""

from django.http import QueryDict
from django.utils.translation import gettext

from ..fields import parse_time
from .display import MAX_ITEMS, clip, cut_note, meta_at, meta_note, values_of

IN_VIEW = 10  # breadcrumbs shown before "show N more"
SHORT = 100  # characters of a long message shown before it is opened
SHORT_LINES = 1
CATEGORY, LEVEL = "crumb_category", "crumb_level"  # the filters' query parameters


def short(message: str) -> str:
    """``message`` cut to :data:`SHORT` characters and :data:`SHORT_LINES` lines ("" when it fits)."""
    lines = message.splitlines()
    if len(message) <= SHORT and len(lines) <= SHORT_LINES:
        return ""
    return "\n".join(lines[:SHORT_LINES])[:SHORT].rstrip() + "…"


def breadcrumbs(event: dict, meta: dict) -> tuple[list[dict], str]:
    """The most recent :data:`MAX_ITEMS` breadcrumbs, most recent first, and a note on what the SDK or
    the page cut."""
    crumbs_meta = meta_at(meta, "breadcrumbs", "values")
    crumbs = values_of(event.get("breadcrumbs"))
    first = max(0, len(crumbs) - MAX_ITEMS)
    rows = []
    for index, crumb in enumerate(crumbs[first:], first):
        if isinstance(crumb, dict):
            message = clip(str(crumb.get("message") or ""))
            rows.append({
                "time": parse_time(crumb.get("timestamp")),
                "category": clip(str(crumb.get("category") or crumb.get("type") or "")),
                "level": clip(str(crumb.get("level") or "info")),
                "message": message,
                "short": short(message),
                "message_note": meta_note(meta_at(crumbs_meta, index, "message")),
                "data": crumb.get("data") if crumb.get("data") not in (None, {}) else None,
                "data_meta": meta_at(crumbs_meta, index, "data"),
            })
    note = meta_note(crumbs_meta) or meta_note(meta_at(meta, "breadcrumbs"))
    return rows[::-1], note or (cut_note(first, "older breadcrumbs") if first else "")


def choices(rows: list[dict], key: str, param: str, params: QueryDict) -> list[dict]:
    """The filter links of one field: each value (most frequent first) with its count and URL."""
    counts = {}
    for row in rows:
        counts[row[key]] = counts.get(row[key], 0) + 1
    chosen = params.get(param)
    result = [{"value": "", "count": len(rows), "url": link(params, param, None), "active": chosen is None}]
    for value, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        result.append({"value": value, "count": count, "url": link(params, param, value), "active": chosen == value})
    return result


def link(params: QueryDict, param: str, value: str | None) -> str:
    query = params.copy()
    query.pop(param, None)
    if value is not None:
        query[param] = value
    return f"?{query.urlencode()}#breadcrumbs" if query else "?#breadcrumbs"


def view(rows: list[dict], params: QueryDict) -> dict:
    """What the breadcrumbs section shows for the page's query ``params``: the rows matching its
    filters (the first :data:`IN_VIEW` in view, the rest folded) and the filter links."""
    category, level = params.get(CATEGORY), params.get(LEVEL)
    matching = [r for r in rows if category in (None, r["category"]) and level in (None, r["level"])]
    filters = [(gettext("Category"), choices(rows, "category", CATEGORY, params)),
               (gettext("Level"), choices(rows, "level", LEVEL, params))]
    return {
        "in_view": matching[:IN_VIEW], "folded": matching[IN_VIEW:],
        "filters": [(name, links) for name, links in filters if len(links) > 2 or not links[0]["active"]],
    }
