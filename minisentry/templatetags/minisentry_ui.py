"""Template helpers of the browse UI. Every value from an event is escaped (``conditional_escape``,
or ``html.escape`` inside :func:`pretty`)."""

import re
from html import escape
from itertools import islice

from django import template
from django.apps import apps
from django.contrib.humanize.templatetags import humanize
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.html import conditional_escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from ..browse import breadcrumbs
from ..browse.display import MAX_ITEMS, MAX_TEXT, Rows, cut_note, meta_at, meta_note
from ..browse.frames import DJANGO_ADMIN
from ..browse.frequency import DEFAULT_SPARK, SPARK_RANGES
from ..browse.search import tag_term
from ..models import Level
from ..processing.paths import relative

register = template.Library()

HASH = re.compile(r"[0-9a-fA-F]{16,}")  # a commit hash in a release name
INLINE_WIDTH = 60  # containers shorter than this, with scalars only, stay on one line
COLLAPSE_CHARS, COLLAPSE_LINES = 400, 12
INDENT = "  "
MAX_DEPTH = 20  # nesting levels of a value rendered; deeper ones are cut
VALUE_BUDGET = 100_000  # characters of one value rendered: past them, its remaining items are cut


def join(separator: str, parts) -> SafeString:
    """``str.join`` that keeps escaped parts safe (and escapes any that are not)."""
    return mark_safe(separator.join(conditional_escape(part) for part in parts))


def scalar(value) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    return str(value)


def note_html(meta) -> str:
    """The SDK's annotation of a value as escaped HTML ("" for none)."""
    if not meta:
        return ""
    note = meta_note(meta)
    return f' <span class="ms-meta">{escape(note)}</span>' if note else ""


def cut_html(count: int, unit: str) -> str:
    return f' <span class="ms-meta">{escape(cut_note(count, unit))}</span>'


def pretty(value, meta, depth: int = 0, budget: list[int] | None = None, width: int = INLINE_WIDTH) -> tuple[str, int]:
    """``value`` as indented, escaped text with the SDK's annotations; returns (html, text length).

    Bounded whatever the event holds: strings past ``MAX_TEXT`` characters, containers past
    ``MAX_ITEMS`` items or ``MAX_DEPTH`` levels, and whatever follows ``budget`` (``[characters
    left]``) are cut, saying so. Built as plain strings, every piece from the event through
    ``html.escape``, and marked safe once by the caller: ``SafeString`` arithmetic per piece cost
    milliseconds a page."""
    budget = [VALUE_BUDGET] if budget is None else budget
    if isinstance(value, dict):
        items = ((escape(str(k)[:MAX_TEXT]) + ": ", v, meta_at(meta, k) if meta else {}) for k, v in value.items())
        brackets = ("{", "}")
    elif isinstance(value, list):
        items = (("", v, meta_at(meta, i) if meta else {}) for i, v in enumerate(value))
        brackets = ("[", "]")
    else:
        text = scalar(value)
        budget[0] -= min(len(text), MAX_TEXT)
        if len(text) > MAX_TEXT:
            return escape(text[:MAX_TEXT]) + "…" + cut_html(len(text), "characters") + note_html(meta), MAX_TEXT
        return escape(text) + note_html(meta), len(text)
    if value and depth >= MAX_DEPTH:
        return brackets[0] + "…" + brackets[1] + cut_html(len(value), f"items nested over {MAX_DEPTH} levels deep"), 3
    parts, flat = [], True
    for prefix, v, m in islice(items, MAX_ITEMS):
        if budget[0] <= 0:
            break
        parts.append((prefix, *pretty(v, m, depth + 1, budget, width)))
        flat = flat and "\n" not in parts[-1][1]  # scalars, or containers that fit on a line
    if len(parts) < len(value):
        parts.append(("…", cut_html(len(value) - len(parts), "more items"), width))
    size = sum(len(p) + n + 2 for p, _, n in parts)
    if flat and size <= width:
        body = ", ".join(p + html for p, html, _ in parts)
        return brackets[0] + body + brackets[1] + note_html(meta), size + 2
    inner = INDENT * (depth + 1)
    lines = [brackets[0], *(inner + p + html for p, html, _ in parts), INDENT * depth + brackets[1] + note_html(meta)]
    return "\n".join(lines), size + len(lines) * (len(inner) + 1)


