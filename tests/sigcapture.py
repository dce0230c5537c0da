"""A SIGALRM handler capturing events while the main thread captures.

``python -m tests.sigcapture INTERVAL_MS N``: an interval timer fires every INTERVAL_MS; its
handler passes an event to the ``before_send`` hook (N times) while the main thread passes events
to it, back to back, until the handler is done (with a small queue most are counted as dropped:
the hook's locked section runs all the time); then the timer stops, the writer is flushed, and a
JSON line tells how many events each handed over. (The hook is called as sentry-sdk calls it; the SDK itself skips a
capture made while it is busy with another in the same thread, before the hook sees it.)"""

import json
import signal
import sys
import uuid

import django


def event(label: str) -> dict:
    return {"event_id": uuid.uuid4().hex, "message": label, "level": "error"}


def main() -> None:
    interval, n = float(sys.argv[1]) / 1000, int(sys.argv[2])
    django.setup()
    import minisentry

    hook = minisentry.store()
    handled = 0

    def on_alarm(signum, frame):
        nonlocal handled
        if handled < n:
            handled += 1
            hook(event(f"from the signal handler {handled}"), {})

    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, interval, interval)
    main_thread = 0
    while handled < n:
        main_thread += 1
        hook(event(f"from the main thread {main_thread}"), {})
    signal.setitimer(signal.ITIMER_REAL, 0)
    flushed = minisentry.flush(60)
    print(json.dumps({"main": main_thread, "handler": handled, "flushed": flushed, **minisentry.stats()}), flush=True)


if __name__ == "__main__":
    main()
