"""Whatever a public endpoint hands the writer, ``prepare`` gives an EventRecord or raises ValueError:
arbitrary bytes, arbitrary JSON trees, and real events with any part replaced by any JSON value."""

import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minisentry.processing import codec
from minisentry.processing.normalize.event import KNOWN
from minisentry.processing.prepare import EventRecord, prepare
from minisentry.processing.received import wrap

from ..browse import platform_events
from ..uihelpers import exception_event, message_event

FUZZ = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
# Keys the protocol gives meaning to at any level, so that random trees reach the rules reading them.
PROTOCOL_KEYS = ["values", "frames", "stacktrace", "type", "value", "data", "message", "formatted", "params",
                 "timestamp", "ip_address", "env", "REMOTE_ADDR", "settings", "infer_ip", "in_app", "vars",
                 "mechanism", "handled", "url", "headers", "cookies", "query_string", "id", "name", "_meta", "",
                 "rem", "len", "err", "0", "1"]
scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=2**63) | st.floats(allow_nan=False)
           | st.text(max_size=40) | st.sampled_from(["{{auto}}", "error", "javascript", "2026-12-01T12:00:00Z"]))
keys = st.text(max_size=12) | st.sampled_from(PROTOCOL_KEYS)
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=6) | st.dictionaries(keys, inner, max_size=6), max_leaves=40)
events = st.dictionaries(st.sampled_from(sorted(KNOWN)) | keys, json_values, max_size=14)
REAL = [exception_event(), message_event("tea"), platform_events.javascript_event(), platform_events.java_event(),
        platform_events.csp_event()]


def meta(**given) -> dict:
    return {"project": 1, "received": time.time(), "client_ip": "203.0.113.7", "item": "event", "untrusted": True,
            **given}


def outcome(data: bytes, **given):
    """What prepare makes of ``data`` from the endpoint: its record, or the ValueError; anything else fails."""
    try:
        record = prepare(wrap(data, meta(**given)))
    except ValueError as error:
        return error
    assert isinstance(record, EventRecord)
    stored = codec.loads(record.payload)
    assert isinstance(stored, dict) and stored["event_id"] == record.event_id and record.title
    return record


@FUZZ
@given(st.binary(max_size=2000))
def test_any_bytes_are_an_event_or_a_value_error(data):
    outcome(data)


@FUZZ
@given(json_values)
def test_any_json_is_an_event_or_a_value_error(value):
    result = outcome(json.dumps(value).encode())
    assert isinstance(result, EventRecord) == isinstance(value, dict)


@FUZZ
@given(events, st.sampled_from(["event", "security"]), st.booleans())
def test_any_object_with_the_protocols_keys_is_stored(event, item, store_ip):
    from django.test import override_settings

    with override_settings(MINISENTRY_INGEST_STORE_IP=store_ip):
        assert isinstance(outcome(json.dumps(event).encode(), item=item), EventRecord)


@FUZZ
@given(st.sampled_from(REAL), st.data())
def test_a_real_event_with_any_part_replaced_is_stored(event, data):
    event = json.loads(json.dumps(event))
    holder = event
    for _ in range(data.draw(st.integers(0, 4))):  # walk down into the event
        children = [k for k, v in (holder.items() if isinstance(holder, dict) else enumerate(holder))
                    if isinstance(v, (dict, list)) and v]
        if not children:
            break
        holder = holder[data.draw(st.sampled_from(children))]
    slots = list(holder) if isinstance(holder, dict) else list(range(len(holder)))
    if slots:
        holder[data.draw(st.sampled_from(slots))] = data.draw(json_values)
    assert isinstance(outcome(json.dumps(event).encode()), EventRecord)


def test_deep_nesting_is_cut_and_nesting_past_the_parsers_limit_a_value_error():
    record = outcome(b'{"extra": {"a": ' + b"[" * 1000 + b"]" * 1000 + b"}}")
    value = codec.loads(record.payload)["extra"]["a"]
    for _ in range(5):  # extra is 7 levels deep: itself, its key's value, 5 lists; the rest as text
        [value] = value
    assert isinstance(value, str) and value.startswith("[[[[")
    assert isinstance(outcome(b'{"extra": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"), ValueError)


QUARTER_MB = 1 << 18
HOSTILE_SHAPES = {
    "unknown keys": ({f"x{i}": i for i in range(QUARTER_MB // 10)}, 100_000),
    "bad tags": ({"tags": [[i, i] for i in range(QUARTER_MB // 8)]}, QUARTER_MB),  # nulls, 1,000 notes
    "breadcrumbs": ({"breadcrumbs": [{"message": "m", "data": {"a": 1}} for _ in range(QUARTER_MB // 30)]}, 10_000),
    "frames": ({"exception": [{"type": "E", "stacktrace": {"frames": [{"vars": {"a": 1}}] * (QUARTER_MB // 20)}}]},
               30_000),
    "extra": ({"extra": {f"k{i}": "v" * 10 for i in range(QUARTER_MB // 16)}}, 300_000),
}


@pytest.mark.parametrize("shape", HOSTILE_SHAPES)
def test_a_hostile_shape_is_stored_within_bounds(shape):
    event, most = HOSTILE_SHAPES[shape]
    record = outcome(codec.dumps(event))
    assert len(record.payload) < most
