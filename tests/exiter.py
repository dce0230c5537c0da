"""A process whose blob store stops answering, then exits with events queued.

``python -m tests.exiter N``: stores one event (the store still answers), prints ``stored``,
waits for a line on stdin (the test stalls the store meanwhile), captures N events at once, gives
the writer a second to be stuck uploading them, and exits without flushing: the at-exit handler
must spool them."""

import sys
import time
import uuid

import django


def main() -> None:
    django.setup()
    import minisentry

    hook = minisentry.store()
    hook({"event_id": uuid.uuid4().hex, "message": "before the stall"}, {})
    print("stored" if minisentry.flush(30) else "not stored", flush=True)
    sys.stdin.readline()
    for n in range(int(sys.argv[1])):
        hook({"event_id": uuid.uuid4().hex, "message": f"after the stall {n}"}, {})
    time.sleep(1)


if __name__ == "__main__":
    main()