@register.simple_tag
def value(data, meta=None, width: int = INLINE_WIDTH) -> SafeString:
    """Render a value of an event (dict, list, long string…) readably; long ones collapse. Containers
    of scalars shorter than ``width`` characters stay on one line."""
    html, size = pretty(data, meta or {}, width=width)
    html = mark_safe(html)  # noqa: S308 -- every piece taken from the event went through escape()
    text_lines = html.count("\n") + 1
    if size <= COLLAPSE_CHARS and text_lines <= COLLAPSE_LINES:
        return format_html('<pre class="ms-value">{}</pre>', html)
    kind = type(data).__name__
    count = intcomma(len(data) if isinstance(data, (dict, list, str)) else size)
    unit = "items" if isinstance(data, (dict, list)) else "characters"
    return format_html(
        '<details class="ms-value-details"><summary>{} · {} {}</summary><pre class="ms-value">{}</pre></details>',
        kind, count, unit, html,
    )


@register.simple_tag
def pairs(rows) -> SafeString:
    """``(key, value, meta)`` rows as a two-column table, each value rendered by :func:`value`, or as
    a table of its own if it is ``Rows`` (a tag rather than an included template: pages include it a
    dozen times)."""
    body = join("", (format_html("\n  <tr><th>{}</th><td>{}</td></tr>", key,
                                 pairs(val) if isinstance(val, Rows) else value(val, meta))
                     for key, val, meta in rows))
    if getattr(rows, "cut", 0):
        body += format_html('\n  <tr><th>…</th><td><span class="ms-meta">{}</span></td></tr>',
                            cut_note(rows.cut, "more items"))
    return format_html('<table class="ms-pairs">{}\n</table>', body)


def title(path: str, shown: str) -> str:
    return f' title="{escape(path)}"' if path and path != shown else ""


@register.simple_tag
def frame_lines(frames, has_in_app: bool, position: int = 1) -> SafeString:
    """Frames one line each (file, function, line), library ones hideable like full frames (a tag
    rather than a template loop: a long stack trace lists a thousand)."""
    at, in_ = escape(gettext("at line")), escape(gettext("in"))
    classes = {True: ' class="ms-in-app"', False: ' class="ms-system ms-hideable"' if has_in_app else ""}
    template = escape(gettext("template"))
    lines = (f"<li{classes[f.in_app]}><code{title(f.path, f.filename)}>{escape(f.filename)}</code> "
             + (template if f.is_template else f"{in_} <code>{escape(f.function)}</code>")
             + (f" {at} {escape(str(f.lineno))}" if f.lineno is not None else "") + "</li>" for f in frames)
    html = f'<ol class="ms-omitted-frames" start="{int(position)}">' + "\n".join(lines) + "</ol>"
    return mark_safe(html)  # noqa: S308 -- every piece from the event went through escape()


@register.simple_tag(takes_context=True)
def crumb_view(context, rows) -> dict:
    """The breadcrumbs section for the page's filters (``breadcrumbs.view``)."""
    request = context.get("request")
    return breadcrumbs.view(rows, request.GET if request is not None else QueryDict())


@register.filter
def short_release(name) -> str:
    """A release's text as the pages show it: git hashes in it cut to 12 characters, any release to 32."""
    short = HASH.sub(lambda found: found[0][:12], "" if name is None else str(name))
    return short if len(short) <= 32 else short[:31] + "…"


@register.filter
def release(name) -> str:
    """A release as the pages show it (:func:`short_release`), the whole in a title attribute."""
    name = "" if name is None else str(name)
    short = short_release(name)
    return format_html('<span class="ms-release" title="{}">{}</span>', name, short) if short != name else name


@register.filter
def project_path(path, data) -> str:
    """``path`` (a culprit…) relative to the project roots of the event shown (``data``, if any)."""
    return relative(str(path or ""), data.get("roots", []) if isinstance(data, dict) else [])


@register.filter
def note(meta) -> str:
    """The SDK's annotation of a value in words (truncated, filtered…)."""
    return meta_note(meta)


@register.simple_tag
def ago(moment) -> str:
    """``moment`` as a ``<time>`` saying how long ago it was, the exact local time as its tooltip.

    Built with ``strftime``: Django's localized date formats cost ~0.1 ms each, which added up
    to a fifth of the issue list's time."""
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    return format_html('<time datetime="{}" title="{}">{}</time>', moment.isoformat(),
                       local.strftime("%Y-%m-%d %H:%M:%S %Z"), naturaltime(moment))


def naturaltime(moment) -> str:
    """"5 minutes ago", by Django's humanize: in the site's language when the project installs the
    app (its catalog comes with it), else in English, rather than half translated ("3 Tage ago")
    by Django's own catalog. The app need not be in ``INSTALLED_APPS``."""
    if apps.is_installed("django.contrib.humanize"):
        return humanize.naturaltime(moment)
    with translation.override(None):
        return humanize.naturaltime(moment)


