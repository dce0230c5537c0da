"""Secrets under a legacy interface key shadowed by its modern one (older SDKs' ``sentry.interfaces.*``
beside ``request``, ``user``, ``logentry``) never reach the stored JSON, on the JSON and the dict path."""

import copy

import pytest

from minisentry.processing import codec, dictionaries
from minisentry.processing.prepare import prepare

from ..uihelpers import message_event

SHADOWED = [
    ("sentry.interfaces.Http", "request", {"url": "https://shop.example/pay"},
     {"url": "https://shop.example/pay?token=tok_legacy", "data": "password=hunter2&note=hi",
      "cookies": "sessionid=s3ss10n", "headers": {"Authorization": "Bearer eyJlegacy"}}),
    ("sentry.interfaces.User", "user", {"id": "42"},
     {"id": "7", "password": "hunter2", "data": {"session_key": "s3ss10n"}}),
    ("sentry.interfaces.Message", "logentry", {"formatted": "stock is low"},
     {"formatted": "login", "params": {"api_token": "tok_legacy", "password": "hunter2"}}),
    ("sentry.interfaces.http.Http", "request", {"url": "https://shop.example/pay"},
     {"data": "password=hunter2", "env": {"SECRET_KEY": "s3ss10n"}, "query_string": "token=tok_legacy"}),
]
LEAKS = (b"hunter2", b"s3ss10n", b"tok_legacy", b"eyJlegacy")


def shadowed_event(legacy: str, modern: str, value: dict, old: dict) -> dict:
    event = message_event("tea", **{modern: value})
    event[legacy] = old
    return event


def stored_json(record) -> bytes:
    assert dictionaries.decompress(record.blob, None, len(record.payload)) == record.payload
    return record.payload


@pytest.mark.parametrize("path", ["json", "dict"])
@pytest.mark.parametrize(("legacy", "modern", "value", "old"), SHADOWED)
def test_a_shadowed_legacy_value_is_not_stored_unscrubbed(path, legacy, modern, value, old):
    event = shadowed_event(legacy, modern, value, old)
    record = prepare(codec.dumps(event) if path == "json" else copy.deepcopy(event))
    stored = stored_json(record)
    assert not [leak for leak in LEAKS if leak in stored]
    loaded = codec.loads(stored)
    assert loaded[modern] == value  # the modern value wins, as Sentry's normalizer has it
    assert legacy not in loaded


@pytest.mark.parametrize("path", ["json", "dict"])
def test_a_legacy_key_alone_is_scrubbed_under_its_modern_name(path):
    event = message_event("tea")
    event["sentry.interfaces.Http"] = {"url": "https://shop.example/?token=tok_legacy", "data": "password=hunter2"}
    record = prepare(codec.dumps(event) if path == "json" else copy.deepcopy(event))
    stored = codec.loads(stored_json(record))
    assert stored["request"] == {"url": "https://shop.example/?token=[Filtered]", "data": "password=[Filtered]"}


@pytest.mark.parametrize("path", ["json", "dict"])
def test_a_shadowed_legacy_value_without_secrets_is_dropped_as_sentry_does(path):
    """The stored JSON is the modernized event whenever a legacy value was dropped: what the page
    shows is what was scrubbed."""
    event = shadowed_event("sentry.interfaces.User", "user", {"id": "42"}, {"id": "7"})
    record = prepare(codec.dumps(event) if path == "json" else copy.deepcopy(event))
    stored = codec.loads(stored_json(record))
    assert stored["user"] == {"id": "42"} and "sentry.interfaces.User" not in stored
    assert record.user == "id:42"
