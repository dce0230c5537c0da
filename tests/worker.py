"""A separate process capturing real exceptions, as a web worker would.

``python -m tests.worker --events N [--sites K] [--messages] [--no-flush] [--users U --first-user F]``:
raises N exceptions from K code sites (or captures messages) through sentry-sdk with
``before_send=minisentry.store()``, event n as user ``user-{F + n % U}`` when ``--users`` is given,
then prints a JSON line: events dropped and sampled out, whether flush succeeded, peak RSS.
"""

import argparse
import json
import sys

import django


def site_0(n): raise ValueError(f"site 0, event {n}")  # noqa: E704
def site_1(n): raise KeyError(f"site 1, event {n}")  # noqa: E704
def site_2(n): raise TypeError(f"site 2, event {n}")  # noqa: E704
def site_3(n): raise RuntimeError(f"site 3, event {n}")  # noqa: E704
def site_4(n): raise LookupError(f"site 4, event {n}")  # noqa: E704
def site_5(n): raise OSError(f"site 5, event {n}")  # noqa: E704
def site_6(n): raise ArithmeticError(f"site 6, event {n}")  # noqa: E704
def site_7(n): raise AttributeError(f"site 7, event {n}")  # noqa: E704
def site_8(n): raise NameError(f"site 8, event {n}")  # noqa: E704
def site_9(n): raise IndexError(f"site 9, event {n}")  # noqa: E704


SITES = [site_0, site_1, site_2, site_3, site_4, site_5, site_6, site_7, site_8, site_9]


def peak_rss_kb() -> int:
    """This process's own peak resident memory (``ru_maxrss`` would include the parent's)."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--sites", type=int, default=10)
    parser.add_argument("--no-flush", action="store_true", help="exit without flushing (atexit must)")
    parser.add_argument("--messages", action="store_true", help="capture messages, not exceptions")
    parser.add_argument("--users", type=int, help="set the user of event n to user-{first_user + n % users}")
    parser.add_argument("--first-user", type=int, default=0)
    args = parser.parse_args()

    django.setup()
    import sentry_sdk

    import minisentry

    sentry_sdk.init(before_send=minisentry.store())
    for n in range(args.events):
        if args.users:
            sentry_sdk.set_user({"id": f"user-{args.first_user + n % args.users}"})
        if args.messages:
            sentry_sdk.capture_message(f"burst message {n % args.sites}, number {n}", level="warning")
            continue
        try:
            SITES[n % args.sites](n)
        except Exception:
            sentry_sdk.capture_exception()
    result = {"dropped": minisentry.stats()["dropped"]}
    if not args.no_flush:
        result["flushed"] = minisentry.flush(120)
    result["sampled_out"] = minisentry.stats()["sampled_out"]
    result["max_rss_kb"] = peak_rss_kb()
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
