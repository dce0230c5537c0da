"""The Wagtail frame's issue, event and Storage pages on a real site's error (tests/realistic.py, a
40-character release) in Chromium: no sideways scrolling at 390 px, the Storage table whole, the
page short at 1400 px; screenshots, light and dark."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

from ...realistic import real_error_event
from ...screens import DESKTOP, PHONE, detail_pages_fit
from ...uihelpers import store

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", [DESKTOP, PHONE], ids=["1400", "390"])
def test_detail_pages_fit_the_screen_with_a_long_release(wagtail_page, live_server, scheme, size):
    data = real_error_event()
    store(data)
    page = wagtail_page(scheme)
    page.set_viewport_size(size)
    detail_pages_fit(page, f"{live_server.url}/cms/errors/", data, f"wagtail-real-{{page}}-{size['width']}-{scheme}")
    right = page.eval_on_selector_all("table.ms-storage td", "cells => cells.map(c => c.getBoundingClientRect().right)")
    assert len(right) == 14 and max(right) <= size["width"], right  # every column whole, Segments included
