"""Huge events on the issue page: what the page cannot show is summarised and cut, saying so.

The time bounds are catastrophe bounds only (the figures: ``python -m benchmarks.huge``).
"""

import sys
import time

import orjson
import pytest
from django.conf import settings
from django.urls import reverse

import minisentry
from benchmarks.huge import exception_event, frame, huge_local, many_frames
from minisentry.models import Event

from ..conftest import shoot
from ..uihelpers import issue_of, store

pytestmark = pytest.mark.usefixtures("transactional_db")
NAMESPACES = ["minisentry", pytest.param("minisentry_wagtail", marks=pytest.mark.skipif(
    not settings.WAGTAIL, reason="Wagtail is an optional extra"))]


def issue_page(client, namespace: str, event: dict) -> tuple[str, float]:
    started = time.perf_counter()
    response = client.get(reverse(f"{namespace}:issue_detail", args=[issue_of(event).pk]))
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    return response.content.decode(), elapsed


def alternating_frames(count: int) -> list[dict]:
    """In-app frames ``app_<n>`` (n even) and library frames ``lib_<n>``."""
    return [{**frame(n), "in_app": n % 2 == 0, "function": f"{'app' if n % 2 == 0 else 'lib'}_{n}"}
            for n in range(count)]


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_fifty_thousand_frames_show_both_ends_and_say_how_many_are_omitted(admin_client, namespace):
    event = many_frames(50_000)
    store(event)
    html, elapsed = issue_page(admin_client, namespace, event)
    assert elapsed < 5
    assert "49,900 frames omitted" in html  # 50 most recent and 50 oldest frames in full
    assert '<code class="ms-function">walk_49999</code>' in html  # the most recent call
    assert '<code class="ms-function">walk_0</code>' in html  # the first one
    assert "<code>walk_49949</code>" in html  # the omitted ones, one line each, up to a thousand
    assert "walk_48949" not in html and "48,900 more, only in the raw JSON" in html
    assert reverse(f"{namespace}:event_json", args=[event["event_id"]]) in html
    assert len(html) < 1_000_000


def test_omitted_library_frames_hide_with_the_full_frames(admin_client):
    frames = alternating_frames(300)
    event = exception_event(frames)
    store(event)
    html, _ = issue_page(admin_client, "minisentry", event)
    assert 'id="ms-full-trace"' in html  # the in-app / full stack trace toggle
    assert '<ol class="ms-omitted-frames" start="51">' in html  # numbered where they stand
    assert ('<li class="ms-system ms-hideable"><code title="/srv/shop/tree.py">shop/tree.py</code> in '
            '<code>lib_149</code>') in html  # the whole path on hover
    assert '<li class="ms-in-app"><code title="/srv/shop/tree.py">shop/tree.py</code> in <code>app_150</code>' in html


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_a_twenty_megabyte_local_is_cut_with_a_note(admin_client, namespace):
    event = huge_local(20 * 1024 * 1024)
    store(event)
    html, elapsed = issue_page(admin_client, namespace, event)
    assert elapsed < 5
    assert "cut: 20,971,520 characters; full value in the raw JSON" in html
    assert len(html) < 200_000
    raw = admin_client.get(reverse(f"{namespace}:event_json", args=[event["event_id"]]))
    frames = orjson.loads(raw.content)["exception"]["values"][0]["stacktrace"]["frames"]
    assert len(frames[0]["vars"]["blob"]) == 20 * 1024 * 1024  # the raw JSON keeps it whole


def test_long_containers_and_deep_nesting_are_cut_with_a_note(admin_client):
    deep = "bottom"
    for _ in range(50):
        deep = {"down": deep}
    event = exception_event([frame(0)])
    event["extra"] = {"rows": list(range(10_000)), "deep": deep, **{f"key{n}": n for n in range(1_000)}}
    store(event)
    html, _ = issue_page(admin_client, "minisentry", event)
    assert "cut: 9,500 more items; full value in the raw JSON" in html  # rows past the 500th
    assert "items nested over 20 levels deep" in html and "bottom" not in html
    assert "cut: 502 more items; full value in the raw JSON" in html  # extra's keys past the 500th
    assert len(html) < 500_000


def test_a_real_recursion_error_renders(sentry, admin_client):
    def recurse(depth: int) -> int:
        return recurse(depth + 1) + 1

    try:
        recurse(0)
    except RecursionError:
        sentry.capture_exception()
    assert minisentry.flush(30)
    event = Event.objects.get().load()
    assert len(event["exception"]["values"][0]["stacktrace"]["frames"]) > sys.getrecursionlimit() / 2
    for namespace in ["minisentry"] + (["minisentry_wagtail"] if settings.WAGTAIL else []):
        html, elapsed = issue_page(admin_client, namespace, event)
        assert elapsed < 5
        assert "RecursionError" in html and "maximum recursion depth exceeded" in html
        assert "frames omitted" in html and '<code class="ms-function">recurse</code>' in html


@pytest.mark.browser
def test_omitted_frames_expand_and_follow_the_in_app_toggle(open_page):
    frames = alternating_frames(300)
    store(exception_event(frames))
    page = open_page()
    page.click("text=RecursionError: too deep")
    app_line = page.locator("li.ms-in-app", has_text="app_150")
    lib_line = page.locator("li.ms-hideable", has_text="lib_149")
    assert not app_line.is_visible()
    page.click("text=200 frames omitted")
    assert app_line.is_visible() and not lib_line.is_visible()
    page.click("label[for=ms-full-trace]")
    assert lib_line.is_visible()
    shoot(page, "huge-event-omitted-frames")
