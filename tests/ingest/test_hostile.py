"""Every byte is hostile: malformed, truncated, oversized, wrongly compressed, bomb-compressed and
unauthenticated bodies through Django's test client. Each is a clear 4xx with its reason, nothing
is stored, nothing is logged as an error."""

import base64
import gzip
import logging
import tracemalloc
import zlib

import brotli
import pytest
import zstandard
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ..conftest import single_backend
from ..uihelpers import exception_event
from .conftest import envelope, event_envelope, gzipped, post, stored_ids

pytestmark = [pytest.mark.urls("tests.ingest.urls"), single_backend]


@pytest.fixture
def no_errors(caplog):
    caplog.set_level(logging.DEBUG, logger="minisentry")
    yield
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


def refused(response, status: int, reason: str) -> None:
    assert response.status_code == status, response.content
    assert reason in response.json()["detail"]
    assert reason in response["X-Sentry-Error"]
    assert not response.cookies


MALFORMED = {
    "not json": (b"this is no envelope\n", "the envelope header is not JSON"),
    "a list header": (b"[1, 2]\n", "not a JSON object"),
    "an item without a type": (b'{}\n{"length": 2}\n{}\n', "has no type"),
    "a negative length": (b'{}\n{"type": "event", "length": -1}\n{}\n', "non-negative integer"),
    "a length that is no number": (b'{}\n{"type": "event", "length": "2"}\n{}\n', "non-negative integer"),
    "a length past the end": (b'{}\n{"type": "event", "length": 500}\n{"message": "hi"}\n', "ends inside an item"),
    "a payload longer than its length": (b'{}\n{"type": "event", "length": 2}\n{"a": 1}\n', "longer than its length"),
    "an event that is no object": (b'{}\n{"type": "event"}\n[1, 2, 3]\n', "is not a JSON object"),
    "a truncated event": (b'{}\n{"type": "event"}\n{"message": "hi", "level":\n', "is not a JSON object"),
    "empty": (b"", "empty request body"),
}


@pytest.mark.parametrize("body, reason", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_envelopes_are_400(client, project, no_errors, body, reason):
    refused(post(client, project, body), 400, reason)
    assert stored_ids() == set()


def test_an_event_item_over_its_limit_is_413_before_it_is_read(client, project, settings, no_errors):
    settings.MINISENTRY_INGEST_MAX_EVENT_SIZE = 10_000
    event = exception_event(extra={"blob": "x" * 20_000})
    refused(post(client, project, event_envelope(event)), 413, "the event item (")
    refused(post(client, project, event_envelope(event, with_length=False)), 413, "the event item is over")
    assert stored_ids() == set()


def test_a_body_over_the_compressed_limit_is_413(client, project, settings, no_errors):
    settings.MINISENTRY_INGEST_MAX_COMPRESSED_SIZE = 10_000
    body = event_envelope(exception_event(extra={"noise": base64.b64encode(bytes(range(256)) * 40).decode()}))
    refused(post(client, project, body), 413, "over the limit of 10000 bytes")
    assert stored_ids() == set()


@pytest.mark.parametrize("encoding, compress", [
    ("gzip", gzip.compress), ("deflate", zlib.compress), ("br", lambda data: brotli.compress(data, quality=1)),
    ("zstd", zstandard.compress),
])
def test_a_decompression_bomb_stops_at_the_limit(client, project, settings, no_errors, encoding, compress):
    """100 MiB of zeros (~100 KB compressed): 413 once 1 MiB is decompressed, and the request
    never holds much more than that."""
    settings.MINISENTRY_INGEST_MAX_ENVELOPE_SIZE = 1024 * 1024
    bomb = compress(b'{}\n{"type": "attachment"}\n' + b"\0" * (100 * 1024 * 1024))
    assert post(client, project, b"{}\n").status_code == 200  # what a first request imports is not counted
    tracemalloc.start()
    try:
        response = post(client, project, bomb, HTTP_CONTENT_ENCODING=encoding)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    refused(response, 413, "over the limit of 1048576 bytes once decompressed")
    assert peak < 8 * 1024 * 1024 + 2 * len(bomb)
    assert stored_ids() == set()


@pytest.mark.parametrize("encoding, body, reason", [
    ("gzip", b"plain text, not gzip", "not valid gzip/deflate data"),
    ("deflate", b"plain text, not deflate", "not valid gzip/deflate data"),
    ("br", b"plain text, not brotli", "not valid brotli data"),
    ("zstd", b"plain text, not zstd", "not valid zstd data"),
    ("gzip", gzipped(b'{}\n{"type": "event"}\n{"message": "cut short"}\n')[:-12], "truncated"),
    ("br", brotli.compress(b'{}\n{"type": "event"}\n{"message": "cut short"}\n' * 50)[:-4], "truncated"),
], ids=["gzip", "deflate", "br", "zstd", "truncated gzip", "truncated br"])
def test_wrongly_compressed_bodies_are_400(client, project, no_errors, encoding, body, reason):
    refused(post(client, project, body, HTTP_CONTENT_ENCODING=encoding), 400, reason)
    assert stored_ids() == set()


def test_an_unknown_content_encoding_is_415(client, project, no_errors):
    refused(post(client, project, b"{}\n", HTTP_CONTENT_ENCODING="lzma"), 415, "unsupported Content-Encoding")


@pytest.mark.parametrize("encoding, compress", [
    ("gzip", gzip.compress), ("deflate", zlib.compress), ("deflate", lambda b: zlib.compress(b)[2:-4]),
    ("br", brotli.compress), ("zstd", zstandard.compress), ("identity", bytes),
])
def test_each_encoding_is_read(client, project, encoding, compress):
    event = exception_event()
    response = post(client, project, compress(event_envelope(event)), HTTP_CONTENT_ENCODING=encoding)
    assert response.status_code == 200, response.content
    assert stored_ids() == {event["event_id"]}


def test_invalid_json_inside_a_well_formed_envelope_is_counted_not_logged(client, project, no_errors):
    """The endpoint does not parse events (the writer does): such an event is accepted, then
    counted as invalid, never stored nor spooled."""
    from .conftest import counter

    body = envelope(({"type": "event"}, b'{"message": "hi", "level": }'))
    assert post(client, project, body).status_code == 200
    assert stored_ids() == set()
    assert counter("ingest:invalid") == 1


def test_get_and_other_methods_are_405(client, project, no_errors):
    response = client.get(f"/minisentry/api/{project.pk}/envelope/")
    refused(response, 405, "only POST")


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(
    st.binary(max_size=40),
    st.sampled_from([b"{}", b'{"type":"event"}', b'{"type":"event","length":3}', b'{"type":"session"}',
                     b'{"message":"x"}', b"\n", b'{"type":"attachment","length":0}', b'{"dsn":"http://a@b/1"}']),
), max_size=8))
def test_no_body_makes_a_server_error(client, project, no_errors, parts):
    body = b"\n".join(parts)
    for encoding, data in (("", body), ("gzip", gzip.compress(body)[: max(len(body) // 2, 1)])):
        response = post(client, project, data, HTTP_CONTENT_ENCODING=encoding)
        assert response.status_code in (200, 400, 401, 403, 413, 415), (response.status_code, body)
