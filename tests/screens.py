"""What the Chromium screen tests measure: horizontal overflow, title widths, and the WCAG contrast
of graphics (tag bars' fill against their track), from the browser's computed styles."""

import re

from minisentry.models import Issue

from .conftest import shoot
from .realistic import RELEASE
from .uihelpers import exception_event, issue_of, store

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 900}
MIN_TITLE_PX = 150  # a title narrower than this shows a few letters per line
LONG_TITLE = ("LookupError: the cart total could not be computed because one of the items has no price in "
              "the current catalogue of 2026")  # 120 characters


def rgb(css: str) -> tuple[float, float, float, float]:
    """``rgb(…)`` / ``rgba(…)`` as computed by the browser → (r, g, b, alpha), 0–255 and 0–1."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", css)]
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)


def over(color: str, background: str) -> tuple[float, float, float]:
    """``color`` composited over an opaque ``background``."""
    *front, alpha = rgb(color)
    back = rgb(background)[:3]
    return tuple(alpha * f + (1 - alpha) * b for f, b in zip(front, back, strict=True))


def luminance(color: tuple[float, float, float]) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(v) for v in color)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: tuple, other: tuple) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def no_horizontal_overflow(page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"the page is {widths[0]} px wide in a {widths[1]} px window"


def detail_pages_fit(page, base: str, data: dict, name: str) -> None:
    """The issue, event and Storage pages of the stored event ``data`` (under ``base``, a frame's URL)
    scroll not sideways; a screenshot of each, named after ``name``."""
    issue = issue_of(data)
    for page_name, path in [("issue", f"issues/{issue.pk}/"), ("event", f"events/{data['event_id']}/"),
                            ("storage", "storage/")]:
        page.goto(f"{base}{path}")
        no_horizontal_overflow(page)
        shoot(page, name.format(page=page_name))


def title_widths(page, selector: str) -> list[float]:
    return page.eval_on_selector_all(selector, "titles => titles.map(t => t.getBoundingClientRect().width)")


def tagbar_contrasts(page) -> list[float]:
    """Per tag bar: the contrast of its fill against its track, each over the page's background."""
    colours = page.eval_on_selector_all(".ms-tagbar:not(.ms-tagbar-other)", """bars => bars.map(bar => [
        getComputedStyle(bar.querySelector('.ms-tagbar-fill')).fill,
        getComputedStyle(bar, '::before').backgroundColor,
        getComputedStyle(document.body).backgroundColor])""")
    assert colours, "no tag bars on the page"
    return [contrast(over(fill, page_bg), over(track, page_bg)) for fill, track, page_bg in colours]


def visible_title(page, selector: str) -> tuple[int, int]:
    """The characters of the first title matching ``selector`` drawn inside its box (not clipped or
    ellipsised away), and the lines they take."""
    return page.eval_on_selector(selector, """title => {
        const box = title.getBoundingClientRect(), range = document.createRange();
        const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT);
        let text = walker.nextNode();
        while (!text.data.trim()) text = walker.nextNode();
        const tops = new Set();
        let shown = 0;
        for (let i = 0; i < text.length; i++) {
            range.setStart(text, i); range.setEnd(text, i + 1);
            const r = range.getBoundingClientRect();
            if (r.width && r.right <= box.right + 0.5 && r.bottom <= box.bottom + 0.5) {
                shown++;
                tops.add(Math.round(r.top));
            }
        }
        return [shown, tops.size];
    }""")


def check_long_title(page, selector: str) -> None:
    """The 120-character title uses the width: more than 45 characters shown, on two lines at most,
    the whole title in its ``title`` attribute."""
    shown, lines = visible_title(page, selector)
    assert shown > 45 and lines <= 2, (shown, lines)
    assert page.get_attribute(selector, "title") == LONG_TITLE


def store_screen_events() -> None:
    """Events for the screens, each with a 40-character release (a git hash): tags shared 86 % / 14 %,
    and an issue with a 120-character title marked as a regression."""
    long_title = LONG_TITLE.removeprefix("LookupError: ")
    store(*(exception_event(tags={"browser": "Firefox" if n < 6 else "Chrome", "plan": "pro"}, release=RELEASE)
            for n in range(7)))
    frame = {"filename": "shop/catalog.py", "function": "price_of_every_item_in_cart",
             "module": "shop.catalog.pricing.rules", "lineno": 7, "in_app": True}
    store(exception_event(release=RELEASE, exception={"values": [{
        "type": "LookupError", "value": long_title, "module": "builtins", "stacktrace": {"frames": [frame]}}]}))
    Issue.objects.filter(title__startswith="LookupError").update(is_regression=True)


def check_list(page, title_selector: str, name: str) -> None:
    """The list of ``store_screen_events``: titles readable, the regression badge on one line, no
    sideways scrolling; a screenshot."""
    titles = title_widths(page, title_selector)
    assert len(titles) == 2 and min(titles) >= MIN_TITLE_PX, titles
    assert page.locator(".ms-regression").bounding_box()["height"] < 24  # not a letter per line
    no_horizontal_overflow(page)
    shoot(page, name)


def check_issue_page(page, name: str) -> None:
    """Open the ValueError's page from the list: no sideways scrolling, tag bars >= 3:1; a screenshot."""
    page.click("text=ValueError: cart total is not a number")
    page.wait_for_selector("#exception")
    no_horizontal_overflow(page)
    assert min(tagbar_contrasts(page)) >= 3, tagbar_contrasts(page)
    shoot(page, name)


def check_events_list(page, name: str) -> None:
    """From the issue page, its events list: no sideways scrolling (a 40-character release), rows not
    squeezed to a few letters a line (the table scrolls instead); a screenshot."""
    page.click("a:has-text('All events')")
    page.wait_for_selector("table.ms-events")
    no_horizontal_overflow(page)
    heights = page.eval_on_selector_all("tr.ms-event-row", "rows => rows.map(r => r.getBoundingClientRect().height)")
    assert len(heights) == 7 and max(heights) < 80, heights
    shoot(page, name)
