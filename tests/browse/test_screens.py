"""The Django-admin frame's list, issue page and events list in Chromium at 1400 px and 390 px, light
and dark, with 40-character releases: no sideways scrolling on a phone, readable titles, tag bars at
WCAG AA contrast; screenshots."""

import pytest

from ..screens import (
    DESKTOP,
    PHONE,
    check_events_list,
    check_issue_page,
    check_list,
    store_screen_events,
    tagbar_contrasts,
)

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1400", "390"])
def test_list_issue_and_events_pages_fit_the_screen(open_page, scheme, size):
    store_screen_events()
    page = open_page(scheme)
    page.set_viewport_size(size)
    page.reload()
    check_list(page, ".ms-issues a.ms-title", f"django-list-{size['width']}-{scheme}")
    check_issue_page(page, f"django-issue-{size['width']}-{scheme}")
    check_events_list(page, f"django-events-{size['width']}-{scheme}")


def test_tag_bars_follow_the_admins_theme_switch(open_page):
    """The admin's theme toggle (html[data-theme]) overrides the system's scheme: contrast holds in both."""
    store_screen_events()
    page = open_page("light")
    page.click("text=ValueError: cart total is not a number")
    page.wait_for_selector(".ms-tagbar")
    light = tagbar_contrasts(page)
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(18, 18, 18)"
    dark = tagbar_contrasts(page)
    assert min(light) >= 3 and min(dark) >= 3, (light, dark)
    shares = page.eval_on_selector_all(".ms-tagbar-fill", "fills => fills.map(f => f.getBoundingClientRect().width)")
    assert max(shares) > 4 * min(shares)  # 86 % and 14 % look different
