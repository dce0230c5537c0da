"""Blob keys, the stores' vocabulary: built only from validated data — a 32-hex event id or a
random segment name, and a UTC date; a zstd dictionary's from its numeric id. A store refuses
any other key (:func:`check_key`)."""

import re
import secrets
from datetime import UTC, datetime

from ..fields import EVENT_ID_RE

EVENT_KEY_RE = re.compile(r"[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9a-f]{2}/[0-9a-f]{32}")
SEGMENT_KEY_RE = re.compile(r"segments/[0-9]{4}/[0-9]{2}/[0-9]{2}/[0-9a-f]{32}")
BLOB_KEY_RE = re.compile(f"{EVENT_KEY_RE.pattern}|{SEGMENT_KEY_RE.pattern}")  # what a store may hold
DICTIONARY_PREFIX = "dictionaries/"
DICTIONARY_KEY_RE = re.compile(re.escape(DICTIONARY_PREFIX) + "[0-9a-f]{8}")


def blob_key(event_id: str, timestamp: datetime) -> str:
    """``YYYY/MM/DD/ab/<event_id>``; raises ValueError for anything but 32 lowercase hex."""
    if not isinstance(event_id, str) or not EVENT_ID_RE.fullmatch(event_id):
        raise ValueError(f"invalid event id {event_id!r}")
    day = timestamp.astimezone(UTC)
    return f"{day:%Y/%m/%d}/{event_id[:2]}/{event_id}"


def dictionary_key(dict_id: int) -> str:
    """``dictionaries/<id as 8 hex>``; raises ValueError unless ``dict_id`` is a 32-bit id above 0."""
    if not isinstance(dict_id, int) or isinstance(dict_id, bool) or not 0 < dict_id < 2**32:
        raise ValueError(f"invalid dictionary id {dict_id!r}")
    return f"{DICTIONARY_PREFIX}{dict_id:08x}"


def segment_key(moment: datetime) -> str:
    """``segments/YYYY/MM/DD/<32 hex>``: a new segment's key, written at ``moment``: its UTC date,
    then its Unix time in 8 hex digits and 24 random ones."""
    return f"segments/{moment.astimezone(UTC):%Y/%m/%d}/{int(moment.timestamp()):08x}{secrets.token_hex(12)}"


def segment_written(key: str) -> datetime:
    """When the segment of ``key`` was written (to the second), from the key itself."""
    if not SEGMENT_KEY_RE.fullmatch(key):
        raise ValueError(f"invalid segment key {key!r}")
    return datetime.fromtimestamp(int(key[-32:-24], 16), UTC)


def check_key(key: str) -> str:
    """Return ``key`` if it has a shape :func:`blob_key`, :func:`segment_key` or :func:`dictionary_key`
    makes, else raise ValueError."""
    if not isinstance(key, str) or not (BLOB_KEY_RE.fullmatch(key) or DICTIONARY_KEY_RE.fullmatch(key)):
        raise ValueError(f"invalid blob key {key!r}")
    return key
