"""The ``before_send`` hook: hand the event to the writer's queue, without I/O in the calling thread.

The SDK passes ``before_send`` its serializer's output, a fresh copy of the event. When the SDK
will not send it (``send=False``) nothing else holds that copy, so the hook queues the dict as
is; when the SDK goes on using it (``send=True``) or an ``event_callback`` may keep or change
it, the hook snapshots it as JSON first."""

import logging

from sentry_sdk.integrations.logging import ignore_logger

from ..processing import codec, received
from . import writer

logger = logging.getLogger("minisentry")


def store(send: bool = False, event_callback=None, hint_callback=None, ignore_errors=(), project: str | None = None):
    """A ``before_send`` callable that stores every event locally.

    ``send=True`` returns the event so the SDK also sends it to its DSN; otherwise the SDK sends
    nothing. ``event_callback(event)`` and ``hint_callback(hint)`` are called for each stored
    event; their exceptions (``SystemExit`` included) are logged and swallowed. ``ignore_errors``
    lists exception classes (or their dotted names) whose events are not stored. ``project`` is the
    slug of the project the events belong to (created when first used); by default, the site's
    own project (``minisentry.models.DEFAULT_PROJECT``). Called by hand,
    the hook takes the event dict over: do not change it afterwards.
    """
    # Our own log records must never come back to us as events.
    ignore_logger("minisentry")
    ignore_logger("minisentry.*")
    ignored = _exception_matcher(ignore_errors)

    def before_send(event, hint):
        result = event if send else None
        try:
            if not isinstance(event, dict):
                logger.warning("minisentry: ignored a %s passed as an event", type(event).__name__)
                return result
            if ignored(hint):
                return result
            payload = codec.dumps(event) if send or event_callback or project else event
            if project:
                payload = received.wrap(payload, {"project": str(project)})
            _call(event_callback, event)
            _call(hint_callback, hint)
            writer.enqueue(payload)
        except BaseException:  # SystemExit from a value's __repr__ too: never the application's
            writer.count_dropped(1, "capturing it raised an exception")
            logger.exception("minisentry: could not capture an event")
        return result

    return before_send


def _call(callback, argument) -> None:
    if callback is None:
        return
    try:
        callback(argument)
    except BaseException:  # a callback's SystemExit too
        logger.exception("minisentry: %r raised", callback)


def _exception_matcher(ignore_errors):
    """A predicate on the hint: is its exception one of ``ignore_errors`` (classes or dotted names)?"""
    classes = tuple(e for e in ignore_errors if isinstance(e, type))
    names = frozenset(e for e in ignore_errors if isinstance(e, str))

    def matches(hint) -> bool:
        exc_info = hint.get("exc_info") if isinstance(hint, dict) else None
        kind = exc_info[0] if isinstance(exc_info, tuple) and exc_info else None
        if not isinstance(kind, type):
            return False
        if classes and issubclass(kind, classes):
            return True
        return any(f"{c.__module__}.{c.__qualname__}" in names or c.__name__ in names for c in kind.__mro__)

    return matches
