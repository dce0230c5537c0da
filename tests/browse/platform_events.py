"""Events of several SDKs and platforms, shaped as the Sentry protocol documents them
(develop.sentry.dev, "SDK development > Data model > Event payloads": threads, stacktrace, template,
debug meta, contexts, and the security report interfaces)."""

import uuid
from datetime import UTC, datetime

from ..uihelpers import XSS


def base(platform: str, **fields) -> dict:
    return {"event_id": uuid.uuid4().hex, "timestamp": datetime.now(UTC).isoformat(), "level": "error",
            "platform": platform, **fields}


def java_frame(module: str, function: str, filename: str, lineno: int, in_app: bool) -> dict:
    return {"module": module, "function": function, "filename": filename, "lineno": lineno, "in_app": in_app}


CRASH_FRAMES = [  # oldest call first, as the protocol orders frames
    java_frame("com.android.internal.os.ZygoteInit", "main", "ZygoteInit.java", 1042, False),
    java_frame("android.os.Looper", "loop", "Looper.java", 288, False),
    java_frame("android.view.View", "performClick", "View.java", 7659, False),
    java_frame("com.shop.CheckoutActivity", "onPayClicked", "CheckoutActivity.java", 55, True),
    java_frame("com.shop.PaymentService", "charge", "PaymentService.java", 120, True),
]


def java_event() -> dict:
    """An Android crash: the exception names its thread (``thread_id``); four threads, the crashed one
    in the middle of the list, one named with markup."""
    return base(
        "java",
        exception={"values": [{
            "type": "IllegalStateException", "value": "card declined: <none>", "module": "java.lang",
            "thread_id": 1, "mechanism": {"type": "UncaughtExceptionHandler", "handled": False},
            "stacktrace": {"frames": CRASH_FRAMES},
        }]},
        threads={"values": [
            {"id": 17, "name": "FinalizerDaemon", "state": "WAITING", "stacktrace": {"frames": [
                java_frame("java.lang.Daemons$Daemon", "run", "Daemons.java", 145, False),
                java_frame("java.lang.Object", "wait", "Object.java", 442, False),
            ]}},
            {"id": 1, "name": "main", "crashed": True, "current": True, "state": "RUNNABLE",
             "stacktrace": {"frames": CRASH_FRAMES}},
            {"id": 23, "name": "OkHttp Dispatcher", "state": "TIMED_WAITING", "stacktrace": {"frames": [
                java_frame("java.lang.Thread", "run", "Thread.java", 1012, False),
                java_frame("com.shop.net.SyncWorker", "poll", "SyncWorker.java", 31, True),
            ]}},
            {"id": 42, "name": XSS, "state": "BLOCKED"},
        ]},
        contexts={
            "device": {"type": "device", "name": "Pixel 8", "family": "Pixel", "model": "shiba",
                       "manufacturer": "Google",
                       "arch": "arm64-v8a", "battery_level": 81.0, "charging": False, "online": True,
                       "memory_size": 8_000_000_000, "free_memory": 1_610_612_736, "simulator": False,
                       "boot_time": "2026-12-01T08:00:00Z", "screen_resolution": "2400x1080"},
            "os": {"type": "os", "name": "Android", "version": "14", "build": "AP2A.240805", "rooted": False,
                   "kernel_version": "6.1.25"},
            "app": {"type": "app", "app_identifier": "com.shop", "app_name": "Shop", "app_version": "3.2.0",
                    "app_build": "320", "in_foreground": True, "app_memory": 104_857_600},
            "gpu": {"name": "Mali-G715", "vendor_name": "ARM", "memory_size": 2048, "api_type": "Vulkan"},
            "culture": {"locale": "de-DE", "timezone": "Europe/Berlin", "is_24_hour_format": True},
            "my_feature_flags": {"checkout_v2": True, "note": XSS},
        },
    )


