"""Fixtures of the Wagtail integration's browser tests."""

import pytest

from ...conftest import page_opener


@pytest.fixture
def wagtail_page(browser, live_server):
    """``open_page(scheme)`` logged into the Wagtail admin (its dashboard needs a page tree: skip it)."""
    yield from page_opener(
        browser, f"{live_server.url}/cms/login/?next=/cms/account/", "button[type=submit]", "**/cms/account/",
    )
