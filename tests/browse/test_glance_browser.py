"""The issue at a glance in real headless Chromium: frequency bars, users, releases, regression and
sampling in the header, the events list, the raw JSON page, copy buttons with and without scripts;
screenshots at 1400 px and 390 px, light and dark."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from minisentry.models import Event, Issue, IssueHourlyCount
from minisentry.storage.index import hour

from ..conftest import shoot
from ..uihelpers import exception_event, issue_of, spread, store

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
WIDTHS = (1400, 390)


def busy_issue() -> Issue:
    """An issue with a day and a month of events, users, releases, a regression and a storm."""
    events = spread(exception_event, 5)
    for i, event in enumerate(events):
        event.update(release=f"shop@2.{i % 2}", user={"id": str(i)}, tags={"plan": ("pro", "free")[i % 2]})
    store(*events)
    issue = issue_of(events[0])
    for event in events:
        Event.objects.filter(event_id=event["event_id"]).update(user=f"id:{event['user']['id']}")
    now = hour(datetime.now(UTC))
    IssueHourlyCount.objects.bulk_create([
        *(IssueHourlyCount(issue=issue, hour=now - timedelta(hours=h), count=(h * 7) % 23 + 1)
          for h in range(1, 24, 2)),
        *(IssueHourlyCount(issue=issue, hour=now - timedelta(days=d), count=d * 40) for d in range(2, 30, 3)),
    ], update_conflicts=True, unique_fields=["issue", "hour"], update_fields=["count"])  # early in an hour,
    # the events stored a few minutes ago counted in the previous hour
    Issue.objects.filter(pk=issue.pk).update(
        user_count=1234, event_count=2000, sampled_out=1995, first_release="shop@1.9", is_regression=True,
        regressed_at=datetime.now(UTC) - timedelta(hours=5), regressed_release="shop@2.1",
    )
    return issue


OURS = ".ms-frequency, .ms-event-links, .ms-event-filters, .ms-table-scroll, .ms-raw-json, .ms-stats, .ms-regressed"


def look_at(page, name: str) -> None:
    """Screenshots at both widths, for a person to judge; this page's parts fit the narrow one."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.reload()  # Wagtail lays out its sidebar for the width it loaded at
        shoot(page, f"{name}-{width}")
        rights = page.eval_on_selector_all(OURS, "found => found.map(e => e.getBoundingClientRect().right)")
        assert rights and max(rights) <= width, rights
    page.set_viewport_size({"width": WIDTHS[0], "height": 900})


# A graphic's fill and the background it is drawn on (the nearest ancestor's that is not transparent).
COLOURS = """shape => {
  let element = shape;
  while (element && ["rgba(0, 0, 0, 0)", "transparent"].includes(getComputedStyle(element).backgroundColor)) {
    element = element.parentElement;
  }
  return [getComputedStyle(shape).fill, element ? getComputedStyle(element).backgroundColor : "rgb(255, 255, 255)"];
}"""


def luminance(colour: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def walk_through(page, issue_url: str, list_url: str, name: str) -> None:
    """The issue page (its charts, header, copy button), its events filtered from the tag panel, an
    event's raw JSON, the list with 14-day sparklines sorted by users; screenshots of each."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(issue_url)
    page.wait_for_selector(".ms-frequency")
    assert page.locator(".ms-chart").count() == 2
    hourly, daily = (page.locator(".ms-chart").nth(i).locator(".ms-chart-bar").count() for i in (0, 1))
    assert 12 <= hourly <= 14 and 10 <= daily <= 13  # and the events stored just now
    header = page.inner_text(".ms-header")
    assert "1,234" in header and "stored 5 of 2,000 events" in header
    assert "in release shop@2.1" in page.inner_text(".ms-regressed")
    for graphic in (".ms-chart-bar", ".ms-chart-base"):
        assert contrast(*page.eval_on_selector(graphic, COLOURS)) >= 3  # WCAG AA for graphics
    look_at(page, f"{name}-issue")

    page.click("button.ms-copy[data-copy]")
    page.wait_for_selector("button.ms-copy[data-copy]:has-text('Copied')")  # for 2 s
    assert page.evaluate("navigator.clipboard.readText()") == page.inner_text("code.ms-event-id-text")

    page.click("a.ms-tagbar:has-text('free')")
    page.wait_for_selector("tr.ms-event-row")
    assert page.locator("tr.ms-event-row").count() == 2
    look_at(page, f"{name}-events")

    page.click("tr.ms-event-row a.ms-event-message >> nth=0")
    page.click("text=Raw JSON")
    page.wait_for_selector(".ms-raw-json")
    assert page.locator(".ms-raw-json details[open]").count() >= 1
    look_at(page, f"{name}-raw-json")

    page.goto(list_url)
    page.wait_for_selector("tr.ms-issue")
    assert page.locator(".ms-spark-range [aria-current]").inner_text().lower() == "last 14 days"
    shoot(page, f"{name}-list-1400")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_issue_at_a_glance(open_page, live_server, scheme):
    issue = busy_issue()
    page = open_page(scheme)
    issue_url = f"{live_server.url}/admin/_minisentry/issues/{issue.pk}/"
    walk_through(page, issue_url, f"{live_server.url}/admin/_minisentry/?spark=14d&sort=users", f"glance-{scheme}")
    page.goto(issue_url)
    page.click(".ms-last-release a")
    page.wait_for_selector("tr.ms-issue")
    assert page.locator("tr.ms-issue").count() == 1


def test_pages_work_without_javascript(open_page, live_server, browser):
    issue = busy_issue()
    open_page()  # creates the user
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 900})
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/login/?next=/admin/_minisentry/issues/{issue.pk}/")
        page.fill("#id_username", "boss")
        page.fill("#id_password", "secret-pw")
        page.click("input[type=submit]")
        page.wait_for_selector(".ms-frequency")
        assert not page.locator("button.ms-copy").first.is_visible()  # no dead buttons
        event_id = page.inner_text("code.ms-event-id-text")
        page.click("#ms-permalink")
        page.wait_for_url(f"**/events/{event_id}/")
        page.click("text=Raw JSON")
        page.wait_for_selector(".ms-raw-json")
        page.click(".ms-raw-json summary:has-text('exception')")  # <details> folds without script
        assert page.locator(".ms-raw-json details:has(summary:has-text('exception')) pre").is_visible()
        shoot(page, "glance-raw-json-nojs-390")
    finally:
        context.close()
