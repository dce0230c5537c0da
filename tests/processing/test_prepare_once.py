"""A dict handed over by the hook is serialized once and read as it is; the record is always the one its
JSON gives (hashes, title, culprit, tags, user, stored bytes), however odd the values a hand-made dict holds."""

import copy
import decimal
import enum
import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from minisentry.processing import codec, dictionaries, prescan
from minisentry.processing.prepare import prepare

from ..browse import platform_events
from ..uihelpers import exception_event, message_event
from .test_scrubbing import secret_event

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "grouping" / "inputs"
STAMP = "2026-11-30T12:00:00+00:00"


def golden() -> list[dict]:
    events = [exception_event(), message_event("tea"), secret_event(), platform_events.java_event(),
              platform_events.javascript_event(), platform_events.cocoa_event(), platform_events.csp_event(),
              platform_events.legacy_template_event()]
    events += [json.loads(p.read_text()) for p in sorted(CORPUS.glob("*.json"))] if CORPUS.is_dir() else []
    for event in events:
        event.setdefault("event_id", uuid.uuid4().hex)
        event.setdefault("timestamp", STAMP)
    return events


def fields(record) -> dict:
    blob = dictionaries.decompress(record.blob, None, len(record.payload))
    return {**vars(record), "payload": codec.loads(record.payload), "blob": codec.loads(blob)}


@pytest.mark.parametrize("keep", [None, lambda primary_hash: True])
def test_a_dict_gives_the_record_its_json_gives(keep):
    for event in golden():
        as_bytes = prepare(codec.dumps(event), keep)
        assert fields(prepare(copy.deepcopy(event), keep)) == fields(as_bytes)


def test_a_plain_dict_is_not_parsed_back(monkeypatch):
    event = exception_event()
    payload = codec.dumps(event)
    monkeypatch.setattr(codec, "loads", lambda data: pytest.fail("parsed back"))
    record = prepare(event)
    assert record.payload == payload and record.title == "ValueError: cart total is not a number"


class Color(enum.Enum):
    RED = "red"


class Text(str):
    def __str__(self):
        return "not what JSON holds"


class Mapping(dict):
    def get(self, key, default=None):
        return "not what JSON holds"


shared = {"type": "ValueError", "value": "shared"}
cyclic: dict = {"note": "a cycle"}
cyclic["self"] = cyclic
HOSTILE = {
    "tuple": {"exception": {"values": ({"type": "ValueError", "value": "in a tuple"},)}, "tags": (("plan", "pro"),)},
    "uuid": {"message": uuid.UUID(int=7), "tags": {"order": uuid.UUID(int=8)}},
    "datetime": {"message": "dated", "timestamp": datetime(2026, 11, 30, tzinfo=UTC),
                 "extra": {"at": datetime(2026, 1, 1)}},
    "decimal-set": {"message": "odd", "extra": {"price": decimal.Decimal("1.10"), "tags": {"a", "b"}}},
    "enum": {"level": Color.RED, "message": Color.RED},
    "non-str-keys": {"message": "keys", "tags": {1: "one", None: "none", "1": "string one"}},
    "str-subclass": {"message": Text("subclassed"), "exception": {"values": [{"type": Text("E"), "value": Text("v")}]}},
    "dict-subclass": {"exception": {"values": [Mapping(type="E", value="v")]}, "user": Mapping(id="7")},
    "nan": {"message": "nan", "extra": {"ratio": float("nan"), "big": float("inf")}, "tags": {"n": float("-inf")}},
    "surrogates": {"message": "lone \ud800 surrogate", "tags": {"k\udfff": "v"}},
    "shared": {"exception": {"values": [shared, shared]}, "extra": {"a": {"password": "p1"}, "b": None}},
    "cycle": {"message": "cyclic", "extra": cyclic},
    "huge-int": {"message": "big", "extra": {"n": 2**70}, "tags": {"n": 2**65}},
    "deep": {"message": "deep", "extra": json.loads("[" * 300 + "]" * 300)},
    "bytes": {"message": b"bytes", "extra": {"b": bytearray(b"x")}},
}
HOSTILE["shared"]["extra"]["b"] = HOSTILE["shared"]["extra"]["a"]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_dict_gives_the_record_its_json_gives(name):
    event = {"event_id": uuid.uuid4().hex, "timestamp": STAMP, **HOSTILE[name]}
    payload = codec.dumps(event)
    from_bytes, from_dict = prepare(payload), prepare(event)
    assert fields(from_dict) == fields(from_bytes) and from_dict.payload == from_bytes.payload


@pytest.mark.parametrize("value, plain", [
    ({"a": [1, 2.5, -0.0, True, None, "x", {"b": []}]}, True),
    ({"a": (1,)}, False), ({"a": float("nan")}, False), ({"a": [float("inf")]}, False), ({1: "a"}, False),
    ({"a": Text("x")}, False), ({"a": Mapping()}, False), ({"a": uuid.UUID(int=1)}, False),
    ({"a": [shared, shared]}, False), ({"a": cyclic}, False), (Mapping(), False), ([], False),
])
def test_the_survey_says_whether_json_gives_the_value_back(value, plain):
    assert (prescan.survey(value, value, None, None) is not None) is plain
    if plain:
        assert orjson.loads(codec.dumps(value)) == value


@pytest.mark.parametrize("verdict", [True, False])
@pytest.mark.parametrize("name", [*HOSTILE, "cyclic-message"])
def test_the_storm_sampler_reads_a_hostile_dict_safely(name, verdict):
    """Asking the sampler scrubs a JSON copy of what it reads: a hostile dict (a cycle where the
    index reads) neither hangs nor fails it, and an event kept is the one its JSON gives."""
    body = {"logentry": {"formatted": "cyclic", "params": [cyclic]}} if name == "cyclic-message" else HOSTILE[name]
    event = {"event_id": uuid.uuid4().hex, "timestamp": STAMP, **body}
    from_bytes = prepare(codec.dumps(event), lambda primary_hash: verdict)
    from_dict = prepare(event, lambda primary_hash: verdict)
    assert from_dict.sampled is from_bytes.sampled is not verdict
    if verdict:
        assert fields(from_dict) == fields(from_bytes)
