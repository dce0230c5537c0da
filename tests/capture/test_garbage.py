"""Whatever reaches the hook, it never raises and never writes outside the store."""

import os
import uuid
from pathlib import Path

import pytest

import minisentry
from minisentry.capture import spool
from minisentry.models import Event


class Unserializable:
    def __repr__(self):
        return "<Unserializable>"


class BrokenRepr:
    def __repr__(self):
        raise RuntimeError("no repr")


def cyclic():
    d = {"message": "cycle"}
    d["self"] = d
    return d


NOT_EVENTS = [None, 42, "event", ["a", "list"], b"bytes", object()]
ODD_EVENTS = [
    {},
    {"event_id": "../../../../etc/passwd", "message": "traversal"},
    {"event_id": "..%2f..%2fx", "exception": "not a dict"},
    {"event_id": "/abs/path", "exception": {"values": [None, 3, {"type": None, "stacktrace": "x"}]}},
    {"event_id": "0" * 31 + "\n", "level": ["not", "a", "level"], "timestamp": "yesterday"},
    {"event_id": 12345, "timestamp": 1e300, "tags": [["k"], None, ("a", "b", "c")]},
    {"message": "lone \ud800 surrogate", "tags": {"\udfff": "x", "ok": "\udc80"}, "extra": {"\ud83d": 1}},
    {"message": "nul \x00 byte", "environment": "prod\x00", "release": 1.5, "logger": {"a": 1}},
    {"extra": {"obj": Unserializable(), "set": {1, 2}, 1: "int key", (1, 2): "tuple key", "broken": BrokenRepr()}},
    cyclic(),
    {"exception": {"values": [{"type": "E", "value": "v" * 100_000, "stacktrace": {"frames": [{}] * 300}}]}},
    {"fingerprint": [None, {"x": 1}, "{{ default }}"], "message": "odd fingerprint"},
    {"logentry": {"message": 5, "params": "x"}, "user": "not a dict", "request": {"url": 7}},
    {"contexts": {"runtime": {"name": ["x"]}}, "platform": {"p": 1}, "timestamp": {"t": 1}},
]


def tree(path: Path) -> set[str]:
    return {str(p) for p in path.rglob("*")} if path.exists() else set()


def test_hook_never_raises_and_writes_only_to_the_store(backend, tmp_path):
    hook = minisentry.store()
    outside = tmp_path.parent
    before = set(os.listdir(outside))
    for hint in (None, {}, 5, {"exc_info": "nonsense"}, {"exc_info": (None, None, None)}):
        for event in NOT_EVENTS + ODD_EVENTS:
            assert hook(event, hint) is None
    assert minisentry.flush(60)

    stored = Event.objects.count()
    assert stored == len(ODD_EVENTS) * 5
    assert spool.files() == []
    assert set(os.listdir(outside)) == before
    if backend.kind == "filesystem":
        # Only blob files below the location: nothing named after a raw event_id anywhere.
        for path in Path(backend.location).rglob("*"):
            assert path.is_dir() or path.suffix == ".zst"
        assert not any("passwd" in p or ".." in p for p in tree(tmp_path))
    keys = {key for key, _ in backend.iter_blobs()}
    assert keys == {e.blob_key for e in Event.objects.select_related("segment")}


def test_odd_events_round_trip(backend):
    hook = minisentry.store()
    event_id = uuid.uuid4().hex
    hook({"event_id": event_id, "message": "lone \ud800 surrogate", "tags": {"a": "\udc80"}}, {})
    hook({"event_id": uuid.uuid4().hex, "extra": {"obj": Unserializable(), 1: "int key"}, "message": "m"}, {})
    assert minisentry.flush(30)
    loaded = Event.objects.get(event_id=event_id).load()
    assert loaded["message"] == "lone \ud800 surrogate"
    extra = Event.objects.exclude(event_id=event_id).get().load()["extra"]
    assert extra == {"obj": "<Unserializable>", "1": "int key"}


def test_traversal_event_id_gets_a_fresh_id(backend):
    minisentry.store()({"event_id": "../../../escape", "message": "x"}, {})
    assert minisentry.flush(30)
    event = Event.objects.get()
    assert len(event.event_id) == 32 and int(event.event_id, 16) >= 0
    assert event.load()["event_id"] == "../../../escape"


@pytest.mark.parametrize("key", ["../x", "2026/01/01/ab/" + "a" * 31 + "/", "/etc/passwd", "2026/01/01/ab/" + "A" * 32])
def test_backends_refuse_malformed_keys(backend, key):
    calls = (backend.read_blob, lambda key: backend.read_range(key, 0, 1), lambda key: backend.write_blobs({key: b"x"}))
    for call in calls:
        with pytest.raises(ValueError):
            call(key)
