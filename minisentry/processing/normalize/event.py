"""Normalize an event received from outside the site before it is grouped, scrubbed and stored,
as Relay does for sentry.io (``relay-event-normalization``): see :func:`normalize`."""

import uuid

from ...fields import Level
from ...fields import event_id as given_event_id
from .clock import normalize_times, received_at
from .interfaces import (
    breadcrumbs,
    contexts,
    exceptions,
    extra,
    logentry,
    modules_and_sdk,
    request,
    user,
)
from .ip import client_ip
from .notes import Notes
from .tags import fingerprint, tags
from .trimming import cap_depth
from .values import level, mapping, string

# Relay's ``Event`` fields (and ``message``, its legacy alias of ``logentry``); others are removed.
KNOWN = frozenset({
    "event_id", "level", "version", "type", "fingerprint", "culprit", "transaction", "transaction_info",
    "time_spent", "logentry", "message", "logger", "modules", "platform", "timestamp", "start_timestamp",
    "received", "server_name", "release", "dist", "environment", "site", "user", "request", "contexts",
    "breadcrumbs", "exception", "stacktrace", "template", "threads", "tags", "extra", "debug_meta", "sdk",
    "errors", "checksum", "csp", "hpkp", "expectct", "expectstaple", "spans", "measurements",
    "breakdowns", "_meta",
})
# Relay's VALID_PLATFORMS; any other platform is "other".
PLATFORMS = frozenset({
    "as3", "c", "cfml", "cocoa", "csharp", "elixir", "go", "groovy", "haskell", "java", "javascript",
    "native", "node", "objc", "other", "perl", "php", "python", "ruby",
})
# field: (max_chars, allowance, lenient: a number becomes its text)
TEXT_FIELDS = {
    "culprit": (200, 0, False), "transaction": (200, 0, False), "logger": (64, 0, False),
    "server_name": (256, 20, False), "release": (200, 0, True), "dist": (64, 0, True),
    "environment": (64, 0, False), "site": (256, 20, False), "checksum": (128, 0, False),
    "type": (128, 0, False), "version": (128, 0, False),
}
OBJECTS = ("debug_meta", "template", "csp", "hpkp", "expectct", "expectstaple", "measurements",
           "breakdowns", "transaction_info")
MAX_META_DEPTH = 40  # of the SDK's own ``_meta`` (its paths follow the event's)
BAGGED = frozenset({"extra", "contexts", "modules", "user", "tags", "fingerprint"})  # bounded by their rules


def normalize(event: dict, meta: dict) -> dict:
    """``event`` (parsed JSON, modern keys) made safe to group and store, in place: every value of
    the wrong type removed, ids, times, levels and platforms checked, strings and data bags cut to
    Relay's limits, the client's address set where the SDK asks and the site allows; every change
    noted in ``_meta``. ``meta`` is what the endpoint knew (see ``received``). Never raises."""
    given = event.get("_meta")
    own = given if isinstance(given, dict) else {}
    cap_depth(own, None, MAX_META_DEPTH)
    notes = Notes(own)
    for key in [k for k in event if k not in KNOWN]:
        del event[key]
        notes.error((key,), "invalid_attribute")
    identify(event, notes)
    normalize_times(event, received_at(meta), notes)
    level_and_platform(event, notes)
    tags(event, notes)  # first: an environment tag may give the environment
    for key, (limit, allowance, lenient) in TEXT_FIELDS.items():
        string(event, key, limit, notes, (), allowance, lenient=lenient)
    for key in OBJECTS:
        mapping(event, key, notes, ())
    logentry(event, notes)
    exceptions(event, notes)
    breadcrumbs(event, notes)
    request(event, notes)
    contexts(event, notes)
    extra(event, notes)
    user(event, notes)
    modules_and_sdk(event, notes)
    fingerprint(event, notes)
    client_ip(event, meta, notes)
    cap_depth(event, notes, bounded=BAGGED)
    if own:
        event["_meta"] = own
    else:
        event.pop("_meta", None)
    return event


def identify(event: dict, notes: Notes) -> None:
    """The event's id as 32 lowercase hex; a missing one made, a malformed one replaced (noted)."""
    given = event.get("event_id")
    found = given_event_id(given)
    if found is None and given is not None:
        notes.error(("event_id",), "invalid_data", "not a UUID")
    event["event_id"] = found or uuid.uuid4().hex


def level_and_platform(event: dict, notes: Notes) -> None:
    given = event.get("level")
    found = level(given)
    if given is not None and found is None:
        notes.error(("level",), "invalid_data", "not a level")
    event["level"] = found or Level.ERROR.value
    platform = event.get("platform")
    valid = isinstance(platform, str) and platform in PLATFORMS
    if platform is not None and not valid:
        notes.error(("platform",), "invalid_data", "not a platform")
    event["platform"] = platform if valid else "other"
