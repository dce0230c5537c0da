"""prepare() on a payload from the ingest endpoint: normalized, then scrubbed, then grouped and
indexed; the site's own hook's events are not normalized at all."""

import time
import uuid

import pytest

from minisentry.processing import codec, normalize
from minisentry.processing.prepare import prepare
from minisentry.processing.received import wrap

from ..uihelpers import exception_event


def from_endpoint(event: dict, **meta):
    meta = {"project": 1, "received": time.time(), "client_ip": "203.0.113.7", "item": "event", "untrusted": True,
            **meta}
    record = prepare(wrap(codec.dumps(event), meta))
    return record, codec.loads(record.payload)


HOSTILE = {"level": "LOUD", "platform": "cobol", "event_id": "x", "my_key": 1, "message": "m" * 9000,
           "tags": {"shop": "s" * 300}, "timestamp": time.time() + 7 * 86_400}


def test_a_received_event_is_normalized_before_it_is_indexed():
    record, stored = from_endpoint(HOSTILE)
    assert record.level == "error" and record.platform == "other"
    assert len(record.event_id) == 32 and stored["event_id"] == record.event_id
    assert abs(record.timestamp.timestamp() - time.time()) < 60
    assert ("shop", "s" * 197 + "...") in record.tags
    assert "my_key" not in stored and stored["logentry"]["formatted"].endswith("...")
    assert stored["_meta"]["platform"] == {"": {"err": [["invalid_data", {"reason": "not a platform"}]]}}


def test_scrubbing_runs_on_the_normalized_event():
    event = {"message": "checkout", "extra": {"password": "p" * 20_000}, "tags": {"api_token": 12345}}
    record, stored = from_endpoint(event)
    assert stored["extra"]["password"] == "[Filtered]" and stored["tags"] == [["api_token", "[Filtered]"]]
    assert stored["_meta"]["extra"]["password"][""]["rem"] == [["!limit", "s", 16381, 16384],
                                                               ["@password:filter", "s"]]
    assert ("api_token", "[Filtered]") in record.tags


def test_a_received_event_is_grouped_as_the_same_event_from_the_hook():
    event = exception_event()
    assert from_endpoint(event)[0].hashes == prepare(exception_event()).hashes


def test_the_hooks_events_are_stored_as_given(monkeypatch):
    monkeypatch.setattr(normalize, "normalize", lambda *args: pytest.fail("normalized a trusted event"))
    event = {**HOSTILE, "event_id": uuid.uuid4().hex}
    for payload in (dict(event), codec.dumps(event)):
        record = prepare(payload)
        assert codec.loads(record.payload) == codec.loads(codec.dumps(event))
        assert record.platform == "cobol"


@pytest.mark.parametrize("untrusted", [False, None])
def test_a_wrapped_payload_not_marked_untrusted_is_not_normalized(untrusted):
    record, stored = from_endpoint({"message": "tea", "my_key": 1}, untrusted=untrusted)
    assert stored["my_key"] == 1 and "_meta" not in stored


def test_every_golden_event_from_the_endpoint_is_titled_and_grouped_as_from_the_hook():
    from .test_prepare_once import golden

    for event in golden():
        hooked, (received_record, _) = prepare(dict(event)), from_endpoint(event)
        same = ("hashes", "title", "culprit", "message", "level", "grouped_by", "transaction", "release")
        assert {k: getattr(received_record, k) for k in same} == {k: getattr(hooked, k) for k in same}, event
