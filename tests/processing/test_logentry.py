"""Log entries without ``formatted`` are titled as Relay formats them (its own test cases), and no
template can ask for a huge string."""

import uuid

import orjson
import pytest

from minisentry.processing.logentry import formatted
from minisentry.processing.prepare import prepare


@pytest.mark.parametrize("message, params, expected", [
    ("hello, %s!", ["world"], "hello, world!"),
    ("hello, %(name)s!", {"name": "world"}, "hello, world!"),
    ("hello, {}!", ["world"], "hello, world!"),
    ("hello, {0}!", ["world"], "hello, world!"),
    ("%d of %d, 100%%", [1, 3], "1 of 3, 100%"),
    ("%999999999s", ["short"], "short"),
    ("hello, %s and %s!", ["world"], None),
    ("hello, {3}!", ["world"], None),
    ("hello, %(name)s!", ["world"], None),
    ("plain", ["world"], None),
])
def test_formatted(message, params, expected):
    assert formatted(message, params) == expected


def test_an_event_without_formatted_text_is_titled_with_its_params():
    event = {"event_id": uuid.uuid4().hex, "logentry": {"message": "backup of %s failed", "params": ["orders"]}}
    record = prepare(orjson.dumps(event))
    assert record.title == "backup of orders failed"
    sent = {"event_id": uuid.uuid4().hex, "logentry": {"message": "backup of %s failed", "params": ["orders"],
                                                       "formatted": "as the SDK wrote it"}}
    assert prepare(orjson.dumps(sent)).title == "as the SDK wrote it"
