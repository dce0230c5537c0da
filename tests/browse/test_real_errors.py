"""The issue page on a real site's error (tests/realistic.py), in both frames: breadcrumbs most recent
first and folded, filters, long SQL cut; only the crashing frame open; template frames and paths as
a person reads them; the traceback as Python prints it; long releases shortened."""

import re
import sys
import traceback
from html import unescape

import pytest
import sentry_sdk
from django.conf import settings
from django.urls import reverse

from minisentry.browse.traceback import traceback_text
from minisentry.models import Issue
from minisentry.templatetags.minisentry_ui import release

from ..realistic import RELEASE, ROOT, SQL, TEMPLATE, real_error_event
from ..uihelpers import issue_of, store

pytestmark = pytest.mark.usefixtures("transactional_db")
NAMESPACES = ["minisentry", pytest.param("minisentry_wagtail", marks=pytest.mark.skipif(
    not settings.WAGTAIL, reason="Wagtail is an optional extra"))]


def section(html: str, name: str) -> str:
    match = re.search(rf'<section class="ms-section[^"]*" id="{name}">(.*?)</section>', html, re.S)
    assert match, name
    return match.group(1)


def text(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def issue_page(client, namespace: str, event: dict, **params) -> str:
    response = client.get(reverse(f"{namespace}:issue_detail", args=[issue_of(event).pk]), params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def real_error():
    event = real_error_event()
    event["breadcrumbs"]["values"][-3:] = [
        {"timestamp": 1.7e9, "category": "http", "level": "warning", "message": "GET /api/stock 503"},
        {"timestamp": 1.7e9, "category": "ui.click", "level": "info", "message": "button#buy"},
        {"timestamp": 1.7e9, "category": "http", "level": "error", "message": "POST /api/order 500"},
    ]
    store(event)
    return event


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_breadcrumbs_most_recent_first_ten_in_view_and_long_sql_cut(admin_client, namespace, real_error):
    crumbs = section(issue_page(admin_client, namespace, real_error), "breadcrumbs")
    in_view, folded = crumbs.split('<details class="ms-crumbs-more">')
    messages = re.findall(r'class="ms-crumb-message[^"]*">([^<]*)<', in_view)
    assert messages[:3] == ["POST /api/order 500", "button#buy", "GET /api/stock 503"]  # the latest first
    assert len(re.findall(r"<tr>", in_view)) == 1 + 10  # the heading and ten breadcrumbs
    assert "Show 90 more breadcrumbs" in folded and len(re.findall(r"<tr>", folded)) == 1 + 90
    sql = unescape(re.search(r'<pre class="ms-crumb-message">([^<]*)</pre>', in_view)[1])
    assert sql == SQL.replace("LIMIT 21", "LIMIT 97")  # the whole statement, a click away
    cut = unescape(re.search(r'<span class="ms-crumb-message ms-crumb-cut">([^<]*)</span>', in_view)[1])
    assert cut.endswith("…") and len(cut) <= 101 and sql.startswith(cut[:-1])
    assert "db.paramstyle: format" in text(in_view)  # the data on one line


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_breadcrumbs_filter_by_category_and_level(admin_client, namespace, real_error):
    crumbs = section(issue_page(admin_client, namespace, real_error, frames="oldest"), "breadcrumbs")
    assert 'href="?frames=oldest&amp;crumb_category=http#breadcrumbs"' in crumbs  # other parameters kept
    assert "query 97" in text(crumbs) and "http 2" in text(crumbs) and "error 1" in text(crumbs)
    http = section(issue_page(admin_client, namespace, real_error, crumb_category="http"), "breadcrumbs")
    assert re.findall(r'class="ms-crumb-message[^"]*">([^<]*)<', http) == ["POST /api/order 500",
                                                                           "GET /api/stock 503"]
    assert "ms-crumbs-more" not in http
    errors = section(issue_page(admin_client, namespace, real_error, crumb_level="error"), "breadcrumbs")
    assert re.findall(r'class="ms-crumb-message[^"]*">([^<]*)<', errors) == ["POST /api/order 500"]
    none = section(issue_page(admin_client, namespace, real_error, crumb_category="<b>"), "breadcrumbs")
    assert "No breadcrumb matches these filters." in none and "<b>" not in none


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_only_the_crashing_frame_is_open(admin_client, namespace, real_error):
    frames = section(issue_page(admin_client, namespace, real_error), "exception")
    opened = re.findall(r'<li class="ms-frame ([^"]*)">\s*<details( open)?>', frames)
    assert [classes for classes, is_open in opened if is_open] == ["ms-in-app ms-crashing"]
    assert len(opened) == 13 and frames.count('<details class="ms-vars">') == 9  # locals folded
    assert frames.count('<details class="ms-vars" open>') == 0  # the template's frame has none
    step8 = frames.split(">bakerydemo/blog/step8.py</code>")[1]
    assert "return render_step_9(request, page, context)" in step8.split("</summary>")[0]  # its line, folded


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_a_template_frame_and_paths_read_as_the_project_has_them(admin_client, namespace, real_error):
    html = issue_page(admin_client, namespace, real_error)
    frames = section(html, "exception")
    assert re.search(f'<code class="ms-file" title="{TEMPLATE}">bakerydemo/templates/blog/blog_page.html</code> '
                     r'<span class="ms-frame-kind">template</span>\s+at line', frames)
    assert " in ? " not in text(frames) and f">{ROOT}" not in frames  # no "in ?", no absolute path shown
    assert (f'<code class="ms-file" title="{ROOT}bakerydemo/blog/step3.py">bakerydemo/blog/step3.py</code>'
            in frames)
    assert issue_of(real_error).culprit == "bakerydemo/templates/blog/blog_page.html"  # at ingest
    Issue.objects.update(culprit=TEMPLATE)  # as stored before: shown relative all the same
    html = issue_page(admin_client, namespace, real_error)
    culprit = re.search(r'<p class="ms-culprit" title="([^"]*)">([^<]*)</p>', html)
    assert culprit.groups() == (TEMPLATE, "bakerydemo/templates/blog/blog_page.html")


def failing_checkout(cause: bool):
    try:
        {}["sku"]
    except KeyError as error:
        if cause:
            raise ValueError("cart total is not a number") from error
        raise ValueError("cart total is not a number")  # noqa: B904 -- the implicit chain is the point


@pytest.mark.parametrize("cause", [False, True], ids=["context", "cause"])
def test_the_traceback_text_is_pythons_own(cause):
    """A real chained exception captured by sentry-sdk: the text is what Python prints (less the
    ``^^^`` markers of Python 3.11+). Whether ``from`` chained them, the SDK says only in the cause's
    ``mechanism.source``."""
    events = []
    sentry_sdk.init(before_send=lambda event, hint: events.append(event))
    try:
        failing_checkout(cause)
    except ValueError as error:
        sentry_sdk.capture_exception(error)
        expected = "".join(traceback.format_exception(error))
    sentry_sdk.init()
    if cause:
        events[0]["exception"]["values"][0]["mechanism"]["source"] = "__cause__"
    expected = "\n".join(line for line in expected.splitlines() if line.strip(" ^~") or not line) + "\n"
    assert traceback_text(events[0]) == expected, sys.version


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_copy_as_traceback_button_and_its_text(admin_client, namespace, real_error):
    exception = section(issue_page(admin_client, namespace, real_error), "exception")
    assert 'data-copy-from="#ms-traceback-text"' in exception and "Copy as traceback" in exception
    pre = unescape(re.search(r'<pre id="ms-traceback-text">(.*?)</pre>', exception, re.S)[1])
    assert pre.startswith("Traceback (most recent call last):\n")
    assert f'  File "{TEMPLATE}", line 16, in <template>\n    {{% include page.missing_partial %}}\n' in pre
    assert pre.endswith("\ndjango.template.exceptions.TemplateDoesNotExist: blog/partials/missing.html\n")


def test_long_releases_shortened_with_the_whole_in_a_title():
    assert release(RELEASE) == f'<span class="ms-release" title="{RELEASE}">{RELEASE[:12]}</span>'
    assert release(f"shop@{RELEASE}") == f'<span class="ms-release" title="shop@{RELEASE}">shop@{RELEASE[:12]}</span>'
    assert release("shop@2.0") == "shop@2.0" and release(None) == ""
    assert release("<b>" * 20).startswith('<span class="ms-release" title="&lt;b&gt;')  # escaped


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_release_and_trace_context_on_the_page(admin_client, namespace, real_error):
    html = issue_page(admin_client, namespace, real_error)
    stats = html.split('class="ms-stats"')[1].split("</dl>")[0]
    assert stats.count(f'<span class="ms-release" title="{RELEASE}">{RELEASE[:12]}</span>') == 2
    contexts = section(html, "contexts")
    assert "<th>Dynamic sampling context</th><td><table" in contexts.replace("\n", "").replace("  ", "")
    assert "<th>sample_rate</th><td><pre class=\"ms-value\">1.0</pre>" in contexts
    assert "trace_id: 4c79" not in text(contexts)  # not printed as a raw mapping


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_long_releases_shortened_on_the_lists(admin_client, namespace, real_error):
    """The list's release filter and the events list show a git-hash release cut, whole in a title."""
    listing = admin_client.get(reverse(f"{namespace}:issue_list"))
    assert listing.status_code == 200
    options = re.findall(r'<option value="' + RELEASE + r'"[^>]*>([^<]*)</option>', listing.content.decode())
    assert options and all(RELEASE[:12] in label and RELEASE not in label for label in options)
    if namespace == "minisentry":
        events = admin_client.get(reverse(f"{namespace}:issue_events", args=[issue_of(real_error).pk]))
        assert f'<span class="ms-release" title="{RELEASE}">{RELEASE[:12]}</span>' in events.content.decode()
