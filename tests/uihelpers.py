"""Events and users for the browse UI tests. Events go through the real pipeline, in the test's
thread and transaction (``minisentry.testing``)."""

import uuid
from datetime import UTC, datetime, timedelta

from django.contrib.auth.models import Permission, User

from minisentry.models import Event, Issue
from minisentry.testing import store_events

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def exception_event(**overrides) -> dict:
    """A chained Python exception with in-app and library frames, breadcrumbs, request, and _meta."""
    event = {
        "event_id": uuid.uuid4().hex,
        "timestamp": datetime.now(UTC).isoformat(),
        "level": "error",
        "platform": "python",
        "environment": "production",
        "release": "shop@2.0",
        "server_name": "web-7",
        "transaction": "/checkout/{id}/",
        "exception": {"values": [
            {"type": "KeyError", "value": "'sku'", "module": "builtins",
             "mechanism": {"type": "chained", "handled": True, "source": "__context__"},
             "stacktrace": {"frames": [
                 {"filename": "shop/cart.py", "function": "price_of", "module": "shop.cart", "lineno": 12,
                  "in_app": True, "context_line": "    return PRICES[item['sku']]",
                  "pre_context": ["def price_of(item):"], "post_context": [""],
                  "vars": {"item": {"qty": "2"}}},
             ]}},
            {"type": "ValueError", "value": "cart total is not a number", "module": "builtins",
             "mechanism": {"type": "django", "handled": False},
             "stacktrace": {"frames": [
                 {"filename": "django/core/handlers/base.py", "function": "_get_response",
                  "module": "django.core.handlers.base", "lineno": 197, "in_app": False,
                  "context_line": "response = wrapped_callback(request)"},
                 {"filename": "shop/views.py", "function": "checkout", "module": "shop.views", "lineno": 40,
                  "in_app": True, "context_line": "        raise ValueError('cart total is not a number')",
                  "pre_context": ["    try:", "        total = sum(map(price_of, cart))"],
                  "post_context": ["    return total"],
                  "vars": {"cart": [{"sku": "'TEA'"}], "note": "'" + "x" * 50 + "...",
                           "settings": {"DEBUG": "False", "NAMES": ["'a'", "'b'"]}}},
                 {"filename": "shop/nocontext.py", "function": "bare", "in_app": True},
             ]}},
        ]},
        "breadcrumbs": {"values": [
            {"timestamp": datetime.now(UTC).timestamp(), "category": "cart", "level": "info",
             "message": "cart 7 loaded", "data": {"items": 3}},
        ]},
        "request": {"method": "POST", "url": "https://shop.example/checkout/7/", "query_string": "coupon=TEA10",
                    "headers": {"User-Agent": "pytest", "Accept": "text/html"}, "data": {"card": "[Filtered]"}},
        "user": {"id": "42", "email": "ada@example.com"},
        "tags": {"plan": "pro", "browser": "Firefox"},
        "contexts": {"runtime": {"name": "CPython", "version": "3.11.7"}, "os": {"name": "Linux"}},
        "extra": {"order": {"id": 7, "lines": [1, 2, 3]}},
        "modules": {"django": "5.2", "sentry-sdk": "2.75.0"},
        "sdk": {"name": "sentry.python.django", "version": "2.75.0", "integrations": ["django", "logging"]},
        "_meta": {"exception": {"values": {"1": {"stacktrace": {"frames": {"1": {"vars": {
            "note": {"": {"len": 3002, "rem": [["!limit", "x", 47, 50]]}}}}}}}}},
            "breadcrumbs": {"values": {"": {"len": 140}}}},
    }
    event.update(overrides)
    return event


def message_event(message: str, **overrides) -> dict:
    event = {
        "event_id": uuid.uuid4().hex, "timestamp": datetime.now(UTC).isoformat(), "level": "warning",
        "logger": "shop.stock", "logentry": {"message": f"stock of {message} is %s", "params": ["low"],
                                             "formatted": f"stock of {message} is low"},
    }
    event.update(overrides)
    return event


def store(*events: dict) -> list[Event]:
    """Store events through the pipeline as one batch; their rows."""
    return store_events(events)


def spread(event_factory, n: int, **overrides) -> list[dict]:
    """``n`` events of one issue, one minute apart (oldest first)."""
    start = datetime.now(UTC) - timedelta(minutes=n)
    return [event_factory(timestamp=(start + timedelta(minutes=i)).isoformat(), **overrides) for i in range(n)]


def make_user(username: str, *perms: str, staff: bool = True, active: bool = True) -> User:
    user = User.objects.create_user(username, password="pw", is_staff=staff, is_active=active)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="minisentry", codename__in=perms))
    return user


def issue_of(event: dict) -> Issue:
    return Event.objects.get(event_id=event["event_id"]).issue
