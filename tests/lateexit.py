"""Captures after the SDK's at-exit flush: from an ``atexit`` handler registered before the first
capture (so it runs after the writer's), and from a ``weakref.finalize`` callback.

``python -m tests.lateexit N``: captures N events, registers nothing else, and exits without a
flush; N more are captured by the late handlers. Every one of them must end stored, spooled or
counted."""

import atexit
import sys
import uuid
import weakref

import django


class Resource:
    """Something the application releases at exit (a finalizer's owner)."""


def main() -> None:
    django.setup()
    import minisentry

    hook = minisentry.store()
    n = int(sys.argv[1])

    def late(label: str) -> None:
        for i in range(n // 2):
            hook({"event_id": uuid.uuid4().hex, "message": f"{label} {i}", "level": "error"}, {})

    atexit.register(late, "from atexit")  # before the writer's own handler: it runs after it
    resource = Resource()
    weakref.finalize(resource, late, "from weakref.finalize")
    for i in range(n):
        hook({"event_id": uuid.uuid4().hex, "message": f"main {i}", "level": "error"}, {})
    globals()["resource"] = resource  # released at exit only


if __name__ == "__main__":
    main()
