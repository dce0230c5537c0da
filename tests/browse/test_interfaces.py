"""Every interface SDKs send, on the issue page of both frames: threads, stack traces, templates,
security reports, debug images, contexts, legacy keys; what a person must see on each."""

import re
from html import escape

import pytest
import sentry_sdk
from django.conf import settings
from django.urls import reverse

import minisentry
from minisentry.browse.interfaces import FRAME_ORDER_COOKIE, present_event
from minisentry.grouping import get_grouping_hashes
from minisentry.models import Event, Issue
from minisentry.processing.legacy import modernize
from minisentry.processing.prepare import prepare
from minisentry.testing import synchronous

from ..uihelpers import XSS, exception_event, issue_of, store
from .platform_events import (
    cocoa_event,
    csp_event,
    java_event,
    javascript_event,
    legacy_template_event,
    modern_template_event,
)

pytestmark = pytest.mark.usefixtures("db")
NAMESPACES = ["minisentry", pytest.param("minisentry_wagtail", marks=pytest.mark.skipif(
    not settings.WAGTAIL, reason="Wagtail is an optional extra"))]


def page(client, namespace: str, event: dict, **params) -> str:
    response = client.get(reverse(f"{namespace}:event_detail", args=[event["event_id"]]), params)
    assert response.status_code == 200
    return response.content.decode()


def stored_page(client, namespace: str, event: dict) -> str:
    store(event)
    return page(client, namespace, event)


def section(html: str, name: str) -> str:
    """The HTML of the page's ``<section id=name>``."""
    match = re.search(rf'<section class="ms-section[^"]*" id="{name}">(.*?)</section>', html, re.S)
    assert match, f"no {name} section"
    return match.group(1)


