"""The issue, event and Storage pages on a real site's error (tests/realistic.py) in Chromium: under a
strict CSP, at most 2,700 px tall at 1400 px, no sideways scrolling at 390 px; screenshots."""

import pytest

from ..conftest import shoot
from ..realistic import RELEASE, real_error_event
from ..screens import DESKTOP, PHONE, detail_pages_fit
from ..uihelpers import exception_event, issue_of, store

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

STRICT_CSP = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:"
MAX_HEIGHT = 2700  # 2,455 px before the triage rows (status menus, assignee) added 105


def page_height(page) -> int:
    return page.evaluate("document.documentElement.scrollHeight")


def under_strict_csp(page) -> list:
    """Serve every page with bakerydemo's kind of CSP (no inline style attributes) and collect the
    violations the browser reports."""
    def strict(route):
        response = route.fetch()
        headers = {k: v for k, v in response.headers.items() if k.lower() != "content-security-policy"}
        route.fulfill(response=response, headers={**headers, "content-security-policy": STRICT_CSP})

    page.route("**/*", strict)
    page.add_init_script("""window.cspViolations = [];
        document.addEventListener('securitypolicyviolation',
            e => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample));""")
    messages = []
    page.on("console", lambda message: messages.append(message.text) if "Content Security" in message.text else None)
    return messages


def test_issue_page_draws_under_a_strict_csp(open_page, live_server):
    store(*(exception_event(tags={"browser": "Firefox" if n < 6 else "Chrome"}) for n in range(7)))
    data = exception_event()
    store(data)
    page = open_page()
    console = under_strict_csp(page)
    page.goto(f"{live_server.url}/admin/_minisentry/issues/{issue_of(data).pk}/")
    page.wait_for_selector(".ms-tagbar")
    assert page.evaluate("window.cspViolations") == [] and console == []
    widths = page.eval_on_selector_all(".ms-tagbar-fill", "fills => fills.map(f => f.getBoundingClientRect().width)")
    assert min(widths) > 0 and max(widths) > 4 * min(widths), widths  # 86 % and 14 % drawn, and unlike


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_real_error_page_stays_short(open_page, live_server, scheme):
    """100 SQL breadcrumbs and 10 in-app frames with locals: at most 2,700 px at 1400 px."""
    data = real_error_event()
    store(data)
    page = open_page(scheme)
    page.goto(f"{live_server.url}/admin/_minisentry/issues/{issue_of(data).pk}/")
    page.wait_for_selector("#breadcrumbs")
    shoot(page, f"real-error-1400-{scheme}")
    assert page_height(page) <= MAX_HEIGHT, page_height(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_detail_pages_fit_a_phone_with_a_long_release(open_page, live_server, scheme):
    data = real_error_event()
    store(data)
    page = open_page(scheme)
    page.set_viewport_size(PHONE)
    detail_pages_fit(page, f"{live_server.url}/admin/_minisentry/", data, f"real-{{page}}-390-{scheme}")
    issue = issue_of(data)
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/admin/_minisentry/issues/{issue.pk}/")
    assert RELEASE not in page.inner_text(".ms-stats")  # shortened, whole in the title
    assert page.locator(f".ms-stats [title='{RELEASE}']").count() == 2


def test_link_buttons_are_not_underlined(open_page, live_server):
    """Django 6's admin underlines links: not those drawn as buttons, tags or tag bars."""
    data = exception_event()
    store(data)
    page = open_page()
    page.goto(f"{live_server.url}/admin/_minisentry/issues/{issue_of(data).pk}/")
    page.wait_for_selector(".ms-tagbar")
    lines = page.eval_on_selector_all(".ms-event-buttons a.button, a.ms-tagbar, .ms-tags a",
                                      "links => links.map(a => getComputedStyle(a).textDecorationLine)")
    assert len(lines) > 5 and set(lines) == {"none"}, lines


def test_copy_as_traceback_copies_the_text(open_page, live_server):
    """With scripts the button shows and copies the traceback; the same text is in the fold without them."""
    data = real_error_event()
    store(data)
    page = open_page()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server.url}/admin/_minisentry/issues/{issue_of(data).pk}/")
    page.click("button.ms-copy-traceback")
    page.wait_for_selector("button.ms-copy-traceback:has-text('Copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.eval_on_selector("#ms-traceback-text", "pre => pre.textContent")
    assert copied.startswith("Traceback (most recent call last):\n") and "TemplateDoesNotExist" in copied
