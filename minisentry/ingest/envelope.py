"""Sentry envelopes (Relay's ``envelope.rs``): a header line (JSON), then items, each a header
line (JSON with a ``type`` and an optional ``length``) and a payload of ``length`` bytes, or up to
the next newline. Items that make events (``event``, ``security``) are kept, as bytes: the writer
parses them; every other item is passed over as it streams in, and only its type is kept."""

from dataclasses import dataclass, field

import orjson

from .body import Body
from .errors import bad, too_large

MAX_HEADER = 64 * 1024  # bytes of a header line (Relay keeps headers small too)
STORED = frozenset({"event", "security"})
# Item types counted when passed over (Relay's); any other type is counted as "unknown".
KNOWN = frozenset({
    "transaction", "span", "session", "sessions", "client_report", "check_in", "attachment", "user_report",
    "feedback", "log", "otel_log", "profile", "profile_chunk", "replay_event", "replay_recording", "replay_video",
    "statsd", "metric_buckets", "form_data", "raw_security", "nel", "trace_metric", "unreal_report",
})


@dataclass
class Envelope:
    header: dict
    items: list[tuple[str, bytes]] = field(default_factory=list)  # (type, payload) of stored items
    passed: list[str] = field(default_factory=list)  # types of the items passed over


def header_line(body: Body, what: str) -> dict | None:
    """The next header line as a JSON object; None at the end of the body."""
    line = body.line(MAX_HEADER, what)
    if line is None:
        return None
    try:
        header = orjson.loads(line) if line.strip() else {}
    except orjson.JSONDecodeError:
        raise bad(f"{what} is not JSON") from None
    if not isinstance(header, dict):
        raise bad(f"{what} is not a JSON object")
    return header


def parse(body: Body, max_item: int) -> Envelope:
    """The envelope read from ``body``: a stored item over ``max_item`` bytes is a 413."""
    header = header_line(body, "the envelope header")
    if header is None:
        raise bad("empty request body")
    envelope = Envelope(header)
    while True:
        if not body.at_end() and body.buffer[:1] == b"\n":  # a blank line between items
            body.line(0, "a blank line")
            continue
        item = header_line(body, "an item header")
        if item is None:
            return envelope
        kind, length = item.get("type"), item.get("length")
        if not isinstance(kind, str) or not kind:
            raise bad("an item header has no type")
        if length is not None and (not isinstance(length, int) or isinstance(length, bool) or length < 0):
            raise bad("an item header's length is not a non-negative integer")
        if kind in STORED:
            envelope.items.append((kind, _payload(body, length, max_item, kind)))
        else:
            _pass_over(body, length)
            envelope.passed.append(kind if kind in KNOWN else "unknown")


def _payload(body: Body, length: int | None, most: int, kind: str) -> bytes:
    what = f"the {kind} item"
    if length is None:
        return body.line(most, what) or b""
    if length > most:
        raise too_large(f"{what} ({length} bytes) is over the limit of {most} bytes")
    data = body.exactly(length)
    _end_of_item(body)
    return data


def _pass_over(body: Body, length: int | None) -> None:
    if length is None:
        body.skip_line()
    else:
        body.skip(length)
        _end_of_item(body)


def _end_of_item(body: Body) -> None:
    """After a payload of known length: a newline, or the end of the body."""
    if not body.at_end():
        if body.buffer[:1] != b"\n":
            raise bad("an item's payload is longer than its length says")
        del body.buffer[:1]