def thread_names(html: str) -> list[str]:
    return re.findall(r'<span class="ms-thread-name">(.*?)</span>', html)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def assert_escaped(html: str) -> None:
    assert XSS not in html
    assert escape(XSS, quote=False) in html or escape(XSS) in html


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_python_message_with_attach_stacktrace_shows_its_thread_open(admin_client, namespace):
    sentry_sdk.init(before_send=minisentry.store(), attach_stacktrace=True)
    try:
        with synchronous():
            sentry_sdk.capture_message("stock of TEA is low")
    finally:
        sentry_sdk.init()
    event = Event.objects.get().load()
    assert "threads" in event and "exception" not in event  # what sentry-python sends for a message
    html = page(admin_client, namespace, event)
    threads = section(html, "threads")
    assert threads.count('<details class="ms-thread') == 1
    assert re.search(r'<details class="ms-thread"\s+open>', threads)  # the only thread, open
    assert "test_python_message_with_attach_stacktrace_shows_its_thread_open" in threads  # this very test's frame
    assert "current" in text(threads)
    assert "stock of TEA is low" in section(html, "message")


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_java_threads_crashed_first_collapsed_and_exception_thread_not_repeated(admin_client, namespace):
    html = stored_page(admin_client, namespace, java_event())
    threads = section(html, "threads")
    assert thread_names(threads) == ["main", "FinalizerDaemon", "OkHttp Dispatcher", escape(XSS)]  # crashed first
    blocks = re.findall(r'<details class="ms-thread[^"]*"(\s+open)?>', threads)
    assert blocks == ["", "", "", ""]  # the crashed one's stack is the exception's, shown above; others collapsed
    crashed = threads.split('<details class="ms-thread')[1]
    assert "ms-thread-crashed" in crashed and "crashed" in text(crashed) and "1" in text(crashed)
    assert "see Exception above" in crashed and "PaymentService" not in crashed  # not repeated
    frames = section(html, "exception").split('class="ms-traceback"')[0]  # not the trace as text, below them
    assert text(frames).count("PaymentService.java") == 1
    assert "Daemons.java" in threads and "SyncWorker.java" in threads  # the others' stacks, collapsed
    assert "no stack trace" in text(threads.split('<details class="ms-thread')[4])
    assert "WAITING" in threads and "TIMED_WAITING" in threads
    assert_escaped(threads)


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_contexts_are_typed_tables_in_their_own_order(admin_client, namespace):
    event = java_event()
    store(event)
    contexts = text(section(page(admin_client, namespace, event), "contexts"))
    assert "Device" in contexts and "Operating system" in contexts and "App" in contexts and "GPU" in contexts
    assert contexts.index("Pixel 8") < contexts.index("Google") < contexts.index("81 %")  # name, maker, battery
    assert "7.5 GB" in contexts and "1.5 GB" in contexts  # memory in bytes, readable
    assert "2.0 GB" in contexts  # the GPU's memory is in megabytes
    assert "100.0 MB" in contexts  # the app's memory
    assert "2026-12-01 08:00:00 UTC" in contexts  # boot time
    assert "Charging no" in contexts and "Rooted no" in contexts and "In foreground yes" in contexts
    assert "24-hour format yes" in contexts and "API type Vulkan" in contexts and "Europe/Berlin" in contexts
    assert "my_feature_flags" in contexts and "checkout_v2" in contexts  # an unknown context, as sent
    assert_escaped(section(page(admin_client, namespace, event), "contexts"))


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_javascript_event(admin_client, namespace):
    event = javascript_event()
    html = stored_page(admin_client, namespace, event)
    assert issue_of(event).title == "TypeError: Cannot read properties of undefined (reading 'price')"
    exception = text(section(html, "exception"))
    assert "app.3f2a.js in lineTotal at line 1" in exception
    assert "1 more frame" in exception  # the library frame, hidden while only in-app frames show
    contexts = text(section(html, "contexts"))
    assert "Browser" in contexts and "Chrome" in contexts and "131.0.0" in contexts and "Desktop" in contexts
    assert "https://shop.example/basket" in section(html, "request")


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_native_frames_and_debug_images(admin_client, namespace):
    html = stored_page(admin_client, namespace, cocoa_event())
    exception = section(html, "exception")
    assert '<code class="ms-addr">0x1000a3c44</code>' in exception
    assert ('<code class="ms-file" title="/usr/lib/system/libdyld.dylib">libdyld.dylib</code> in '
            '<code class="ms-function">start</code>') in exception  # the whole path on hover
    assert '<code class="ms-package" title="{}">Shop</code>'.format(
        "/private/var/containers/Bundle/Application/1B2C/Shop.app/Shop") in exception  # beside the file
    assert "CheckoutViewController.swift" in exception
    assert "address mode <code>rel:2</code>" in exception and "<code>abs</code>" not in exception  # abs: the default
    assert "-[CheckoutViewController pay:]" in exception and "$s4Shop8CheckoutC3payyyF" in exception
    images = section(html, "images")
    assert "Loaded images (3)" in text(images)
    assert "Shop" in images and "/private/var/containers/Bundle/Application/1B2C/Shop.app/Shop" in images
    assert "<code>0x0000000100098000</code> – <code>0x0000000100197fff</code>" in images  # addr + size - 1
    assert "2c656702-ad5c-3b1c-9a1b-1e2c3d4e5f60" in images and "arm64e" in images
    assert_escaped(images)
    threads = section(html, "threads")
    assert thread_names(threads) == ["com.apple.main-thread", "com.apple.uikit.eventfetch-thread"]
    assert "mach_msg2_trap" in threads


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_csp_report_titled_and_shown_as_sentry_does(admin_client, namespace):
    event = csp_event()
    store(event)
    issue = issue_of(event)
    assert issue.title == "Blocked 'script' from 'evil.example'"
    assert issue.culprit == "script-src 'self' https://cdn.shop.example"
    assert issue.grouped_by == "CSP directive and blocked URI"
    report = section(page(admin_client, namespace, event), "security")
    words = text(report)
    assert "CSP report" in words
    order = ["Effective directive script-src", "Blocked URI https://evil.example/x.js?v=1",
             "Document URI https://shop.example/checkout", "Source file https://shop.example/static/app.js",
             "Line number 17", "Violated directive", "Original policy default-src 'self';"]
    positions = [words.index(escape(label)) for label in order]  # the page escapes quotes too
    assert positions == sorted(positions)
    assert_escaped(report)


