"""Blob keys: built only from a validated 32-hex event id and a UTC date."""

import re
from datetime import UTC, datetime

EVENT_ID_RE = re.compile(r"[0-9a-f]{32}")
BLOB_KEY_RE = re.compile(r"[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9a-f]{2}/[0-9a-f]{32}")


def blob_key(event_id: str, timestamp: datetime) -> str:
    """``YYYY/MM/DD/ab/<event_id>``; raises ValueError for anything but 32 lowercase hex."""
    if not isinstance(event_id, str) or not EVENT_ID_RE.fullmatch(event_id):
        raise ValueError(f"invalid event id {event_id!r}")
    day = timestamp.astimezone(UTC)
    return f"{day:%Y/%m/%d}/{event_id[:2]}/{event_id}"


def check_key(key: str) -> str:
    """Return ``key`` if it has the shape :func:`blob_key` makes, else raise ValueError."""
    if not isinstance(key, str) or not BLOB_KEY_RE.fullmatch(key):
        raise ValueError(f"invalid blob key {key!r}")
    return key