@register.filter
def intcomma(number) -> str:
    """``1234567`` as ``1,234,567`` (in the active locale's separators), like Django's humanize,
    which the project need not install."""
    try:
        return number_format(int(number), use_l10n=True, force_grouping=True)
    except (TypeError, ValueError):
        return str(number)


@register.filter
def level_class(level) -> str:
    """A CSS class for a level; unknown levels (events may say anything) get the neutral one."""
    return f"ms-level-{level}" if level in Level.values else "ms-level-default"


def frame_of(context):
    return context.get("frame") or DJANGO_ADMIN


@register.simple_tag(takes_context=True)
def ui_url(context, name: str, *args) -> str:
    """The URL of one of the browse pages (``issue_detail``…) in the page's frame."""
    return frame_of(context).url(name, *args)


@register.simple_tag(takes_context=True)
def tag_search_url(context, key, value, status="all") -> str:
    """The issue list (of the page's frame) searching for the issues carrying the tag value."""
    frame = frame_of(context)
    return frame.url("issue_list") + "?" + urlencode({"status": status, frame.search_param: tag_term(key, str(value))})


@register.simple_tag(takes_context=True)
def events_filter_url(context, issue_pk: int, key, value) -> str:
    """The issue's events list (in the page's frame) filtered by the tag ``key:value``."""
    return frame_of(context).url("issue_events", issue_pk) + "?" + urlencode({"tag": f"{key}:{value}"})


@register.simple_tag
def query_with(params: str, **changes) -> str:
    """The current query string (``params``, without page) with ``changes`` applied."""
    query = QueryDict(params, mutable=True)
    for key, new in changes.items():
        query[key] = new
    return "?" + query.urlencode()


def bar(index: int, count: int, peak: int, step: float, height: int) -> str:
    tall = max(1.0, height * count / peak)
    return (
        f'<rect x="{index * step:.1f}" y="{height - tall:.1f}" width="{step * 0.8:.1f}" '
        f'height="{tall:.1f}"><title>{count}</title></rect>'
    )


@register.filter
def sparkline(counts: list[int], spark: str = DEFAULT_SPARK) -> SafeString:
    """Counts (per hour, or per day for a ``spark`` range in days) as an inline SVG bar chart: a
    baseline, and a bar for each hour or day with events.

    It holds only numbers computed here, so it is built as plain text: ``format_html`` per bar
    made it the slowest part of the issue list."""
    width, height = 96, 24
    unit = SPARK_RANGES.get(spark, SPARK_RANGES[DEFAULT_SPARK])[0]
    peak = max(counts, default=0) or 1
    step = width / max(len(counts), 1)
    bars = "".join(bar(i, int(n), peak, step, height) for i, n in enumerate(counts) if n)
    return mark_safe(
        f'<svg class="ms-sparkline" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="events per {unit[:-1]}, last {len(counts)} {unit}">'
        f'<rect class="ms-zero" x="0" y="{height - 1}" width="{width}" height="1"></rect>{bars}</svg>'
    )


@register.filter
def stored_events(issue) -> int:
    """How many of the issue's events kept a row and a blob (the others were sampled out in a storm)."""
    return max(0, issue.event_count - issue.sampled_out)


@register.simple_tag
def bar_chart(chart) -> SafeString:
    """A ``frequency.Chart`` as an inline SVG (each bar with its label as a tooltip) and the same labels
    as a visually hidden table, built as plain text like :func:`sparkline` (a template loop over the
    bars cost ~10 ms a page)."""
    title, height = escape(chart.title), chart.height
    slots = "".join(
        f'<g class="ms-chart-slot"><rect class="ms-chart-hit" x="{b.x:.1f}" y="0" width="{b.width:.1f}" '
        f'height="{height}"></rect>'
        + (f'<rect class="ms-chart-bar" x="{b.x:.1f}" y="{b.y:.1f}" width="{b.width:.1f}" height="{b.height:.1f}">'
           "</rect>" if b.count else "")
        + f"<title>{escape(b.label)}</title></g>"
        for b in chart.bars
    )
    rows = "".join(f"<tr><td>{escape(b.label)}</td></tr>" for b in chart.bars)
    return mark_safe(  # noqa: S308 -- numbers computed here; every text through escape()
        f'<svg class="ms-chart-svg" viewBox="0 0 {chart.width} {height}" preserveAspectRatio="none" role="img" '
        f'aria-label="{escape(chart.summary)}"><rect class="ms-chart-base" x="0" y="{height - 1}" '
        f'width="{chart.width}" height="1"></rect>{slots}</svg>'
        f'<table class="ms-visually-hidden"><caption>{title}</caption><tbody>{rows}</tbody></table>'
    )