def test_csp_reports_group_by_directive_and_blocked_host():
    same = [csp_event("https://evil.example/a.js"), csp_event("https://evil.example/b.js?x=1")]
    other_host = csp_event("https://worse.example/a.js")
    other_directive = csp_event("https://evil.example/a.css", "style-src")
    store(*same, other_host, other_directive)
    assert issue_of(same[0]) == issue_of(same[1])
    assert len({issue_of(e).pk for e in (same[0], other_host, other_directive)}) == 3
    inline = csp_event("self")
    inline["csp"]["violated_directive"] = "script-src 'self' 'unsafe-inline'"
    assert prepare(inline).title == "Blocked unsafe inline 'script'"
    hpkp = {"hpkp": {"hostname": "shop.example", "port": 443, "include-subdomains": True}}
    assert prepare(hpkp).title == "Public key pinning validation failed for 'shop.example'"
    assert prepare(hpkp).grouped_by == "HPKP hostname"


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_template_error_shown_like_a_frame(admin_client, namespace):
    event = modern_template_event()
    store(event)
    template = section(page(admin_client, namespace, event), "template")
    assert "shop/basket.html" in template and "/srv/shop/templates/shop/basket.html" in template
    error_line = ('<tr class="ms-error-line"><td class="ms-ln">14</td>'
                  '<td><pre>    &lt;td&gt;{{ line.product|price:currency }}')
    assert error_line in template
    assert '<td class="ms-ln">12</td>' in template and '<td class="ms-ln">16</td>' in template


def test_legacy_event_grouped_and_titled_like_its_modern_equivalent():
    legacy, modern = legacy_template_event(), modern_template_event()
    assert get_grouping_hashes(modernize(legacy)) == get_grouping_hashes(modern)
    old, new = prepare(legacy), prepare(modern)
    assert (old.title, old.culprit, old.hashes) == (new.title, new.culprit, new.hashes)
    assert old.title == "TemplateSyntaxError: Invalid filter: 'price'"
    assert ("url", "https://shop.example/basket") in old.tags and ("user", "id:7") in old.tags
    store(legacy, modern)
    assert issue_of(legacy) == issue_of(modern) and Issue.objects.count() == 1


def test_modernize_takes_sentrys_aliases_and_leaves_its_argument_alone():
    event = {"sentry.interfaces.message.Message": {"message": "hi %s", "params": ["x"]},
             "sentry.interfaces.Exception": [{"type": "E", "value": "v"}], "breadcrumbs": [{"message": "b"}],
             "sentry.interfaces.Csp": {"blocked-uri": "data:x", "violated-directive": "img-src 'self'"},
             "_meta": {"sentry.interfaces.Exception": {"": {"len": 3}}}}
    before = repr(event)
    modern = modernize(event)
    assert repr(event) == before
    assert modern["logentry"] == {"message": "hi %s", "params": ["x"]}
    assert modern["exception"] == {"values": [{"type": "E", "value": "v"}]}
    assert modern["breadcrumbs"] == {"values": [{"message": "b"}]}
    assert modern["csp"]["effective_directive"] == "img-src" and modern["csp"]["blocked_uri"] == "data:x"
    assert modern["_meta"] == {"exception": {"": {"len": 3}}}
    assert not any(key.startswith("sentry.interfaces") for key in modern)
    assert modernize({"message": "plain"})["logentry"] == {"formatted": "plain"}


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_legacy_event_rendered_like_a_modern_one(admin_client, namespace):
    event = legacy_template_event()
    html = stored_page(admin_client, namespace, event)
    assert "TemplateSyntaxError" in section(html, "exception") and "shop/views.py" in section(html, "exception")
    assert "shop/basket.html" in section(html, "template")
    assert "https://shop.example/basket" in section(html, "request")
    assert "ada@example.com" in section(html, "user")


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_top_level_stacktrace_of_a_message(admin_client, namespace):
    event = exception_event()
    stacktrace = event.pop("exception")["values"][1]["stacktrace"]
    event.update(stacktrace=stacktrace, message="cart total is not a number")
    store(event)
    stack = section(page(admin_client, namespace, event), "stacktrace")
    assert "shop/views.py" in stack and "django/core/handlers/base.py" in stack
    assert 'id="ms-full-trace-stacktrace"' in stack and "1 more frame" in text(stack)


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_frame_order_switches_and_is_remembered(admin_client, namespace):
    event = exception_event()
    store(event)
    recent = section(page(admin_client, namespace, event), "exception")
    assert "Most recent call first." in text(recent) and 'href="?frames=oldest#exception"' in recent
    assert recent.index("shop/nocontext.py") < recent.index("shop/views.py") < recent.index("django/core")
    oldest = section(page(admin_client, namespace, event, frames="oldest"), "exception")
    assert "Oldest call first." in text(oldest) and 'href="?frames=recent#exception"' in oldest
    assert oldest.index("django/core") < oldest.index("shop/views.py") < oldest.index("shop/nocontext.py")
    assert admin_client.cookies[FRAME_ORDER_COOKIE].value == "oldest"
    remembered = section(page(admin_client, namespace, event), "exception")  # no parameter: the cookie's order
    assert remembered.index("django/core") < remembered.index("shop/views.py")
    page(admin_client, namespace, event, frames="recent")
    assert admin_client.cookies[FRAME_ORDER_COOKIE].value == "recent"


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_thousands_of_threads_images_and_contexts_are_cut_saying_so(admin_client, namespace):
    event = java_event()
    many = [{"id": n, "name": f"worker-{n}", "stacktrace": {"frames": [{"function": "work", "filename": "W.java"}]}}
            for n in range(5000)]
    event["threads"]["values"] += many
    event["debug_meta"] = {"images": [{"code_file": f"/lib/lib{n}.so", "image_addr": n * 4096, "image_size": 4096}
                                      for n in range(5000)]}
    event["contexts"].update({f"ctx_{n}": {"n": n} for n in range(1000)})
    html = stored_page(admin_client, namespace, event)
    assert "cut: 4,954 more threads" in html and "worker-44" in html and "worker-46" not in html
    assert "cut: 4,800 more images" in html and "lib199.so" in html and "lib200.so" not in html
    assert "cut: 956 more contexts" in html
    assert len(html) < 3_000_000


