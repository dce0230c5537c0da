"""Another service reporting to the site, as a subprocess: ``python -m tests.ingest.service DSN``
sends, through sentry-sdk's own transport, an exception and a message to the DSN;
``python -m tests.ingest.service hook`` captures the same two through ``minisentry.store()``
in the test database (to compare how both are titled and grouped)."""

import sys

import sentry_sdk


def total_of(cart: list[dict]) -> int:
    return sum(line["price"] * line["qty"] for line in cart)


def report() -> None:
    try:
        total_of([{"price": 3, "qty": 1}, {"qty": 2}])
    except KeyError:
        sentry_sdk.capture_exception()
    sentry_sdk.capture_message("nightly export found %d stale orders" % 3, level="warning")


def main() -> None:
    target = sys.argv[1]
    if target == "hook":
        import django

        django.setup()
        import minisentry

        sentry_sdk.init(before_send=minisentry.store(), release="export@1.0")
        report()
        assert minisentry.flush(30)
    else:
        sentry_sdk.init(dsn=target, release="export@1.0")
        report()
        sentry_sdk.flush(30)


if __name__ == "__main__":
    main()
