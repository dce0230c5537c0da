"""The real ``@sentry/browser`` (npm, bundled by esbuild) in headless Chromium, on a page of
another origin than the endpoint's: CORS as the browser does it (preflight included), the events
stored, titled and grouped as the SDK's, the issue page showing them; a page of an origin the
project does not allow is refused and nothing is stored."""

import io
import time

import pytest
from django.core.management import call_command

import minisentry
from minisentry.models import Event, Issue, Project

from ..conftest import shoot
from ..jssdk import Network, bundle, page_url, static_site
from ..screens import DESKTOP

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.urls("tests.ingest.urls"),
              pytest.mark.usefixtures("transactional_db")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """tests/js/page.js and the SDK, bundled once, served from an origin of their own."""
    with static_site(bundle(tmp_path_factory.mktemp("page"))) as origin:
        yield origin


def project_dsn(live_server, allowed_origins: str) -> str:
    """The DSN ``minisentry_dsn`` prints for a project allowing ``allowed_origins``."""
    out = io.StringIO()
    call_command("minisentry_dsn", "--project", "shop-web", "--base-url", live_server.url, stdout=out)
    Project.objects.filter(slug="shop-web").update(allowed_origins=allowed_origins)
    return out.getvalue().strip().splitlines()[-1]


def visit(browser, url: str, endpoint: str) -> Network:
    """Open ``url`` until the SDK has sent everything; what went to ``endpoint``, once stored."""
    context = browser.new_context()
    try:
        page = context.new_page()
        network = Network(page, endpoint)
        page.goto(url)
        page.wait_for_function("document.title === 'flushed'", timeout=30_000)
        deadline = time.monotonic() + 15
        while not network.settled() and time.monotonic() < deadline:
            page.wait_for_timeout(20)  # lets Playwright deliver the DevTools events still on their way
    finally:
        context.close()
    assert minisentry.flush(30)  # whatever the endpoint accepted has reached the database
    return network


@pytest.mark.parametrize("header", [False, True], ids=["simple-post", "preflight"])
def test_browser_sdk_reports_across_origins(browser, live_server, site, open_page, header):
    dsn = project_dsn(live_server, site)
    network = visit(browser, page_url(site, dsn, header), f"{live_server.url}/minisentry/api/")

    preflights, posts = network.of_type("Preflight"), network.of_type("Fetch")
    # the SDK's default POST is a simple request: the browser asks first only for the envelope type
    # (then once per answer's Max-Age, at least once)
    assert bool(preflights) == header, network.calls
    assert all(call["status"] == 200 and "failed" not in call for call in preflights), preflights
    assert len(posts) >= 4 and all(call["method"] == "POST" for call in posts), network.calls
    assert all(call["status"] == 200 and "failed" not in call for call in posts), posts
    assert {call["headers"]["access-control-allow-origin"] for call in posts} == {site}

    project = Project.objects.get(slug="shop-web")
    issues = {issue.title: issue for issue in Issue.objects.filter(project=project)}
    assert Event.objects.filter(issue__project=project).count() == 4
    thrown = next(issue for title, issue in issues.items() if title.startswith("Error: cart total is not a number"))
    assert thrown.event_count == 2  # two throws from one code site, different messages: one issue
    assert set(issues) == {thrown.title, "TypeError: stock service unreachable", "checkout opened without a basket"}
    assert issues["checkout opened without a basket"].level == "warning"
    assert "cartTotal" in thrown.culprit

    if header:  # the issue as staff see it, once
        page = open_page()
        page.set_viewport_size(DESKTOP)
        page.goto(f"{live_server.url}/admin/_minisentry/issues/{thrown.pk}/")
        text = page.inner_text("body")
        for seen in (thrown.title, "cartTotal", "sentry.javascript.browser", "shop-web@1.4.2"):
            assert seen in text, seen
        shoot(page, "browser-sdk-issue")


def test_origin_not_allowed_is_refused(browser, live_server, site):
    dsn = project_dsn(live_server, "https://shop.example")
    for header in (False, True):
        network = visit(browser, page_url(site, dsn, header), f"{live_server.url}/minisentry/api/")
        posts = [call for call in network.calls.values() if call["method"] == "POST"]
        # the SDK's fetch fails on a CORS error; a simple POST still reached the server (browsers
        # send it and hide the answer), so only the endpoint's refusal keeps it from being stored
        cors_error = "PreflightMissingAllowOriginHeader" if header else "MissingAllowOriginHeader"
        assert posts and {call.get("failed") for call in posts} == {cors_error}, network.calls
        assert all(call["status"] == 403 for call in network.of_type("Preflight")), network.calls
        assert bool(network.of_type("Preflight")) == header, network.calls
    assert not Event.objects.exists() and not Issue.objects.filter(project__slug="shop-web").exists()
