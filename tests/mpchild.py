"""``multiprocessing`` children capturing exceptions and returning without a flush.

``python -m tests.mpchild METHOD KIND``: with start method METHOD (fork, forkserver, spawn), a
``Process`` (KIND ``process``) or a ``Pool`` of two (``pool``: ``map`` + ``close`` + ``join``)
captures 20 exceptions through sentry-sdk and returns (KIND ``terminated``: a ``Pool`` left by
its ``with`` block, which terminates its workers); the parent captures nothing, waits for
the children and prints a JSON line with their exit codes. Each child must have stored its
events before ending (fork and forkserver children end with ``os._exit``: no ``atexit``).
"""

import json
import multiprocessing
import sys

import django

EVENTS = 20


def setup() -> None:
    """Django and sentry-sdk in this process (a spawned child starts with neither)."""
    from django.apps import apps

    if not apps.ready:
        django.setup()
    import sentry_sdk

    if not sentry_sdk.get_client().is_active():
        import minisentry

        sentry_sdk.init(before_send=minisentry.store())


def capture(n: int) -> int:
    import sentry_sdk

    setup()
    try:
        raise ValueError(f"multiprocessing child, event {n}")
    except ValueError:
        sentry_sdk.capture_exception()
    return n


def capture_all() -> None:
    for n in range(EVENTS):
        capture(n)


def main() -> None:
    method, kind = sys.argv[1], sys.argv[2]
    setup()
    context = multiprocessing.get_context(method)
    if kind == "process":
        child = context.Process(target=capture_all)
        child.start()
        child.join(120)
        codes = [child.exitcode]
    elif kind == "pool":
        pool = context.Pool(2)
        assert pool.map(capture, range(EVENTS), chunksize=1) == list(range(EVENTS))
        pool.close()
        pool.join()
        codes = []
    else:  # "terminated": leaving the with block terminates the workers (SIGTERM) at once
        with context.Pool(2) as pool:
            assert pool.map(capture, range(EVENTS), chunksize=1) == list(range(EVENTS))
        codes = []
    print(json.dumps({"exitcodes": codes}), flush=True)


if __name__ == "__main__":
    main()
