"""Payloads received from outside the process (the ingest endpoint, or the hook naming a project):
the event's bytes behind one line of metadata, so that the writer's queue and the spool carry both
as one ``bytes`` value and the event JSON is parsed once, on the writer.

Metadata keys: ``project`` (a project's id, or a slug from the hook), ``received`` (epoch seconds at
the endpoint), ``client_ip`` (the request's address, or None), ``item`` (``"event"`` or
``"security"``), ``untrusted`` (True for what the endpoint received)."""

import orjson

MAGIC = b"\x00minisentry-received:1 "


def wrap(event: bytes, meta: dict) -> bytes:
    """``event`` (JSON bytes) behind its metadata line."""
    return MAGIC + orjson.dumps(meta) + b"\n" + event


def unwrap(payload: bytes | dict) -> tuple[bytes | dict, dict | None]:
    """The event and its metadata; a payload that is not wrapped comes back with None.
    Raises ValueError for a wrapped payload whose metadata line is not a JSON object."""
    if not isinstance(payload, bytes | bytearray | memoryview) or not payload[:len(MAGIC)] == MAGIC:
        return payload, None
    payload = bytes(payload)
    end = payload.find(b"\n", len(MAGIC))
    if end < 0:
        raise ValueError("a received payload without its event")
    try:
        meta = orjson.loads(payload[len(MAGIC):end])
    except orjson.JSONDecodeError as exc:
        raise ValueError(f"a received payload's metadata is not JSON: {exc}") from None
    if not isinstance(meta, dict):
        raise ValueError("a received payload's metadata is not an object")
    return payload[end + 1:], meta
