"""The multi-thread Android event in real Chromium, in both frames, wide and phone-sized, light and
dark: screenshots to look at (whole pages, and the threads and contexts at full size), the in-app
toggle of threads, and no sideways scrolling on a phone."""

import pytest
from django.conf import settings
from django.urls import reverse

from ..conftest import page_opener
from ..uihelpers import store
from .platform_events import cocoa_event, csp_event, java_event

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
FRAMES = ["minisentry", pytest.param("minisentry_wagtail", marks=pytest.mark.skipif(
    not settings.WAGTAIL, reason="Wagtail is an optional extra"))]


def logged_in(request, namespace: str):
    """``open_page(scheme)`` of the frame: the Django admin's, or Wagtail's (its login, then its account page)."""
    if namespace == "minisentry":
        return request.getfixturevalue("open_page")
    opener = page_opener(request.getfixturevalue("browser"), request.getfixturevalue("live_server").url
                         + "/cms/login/?next=/cms/account/", "button[type=submit]", "**/cms/account/")
    request.addfinalizer(lambda: next(opener, None))
    return next(opener)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("namespace", FRAMES)
def test_java_threads_at_desktop_and_phone_width(request, live_server, tmp_path, namespace, scheme):
    event = java_event()
    store(event)
    page = logged_in(request, namespace)(scheme)
    url = live_server.url + reverse(f"{namespace}:event_detail", args=[event["event_id"]])
    for width in (1400, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.wait_for_selector("#threads")
        page.locator("#threads details.ms-thread >> nth=2").evaluate("element => element.open = true")
        name = f"{namespace}-java-{width}-{scheme}"
        page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
        for part in ("exception", "threads", "contexts"):
            page.locator(f"#{part}").screenshot(path=str(tmp_path / f"{name}-{part}.png"))
        if width == 390:
            assert page.evaluate(OVERFLOW) <= 0, "the page scrolls sideways on a phone"
    names = page.locator("#threads .ms-thread-name").all_inner_texts()
    assert names[:3] == ["main", "FinalizerDaemon", "OkHttp Dispatcher"]
    library = page.locator("#threads details.ms-thread >> nth=2").locator(".ms-frame.ms-hideable").first
    assert not library.is_visible() and page.locator("#threads .ms-more-frames >> nth=0").is_visible()
    page.click("label[for=ms-full-trace-threads]")
    assert library.is_visible()
    print(f"screenshots: {tmp_path}")


@pytest.mark.parametrize("make", [cocoa_event, csp_event], ids=["cocoa", "csp"])
def test_native_and_security_events_fit_a_phone(open_page, live_server, tmp_path, make):
    event = make()
    store(event)
    page = open_page("dark")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(live_server.url + reverse("minisentry:event_detail", args=[event["event_id"]]))
    for details in page.locator("#images details, #threads details").all():
        details.evaluate("element => element.open = true")
    for part in ("exception", "threads", "images", "security"):
        if page.locator(f"#{part}").count():
            page.locator(f"#{part}").screenshot(path=str(tmp_path / f"{make.__name__}-390-{part}.png"))
    assert page.evaluate(OVERFLOW) <= 0, "the page scrolls sideways on a phone"
    print(f"screenshots: {tmp_path}")
