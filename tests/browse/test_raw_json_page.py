"""The raw JSON readable in the page, in both frames: pretty-printed, folded by top-level key,
escaped, bounded for huge events; the download still works; copy buttons that need no script."""

import re
from html import unescape

import orjson
import pytest
from django.conf import settings
from django.urls import reverse

from benchmarks.huge import huge_local
from minisentry.browse import raw_json

from ..uihelpers import XSS, exception_event, make_user, store

pytestmark = pytest.mark.usefixtures("db")
NAMESPACES = ["minisentry", pytest.param("minisentry_wagtail", marks=pytest.mark.skipif(
    not settings.WAGTAIL, reason="Wagtail is an optional extra"))]


def raw_page(client, namespace: str, event_id: str) -> str:
    response = client.get(reverse(f"{namespace}:event_raw", args=[event_id]))
    assert response.status_code == 200
    return response.content.decode()


def sections(html: str) -> dict[str, tuple[bool, str]]:
    """Top-level key -> (unfolded?, text shown), unescaped as a reader sees them."""
    found = re.findall(r'<details id="json-\d+"( open)?>\s*<summary>(.*?) <span.*?</summary>\s*<pre>(.*?)</pre>',
                       html, re.S)
    return {unescape(key): (bool(is_open), unescape(text)) for is_open, key, text in found}


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_json_is_pretty_printed_and_folded_by_section(admin_client, namespace):
    event = exception_event()
    store(event)
    html = raw_page(admin_client, namespace, event["event_id"])
    shown = sections(html)
    assert {"exception", "breadcrumbs", "request", "user", "tags", "contexts", "sdk"} <= set(shown)
    assert shown["user"] == (True, '{\n  "id": "42",\n  "email": "ada@example.com"\n}')  # short: unfolded
    assert orjson.loads(shown["top-level values"][1]) == {  # plain values together, first
        key: value for key, value in event.items() if not isinstance(value, (dict, list))}
    assert next(iter(shown)) == "top-level values"
    is_open, text = shown["exception"]
    assert not is_open  # long: folded
    assert orjson.loads(text) == event["exception"]
    assert reverse(f"{namespace}:event_json", args=[event["event_id"]]) in html  # the download


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_hostile_keys_and_values_are_escaped(admin_client, namespace):
    event = exception_event(extra={XSS: XSS, "</pre><script>alert(3)</script>": 1})
    event[XSS] = {"</summary></details><script>alert(4)</script>": XSS}
    store(event)
    html = raw_page(admin_client, namespace, event["event_id"])
    assert "<script>alert" not in html and "<img src=x" not in html
    shown = sections(html)
    assert XSS in shown  # a key, shown as text
    assert orjson.loads(shown[XSS][1]) == {"</summary></details><script>alert(4)</script>": XSS}
    assert orjson.loads(shown["extra"][1]) == event["extra"]


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_a_huge_event_is_cut_with_a_note_and_the_download_keeps_it(admin_client, namespace):
    event = huge_local(3 * 1024 * 1024)
    store(event)
    html = raw_page(admin_client, namespace, event["event_id"])
    assert len(html) < 2 * raw_json.SECTION_CHARS
    shown = sections(html)
    assert not shown["exception"][0]
    assert re.search(r"cut: [\d,]+ characters; the whole event is in the download", shown["exception"][1])
    download = admin_client.get(reverse(f"{namespace}:event_json", args=[event["event_id"]]))
    assert download["Content-Disposition"] == f'attachment; filename="{event["event_id"]}.json"'
    assert orjson.loads(download.content) == event


@pytest.mark.parametrize("namespace", NAMESPACES)
@pytest.mark.parametrize("name", ["event_detail", "event_raw"])
def test_copy_buttons_are_an_enhancement_over_text_and_a_link(admin_client, namespace, name):
    event = exception_event()
    store(event)
    response = admin_client.get(reverse(f"{namespace}:{name}", args=[event["event_id"]]))
    html = response.content.decode()
    permalink = reverse(f"{namespace}:event_detail", args=[event["event_id"]])
    assert f'<code class="ms-event-id-text">{event["event_id"]}</code>' in html  # selectable without script
    assert f'<a id="ms-permalink" href="{permalink}">Permalink</a>' in html
    assert re.search(rf'<button type="button" class="ms-copy[^"]*" data-copy="{event["event_id"]}"[^>]* hidden>', html)
    assert re.search(r'<button type="button" class="ms-copy[^"]*" data-copy-href="#ms-permalink"[^>]* hidden>', html)
    assert "minisentry/copy.js" in html
    assert "<script>" not in html.replace('<script src="', "")  # no inline script (the CSP forbids it)


def test_the_raw_page_is_staff_only(client):
    event = exception_event()
    store(event)
    target = reverse("minisentry:event_raw", args=[event["event_id"]])
    assert client.get(target).status_code == 302  # to the login
    client.force_login(make_user("nobody"))
    assert client.get(target).status_code == 403
    client.force_login(make_user("viewer", "view_issue"))
    assert client.get(target).status_code == 200
    assert client.get(target)["Content-Security-Policy"].count("script-src 'self'") == 1
