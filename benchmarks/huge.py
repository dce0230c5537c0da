"""Huge events on the page: server time of the issue page for events far past what a page can show.

``python -m benchmarks.huge``: a real ``RecursionError`` captured by sentry-sdk (about 1,000
frames, with local variables), an event of 50,000 frames and one with a 20 MB local variable
(both through the hook called directly, as another SDK or a script may send them). Each issue page
is requested with Django's test client as a superuser, in the Django admin's frame and, when
Wagtail is installed, in Wagtail's.
"""

import argparse
import sys
import time
import uuid
from datetime import UTC, datetime

from . import common


def frame(n: int) -> dict:
    return {"filename": "shop/tree.py", "abs_path": "/srv/shop/tree.py", "module": "shop.tree",
            "function": f"walk_{n}", "lineno": 10 + n % 90, "in_app": True,
            "context_line": "    return walk(node.child)", "pre_context": ["def walk(node):"],
            "post_context": [""], "vars": {"node": f"<Node {n}>", "depth": str(n)}}


def exception_event(frames: list[dict], value: str = "too deep") -> dict:
    return {"event_id": uuid.uuid4().hex, "timestamp": datetime.now(UTC).isoformat(), "level": "error",
            "platform": "python", "exception": {"values": [
                {"type": "RecursionError", "value": value, "module": "builtins",
                 "mechanism": {"type": "generic", "handled": True}, "stacktrace": {"frames": frames}}]}}


def many_frames(count: int = 50_000) -> dict:
    """An event of ``count`` frames (oldest first, as the SDK sends them)."""
    return exception_event([frame(n) for n in range(count)])


def huge_local(size: int = 20 * 1024 * 1024) -> dict:
    """An event whose only frame holds a local variable of ``size`` characters."""
    return exception_event([{**frame(0), "vars": {"blob": "x" * size}}], value="out of memory")


def real_recursion() -> dict:
    """A ``RecursionError`` raised for real and captured by sentry-sdk with its local variables."""
    import sentry_sdk

    captured = []
    sentry_sdk.init(before_send=lambda event, hint: captured.append(event), include_local_variables=True)

    def recurse(depth: int) -> int:
        return recurse(depth + 1) + 1

    try:
        recurse(0)
    except RecursionError:
        sentry_sdk.capture_exception()
    sentry_sdk.init()
    return captured[0]


def time_issue_pages(events: dict[str, dict], repeat: int) -> dict:
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    import minisentry
    from minisentry.models import Event

    hook = minisentry.store()
    for event in events.values():
        hook(event, {})
    assert minisentry.flush(120)
    client = Client()
    client.force_login(User.objects.create_superuser(f"bench{uuid.uuid4().hex[:6]}", "", "x"))
    namespaces = ["minisentry"] + (["minisentry_wagtail"] if getattr(settings, "WAGTAIL", False) else [])
    results = {}
    for name, event in events.items():
        pk = Event.objects.get(event_id=event["event_id"]).issue_id
        for namespace in namespaces:
            times, size = [], 0
            for _ in range(repeat):
                started = time.perf_counter()
                response = client.get(reverse(f"{namespace}:issue_detail", args=[pk]))
                times.append(time.perf_counter() - started)
                assert response.status_code == 200, (name, namespace, response.status_code)
                size = len(response.content)
            results[f"{name} ({namespace})"] = {"seconds": common.summary(times), "page_bytes": size}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=50_000)
    parser.add_argument("--local-bytes", type=int, default=20 * 1024 * 1024)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    common.setup("sqlite", "filesystem", wagtail=True)
    try:
        sys.setrecursionlimit(1000)
        recursion = real_recursion()
        events = {"RecursionError captured by sentry-sdk": recursion,
                  f"{args.frames:,} frames": many_frames(args.frames),
                  f"{args.local_bytes:,}-character local": huge_local(args.local_bytes)}
        frames = len(recursion["exception"]["values"][0]["stacktrace"]["frames"])
        common.emit({"benchmark": "huge", "recursion_frames": frames, "pages": time_issue_pages(events, args.repeat)})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