HOSTILE = [
    {"threads": [1, "x", None, {"id": {"a": 1}, "stacktrace": {"frames": "no"}}, {"stacktrace": [1]}]},
    {"threads": {"values": {"not": "a list"}}, "stacktrace": {"frames": [None, 3, {"function": 5}]}},
    {"debug_meta": {"images": [None, {"image_addr": "0xZZ", "image_size": "big"},
                               {"image_addr": -5, "image_size": 2}]}},
    {"debug_meta": [], "template": {"lineno": "x", "context_line": 5}, "contexts": {"device": [], "os": "Linux"}},
    {"contexts": {"device": {"memory_size": "lots", "boot_time": "yesterday", "battery_level": True}}},
    {"csp": {"blocked_uri": 5, "effective_directive": ["x"], "violated_directive": None}, "hpkp": "no"},
    {"sentry.interfaces.Exception": "boom", "sentry.interfaces.Message": 7, "message": ["x"], "_meta": []},
    {"exception": [None, {"stacktrace": "x"}], "stacktrace": {"frames": [{"in_app": True}]}},
]


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_odd_shapes_render_without_error(admin_client, namespace):
    events = [{"event_id": f"{n:032x}", **shape} for n, shape in enumerate(HOSTILE, 1)]
    store(*events)
    for event in events:
        page(admin_client, namespace, event)


def test_context_types_by_key_or_type_with_their_own_fields():
    event = {"contexts": {
        "response": {"status_code": 502, "body_size": 2048},
        "cloud": {"type": "cloud_resource", "cloud.provider": "aws", "cloud.region": "eu-west-1"},
        "state": {"state": {"type": "redux", "value": {"cart": 2}}},
        "profile": {"profile_id": "abc"},
    }}
    tables = dict(present_event(event)["contexts"])
    rows = [(label, value) for label, value, _ in tables["Response"]]
    assert rows == [("Status code", 502), ("Body size", "2.0\xa0KB")]
    assert [(label, value) for label, value, _ in tables["Cloud resource (cloud)"]] == [
        ("Provider", "aws"), ("Region", "eu-west-1")]
    assert [(label, value) for label, value, _ in tables["State"]] == [("Type", "redux"), ("Value", {"cart": 2})]
    assert [(label, value) for label, value, _ in tables["Profile"]] == [("Profile ID", "abc")]


def test_a_thread_with_the_exceptions_frames_is_not_repeated_even_unlinked():
    event = java_event()
    del event["exception"]["values"][0]["thread_id"]  # no link: the same frames still tell
    threads = present_event(event)["threads"]
    assert [(t.name, t.same_as_exception, t.is_open) for t in threads[:2]] == [
        ("main", True, False), ("FinalizerDaemon", False, False)]
    del event["exception"]
    threads = present_event(event)["threads"]
    assert [(t.name, t.same_as_exception, t.is_open) for t in threads[:2]] == [
        ("main", False, True), ("FinalizerDaemon", False, False)]  # no exception: the crashed thread open


def test_a_legacy_request_body_is_scrubbed_like_a_modern_one():
    event = legacy_template_event()
    event["sentry.interfaces.Http"] = {**event["sentry.interfaces.Http"], "method": "POST",
                                       "data": "card=TEA&password=hunter2"}
    stored = store(event)[0].load()
    assert "hunter2" not in str(stored)
    assert "password=[Filtered]" in stored["request"]["data"]