def javascript_event() -> dict:
    """The browser SDK: a TypeError with minified-bundle frames, browser/os/device contexts, the page's request."""
    def frame(function: str, lineno: int, colno: int, in_app: bool = True) -> dict:
        url = "https://shop.example/static/app.3f2a.js"
        return {"filename": url, "abs_path": url,
                "function": function, "lineno": lineno, "colno": colno, "in_app": in_app}

    return base(
        "javascript", sdk={"name": "sentry.javascript.browser", "version": "8.40.0"},
        exception={"values": [{
            "type": "TypeError", "value": "Cannot read properties of undefined (reading 'price')",
            "mechanism": {"type": "onerror", "handled": False},
            "stacktrace": {"frames": [frame("HTMLButtonElement.<anonymous>", 1, 3021, False),
                                      frame("renderBasket", 1, 1180), frame("lineTotal", 1, 904)]},
        }]},
        request={"url": "https://shop.example/basket", "headers": {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64)"}},
        contexts={"browser": {"name": "Chrome", "version": "131.0.0"}, "os": {"name": "Linux"},
                  "device": {"family": "Desktop"}},
    )


def cocoa_event() -> dict:
    """An iOS crash (EXC_BAD_ACCESS): native frames with instruction addresses, packages and symbols,
    two threads, and the images loaded in the process."""
    def frame(addr: str, package: str, function: str, in_app: bool, symbol: str | None = None) -> dict:
        return {"instruction_addr": addr, "package": package, "function": function, "in_app": in_app,
                "symbol": symbol or function, "addr_mode": "abs"}

    app = "/private/var/containers/Bundle/Application/1B2C/Shop.app/Shop"
    frames = [{**frame("0x1a9c4e0f4", "/usr/lib/system/libdyld.dylib", "start", False), "addr_mode": "rel:2"},
              frame("0x1000a2b10", app, "main", True),
              {**frame("0x1000a3c44", app, "-[CheckoutViewController pay:]", True, "$s4Shop8CheckoutC3payyyF"),
               "filename": "CheckoutViewController.swift", "lineno": 88}]
    return base(
        "cocoa",
        exception={"values": [{
            "type": "EXC_BAD_ACCESS", "value": "Attempted to dereference null pointer.", "thread_id": 0,
            "mechanism": {"type": "mach", "handled": False, "meta": {"signal": {"number": 11, "name": "SIGSEGV"}}},
            "stacktrace": {"frames": frames},
        }]},
        threads={"values": [
            {"id": 0, "name": "com.apple.main-thread", "crashed": True, "current": True,
             "stacktrace": {"frames": frames}},
            {"id": 5, "name": "com.apple.uikit.eventfetch-thread", "stacktrace": {"frames": [
                frame("0x1b1e2c000", "/usr/lib/system/libsystem_kernel.dylib", "mach_msg2_trap", False)]}},
        ]},
        debug_meta={"images": [
            {"type": "macho", "code_file": app, "debug_id": "2c656702-ad5c-3b1c-9a1b-1e2c3d4e5f60",
             "image_addr": "0x100098000", "image_size": 1048576, "arch": "arm64"},
            {"type": "macho", "code_file": "/usr/lib/system/libsystem_kernel.dylib",
             "debug_id": "9b0d3fd2-6b8e-3a5d-a1b4-2f0b1c2d3e4f", "image_addr": "0x1b1e28000", "image_size": 237568,
             "arch": "arm64e"},
            {"type": "macho", "code_file": XSS, "debug_id": "0", "image_addr": 4096, "image_size": 16},
        ]},
        contexts={"device": {"model": "iPhone15,2", "family": "iOS", "memory_size": 6_442_450_944, "simulator": False},
                  "os": {"name": "iOS", "version": "18.1", "build": "22B83"}},
    )


def csp_event(blocked_uri: str = "https://evil.example/x.js?v=1", directive: str = "script-src") -> dict:
    """What Relay makes of a browser's CSP violation report (the ``csp`` interface)."""
    return base("other", level="info", csp={
        "document_uri": "https://shop.example/checkout", "referrer": "https://shop.example/",
        "violated_directive": f"{directive} 'self' https://cdn.shop.example", "effective_directive": directive,
        "original_policy": f"default-src 'self'; {directive} 'self' https://cdn.shop.example; report-uri /csp",
        "disposition": "enforce", "blocked_uri": blocked_uri, "status_code": 200,
        "source_file": "https://shop.example/static/app.js", "line_number": 17, "column_number": 5,
        "script_sample": XSS,
    })


TEMPLATE = {"filename": "shop/basket.html", "abs_path": "/srv/shop/templates/shop/basket.html", "lineno": 14,
            "pre_context": ["{% for line in basket.lines %}", "  <tr>"],
            "context_line": "    <td>{{ line.product|price:currency }}</td>",
            "post_context": ["  </tr>", "{% endfor %}"]}


def modern_template_event() -> dict:
    """A Django template error with the modern keys."""
    return base(
        "python",
        exception={"values": [{"type": "TemplateSyntaxError", "value": "Invalid filter: 'price'",
                               "module": "django.template.exceptions", "stacktrace": {"frames": [
                                   {"filename": "shop/views.py", "function": "basket", "module": "shop.views",
                                    "lineno": 30, "in_app": True,
                                    "context_line": "    return render(request, 'shop/basket.html')"}]}}]},
        template=TEMPLATE,
        request={"url": "https://shop.example/basket", "method": "GET"},
        user={"id": "7", "email": "ada@example.com"},
    )


def legacy_template_event() -> dict:
    """The same error as an old raven client sent it: ``sentry.interfaces.*`` keys, the exception
    as a bare object with the stack trace beside it."""
    modern = modern_template_event()
    exc = dict(modern["exception"]["values"][0])
    stacktrace = exc.pop("stacktrace")
    return {
        "event_id": uuid.uuid4().hex, "timestamp": modern["timestamp"], "level": "error", "platform": "python",
        "message": "Invalid filter: 'price'",
        "sentry.interfaces.Exception": exc,
        "sentry.interfaces.Stacktrace": stacktrace,
        "sentry.interfaces.Template": TEMPLATE,
        "sentry.interfaces.Http": modern["request"],
        "sentry.interfaces.User": modern["user"],
    }
