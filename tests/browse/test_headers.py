"""Every minisentry page, in both frames: never cached, never framed, HEAD like GET; the Django-admin
frame's pages under a Content-Security-Policy their markup keeps to."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from minisentry import urls as minisentry_urls

from ..uihelpers import exception_event, issue_of, store

pytestmark = pytest.mark.usefixtures("transactional_db")


def pages(namespace: str, patterns, event: dict) -> list[str]:
    """The URL of every GET page of a frame, pointing at existing objects."""
    values = {"pk": issue_of(event).pk, "event_id": event["event_id"]}
    return [reverse(f"{namespace}:{p.name}", args=[values[c] for c in p.pattern.converters])
            for p in patterns if p.name not in ("issue_action", "issue_merge")]  # pages of selected issues


def frames(event: dict) -> list[str]:
    urls = pages("minisentry", minisentry_urls.urlpatterns, event)
    if settings.WAGTAIL:
        from minisentry.contrib.wagtail import urls as wagtail_urls

        urls += pages("minisentry_wagtail", wagtail_urls.urlpatterns, event)
    return urls


def assert_protected(response, where: str):
    assert {"no-store", "private"} <= {p.strip() for p in response["Cache-Control"].split(",")}, where
    assert response["X-Frame-Options"] == "DENY", where


def test_every_page_is_never_cached_nor_framed(event, admin_client):
    urls = frames(event)
    assert len(urls) >= 6 + 6 * settings.WAGTAIL
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        assert_protected(response, url)


def test_the_action_pages_are_protected_too(event, admin_client):
    names = ["minisentry"] + (["minisentry_wagtail"] if settings.WAGTAIL else [])
    for name in names:
        url = reverse(f"{name}:issue_action")
        confirm = admin_client.post(url, {"action": "delete", "issue": issue_of(event).pk})
        assert confirm.status_code == 200 and b"Delete" in confirm.content
        assert_protected(confirm, url)
        assert_protected(admin_client.post(url, {"action": "resolve", "issue": issue_of(event).pk}), url)


def test_head_answers_like_get_without_a_body(event, admin_client):
    for url in frames(event):
        response = admin_client.head(url)
        assert response.status_code == 200, url
        assert response.content == b"", url
        assert_protected(response, url)


def policy(response) -> dict[str, set[str]]:
    directives = (d.split() for d in response["Content-Security-Policy"].split(";") if d.strip())
    return {name: set(sources) for name, *sources in directives}


def test_django_admin_pages_have_a_strict_policy(event, admin_client):
    for url in pages("minisentry", minisentry_urls.urlpatterns, event):
        csp = policy(admin_client.get(url))
        assert csp["script-src"] == {"'self'"} and csp["style-src"] == {"'self'"}, url
        assert csp["frame-ancestors"] == {"'none'"} and csp["object-src"] == {"'none'"}, url
        assert "style-src-attr" not in csp, url  # no inline style attributes, as a site's own CSP may forbid


@override_settings(STATIC_URL="https://cdn.example/static/")
def test_the_policy_allows_static_files_from_their_host(event, admin_client):
    csp = policy(admin_client.get(reverse("minisentry:issue_list")))
    assert csp["script-src"] == csp["style-src"] == {"'self'", "https://cdn.example"}


class InlineCode(HTMLParser):
    """Collects what the policy would block: inline scripts, event-handler attributes, inline <style>."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src") and attrs.get("type") != "application/json":
            self.found.append(f"inline <script> at {self.getpos()}")
        if tag == "style":
            self.found.append(f"<style> at {self.getpos()}")
        self.found += [f"{tag} {name}=" for name in attrs if name.startswith("on")]
        self.found += [
            f"javascript: URL in {tag}" for v in attrs.values() if (v or "").strip().startswith("javascript:")
        ]


def test_django_admin_pages_keep_to_their_policy(event, admin_client):
    store(exception_event(tags={"plan": "free"}))  # a second value: the tag bars have widths
    for url in pages("minisentry", minisentry_urls.urlpatterns, event):
        response = admin_client.get(url)
        if response["Content-Type"].startswith("text/html"):
            parser = InlineCode()
            parser.feed(response.content.decode())
            assert parser.found == [], url


@pytest.mark.browser
def test_chromium_sees_no_policy_violation(browser, open_page, live_server):
    """The pages under their policy in real Chromium: nothing blocked, the tag bars keep their widths."""
    store(exception_event(), exception_event(tags={"plan": "free"}))
    page = open_page()
    page.add_init_script("window.violations = []; document.addEventListener('securitypolicyviolation',"
                         " e => window.violations.push(e.violatedDirective + ' ' + e.blockedURI))")
    for path in ("/admin/_minisentry/", "/admin/_minisentry/storage/"):
        response = page.goto(live_server.url + path)
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        assert page.evaluate("window.violations") == [], path
    page.goto(live_server.url + "/admin/_minisentry/")
    page.click("a.ms-title")
    page.wait_for_selector(".ms-tagbar-fill", state="attached")
    widths = page.eval_on_selector_all(".ms-tagbar-fill", "bars => bars.map(b => b.getAttribute('width'))")
    assert "50%" in widths
    assert page.evaluate("window.violations") == []
