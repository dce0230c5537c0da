"""A process that forks while its writer is busy with its first event, as gunicorn ``--preload`` does.

``python -m tests.forker DELAY_MS``: captures one event, forks DELAY_MS later, captures 20 events
in the child and flushes there, flushes the parent, and prints a JSON line with both results.
"""

import json
import os
import sys
import time
import uuid

import django


def event(label: str) -> dict:
    return {"event_id": uuid.uuid4().hex, "message": f"fork test: {label}", "level": "error"}


def main() -> None:
    delay = float(sys.argv[1]) / 1000
    django.setup()
    import minisentry

    hook = minisentry.store()
    hook(event("before the fork"), {})
    minisentry.flush(0)  # wake the writer at once, as a backlog would
    time.sleep(delay)
    pid = os.fork()
    if pid == 0:
        try:
            for n in range(20):
                hook(event(f"child {n}"), {})
            ok = minisentry.flush(60)
            stats = minisentry.stats()
            if not (ok and not stats["dropped"] and not stats["spooled"]):
                print("child:", ok, stats, file=sys.stderr, flush=True)
                os._exit(3)
            os._exit(0)
        except BaseException:
            os._exit(2)
    _, status = os.waitpid(pid, 0)
    flushed = minisentry.flush(60)
    print(json.dumps({"child": os.waitstatus_to_exitcode(status), "parent_flushed": flushed, **minisentry.stats()}))


if __name__ == "__main__":
    main()
