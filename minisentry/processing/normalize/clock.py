"""An event's times against the server's clock, as Relay's ``normalize_timestamps`` and
``ClockDriftProcessor`` treat them: a timestamp more than a minute ahead of the time the event
was received (``future_timestamp``) or older than the retention (``past_timestamp``; Relay's 30
days when there is none) is taken for a clock that drifted. The event is dated when it was received,
and its other times (``start_timestamp``, the breadcrumbs') move by the same drift; the error on
``timestamp`` in ``_meta`` keeps the time the SDK gave.
"""

import time
from datetime import UTC, datetime, timedelta

from ... import conf
from ...fields import parse_time
from .notes import Notes

MAX_SECS_IN_FUTURE = 60  # Relay's defaults
MAX_SECS_IN_PAST = 30 * 86_400


def received_at(meta: dict) -> datetime:
    """When the endpoint received the event (``meta["received"]``, epoch seconds), else now."""
    given = meta.get("received")
    if isinstance(given, (int, float)) and not isinstance(given, bool):
        found = parse_time(given)
        if found is not None:
            return found
    return datetime.now(UTC)


def oldest(received: datetime) -> datetime:
    """The oldest time kept: the retention's, else Relay's 30 days, before ``received``."""
    retention = conf.get("RETENTION")
    days = retention.get("max_age_days") if isinstance(retention, dict) else None
    try:
        return received - (timedelta(days=days) if days else timedelta(seconds=MAX_SECS_IN_PAST))
    except OverflowError:  # a retention of millennia
        return datetime.min.replace(tzinfo=UTC)


def normalize_times(event: dict, received: datetime, notes: Notes) -> None:
    """Validate and correct ``timestamp`` and ``start_timestamp`` (in place); set ``received``."""
    given = {key: parsed(event, key, notes) for key in ("timestamp", "start_timestamp")}
    stamp = given["timestamp"]
    kind = None
    if stamp is not None and stamp > received + timedelta(seconds=MAX_SECS_IN_FUTURE):
        kind = "future_timestamp"
    elif stamp is not None and stamp < oldest(received):
        kind = "past_timestamp"
    if kind:
        drift = received - stamp
        for key, value in given.items():
            if value is not None:
                event[key] = moved(value, drift)
        shift_breadcrumbs(event, drift)
        notes.error(("timestamp",), kind, sdk_time=stamp.isoformat(), server_time=received.isoformat())
    elif stamp is None:
        event["timestamp"] = received.timestamp()
    event["received"] = received.timestamp()


def parsed(event: dict, key: str, notes: Notes) -> datetime | None:
    """The time at ``key``; a value that is none (or out of range) is removed and noted."""
    if event.get(key) is None:
        event.pop(key, None)
        return None
    found = parse_time(event[key])
    if found is None:
        del event[key]
        notes.error((key,), "invalid_data", "not a timestamp")
    return found


def moved(value: datetime, drift: timedelta) -> float:
    try:
        return (value + drift).timestamp()
    except OverflowError:
        return time.time()


def shift_breadcrumbs(event: dict, drift: timedelta) -> None:
    crumbs = event.get("breadcrumbs")
    values = crumbs.get("values") if isinstance(crumbs, dict) else None
    for crumb in values if isinstance(values, list) else ():
        if isinstance(crumb, dict) and (at := parse_time(crumb.get("timestamp"))) is not None:
            crumb["timestamp"] = moved(at, drift)
