"""Trained zstd dictionaries: smaller blobs that every store, every process and every command reads
back; rotation, fallbacks, retention, orphans and moves never lose a dictionary a frame needs."""

import io
import json
import logging
import random
import subprocess
import sys
import uuid
from datetime import timedelta
from unittest import mock

import pytest
import zstandard
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import override_settings

import minisentry
from minisentry import conf
from minisentry.backends import BlobMissing
from minisentry.backends.keys import dictionary_key
from minisentry.models import Event
from minisentry.processing import codec, dictionaries
from minisentry.processing.dictionaries import frame_dictionary
from minisentry.processing.prepare import prepare
from minisentry.storage.dictionaries import DictionaryMissing
from minisentry.storage.reader import READ_FIELDS, Reader, locate
from minisentry.storage.save import save

from ..conftest import BACKENDS, ROOT, backend_config, single_backend, worker_env
from ..opshelpers import NOW

# Small numbers so a test trains quickly: 40 samples, a new dictionary 60 events later.
QUICK = {"samples": 40, "retrain_after": 60, "size": 8192}
MODULES = ["shop.views", "shop.cart", "shop.payments", "shop.orders", "shop.shipping", "shop.models", "shop.api"]
WORDS = "order customer invoice payment cart session user account product shipment refund coupon".split()


def make_event(i: int, rng: random.Random, days_ago: float = 0) -> dict:
    """An event shaped like sentry-sdk's: a stack trace with locals, breadcrumbs, request, contexts;
    the code sites repeat, the values do not."""
    site = i % 5
    frames = [
        {"filename": module.replace(".", "/") + ".py", "abs_path": f"/srv/app/{module.replace('.', '/')}.py",
         "module": module, "function": f"{rng.choice(WORDS)}_{depth}", "lineno": 10 + 7 * depth + site,
         "context_line": f"    result = handle_{WORDS[site]}(request, {WORDS[depth]}_id)",
         "pre_context": ["", f"def handle(request, {WORDS[depth]}_id):", "    # look it up"],
         "post_context": ["    return result", ""], "in_app": True,
         "vars": {f"{WORDS[depth]}_id": str(rng.randrange(10**6)), "items": [rng.randrange(999) for _ in range(4)],
                  "email": f"user{rng.randrange(10**5)}@example.com"}}
        for depth, module in enumerate(MODULES[site : site + 3])
    ]
    crumbs = [{"category": "query", "level": "info", "timestamp": NOW.isoformat(),
               "message": f"SELECT id, status FROM shop_{rng.choice(WORDS)} WHERE id = {rng.randrange(10**6)}"}
              for _ in range(8)]
    return {
        "event_id": uuid.uuid4().hex, "timestamp": (NOW - timedelta(days=days_ago, seconds=i)).isoformat(),
        "level": "error", "platform": "python", "environment": "production", "release": "shop@1.0",
        "exception": {"values": [{"type": "ValueError", "value": f"{WORDS[site]} {rng.randrange(10**6)} failed",
                                  "mechanism": {"type": "django", "handled": False},
                                  "stacktrace": {"frames": frames}}]},
        "breadcrumbs": {"values": crumbs},
        "request": {"url": f"https://shop.example.com/{WORDS[site]}/{rng.randrange(10**4)}/", "method": "POST",
                    "headers": {"User-Agent": "Mozilla/5.0", "Accept": "text/html"}},
        "contexts": {"runtime": {"name": "CPython", "version": "3.12.1"}, "os": {"name": "Linux"}},
        "sdk": {"name": "sentry.python.django", "version": "2.19.0"},
    }


def capture(n: int, days_ago: float = 0, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    events = [make_event(i, rng, days_ago) for i in range(n)]
    hook = minisentry.store()
    for event in events:
        hook(event, {})
    assert minisentry.flush(60)
    return events


def frame_ids(backend) -> list[int]:
    """The dictionary id of every stored event's frame (read from its segment), in capture order."""
    reader = Reader()
    rows = Event.objects.order_by("-timestamp").values_list(*READ_FIELDS)
    return [frame_dictionary(reader.frame(locate(*row))) for row in rows]


def loads() -> dict:
    return {e.event_id: e.load() for e in Event.objects.all()}


def forget() -> None:
    """What a fresh process knows: no dictionary in memory (any MINISENTRY_ setting change resets)."""
    with override_settings(MINISENTRY_COMPRESSION_LEVEL=conf.get("COMPRESSION_LEVEL")):
        pass


def loads_in_another_process(tmp_path) -> dict:
    script = ("import django, json; django.setup(); from minisentry.models import Event; "
              "print(json.dumps({e.event_id: e.load() for e in Event.objects.all()}))")
    env = worker_env(conf.get("BACKEND"), tmp_path / "spool")
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    return json.loads(result.stdout)


@override_settings(MINISENTRY_COMPRESSION_DICTIONARY=QUICK)
def test_rotation_round_trip_on_every_store(backend, tmp_path):
    events = capture(150)
    # 39 samples compressed plain; the 40th trains the first dictionary, used for 100 events (60,
    # then 40 more samples); the 140th trains the second one.
    ids = frame_ids(backend)
    first, second = ids[39], ids[-1]
    assert ids == [0] * 39 + [first] * 100 + [second] * 11
    assert first != second and all(32768 <= i < 2**31 for i in (first, second))
    for dict_id in (first, second):
        stored = backend.read_blob(dictionary_key(dict_id))
        assert zstandard.ZstdCompressionDict(stored).dict_id() == dict_id
    assert sorted(key for key, _ in backend.iter_blobs()) == sorted({e.blob_key for e in Event.objects.all()})

    expected = {e["event_id"]: e for e in events}
    assert loads() == expected
    forget()
    assert loads() == expected  # each dictionary read back from the store by its id
    assert loads_in_another_process(tmp_path) == expected
    exported = io.StringIO()
    call_command("minisentry_export", stdout=exported, stderr=io.StringIO())
    assert {e["event_id"]: e for e in map(json.loads, exported.getvalue().splitlines())} == expected

    # What a user sees: blobs with a dictionary are far smaller than plain zstd makes them.
    with_dictionary = Event.objects.order_by("-timestamp")[50:]
    plain = sum(len(codec.compress(codec.dumps(expected[e.event_id]), 3)) for e in with_dictionary)
    assert sum(e.blob_size for e in with_dictionary) < 0.7 * plain


@single_backend
@override_settings(MINISENTRY_COMPRESSION_DICTIONARY=QUICK)
def test_a_missing_dictionary_is_a_clear_error(backend):
    capture(45)
    event = Event.objects.order_by("-timestamp").last()
    dict_id = frame_ids(backend)[-1]
    backend.delete_blobs([dictionary_key(dict_id)])
    forget()
    with pytest.raises(DictionaryMissing, match=f"zstd dictionary {dict_id:#010x} is missing from <FileSystem"):
        event.load()
    assert issubclass(DictionaryMissing, BlobMissing)  # the event page says its blob is missing


@pytest.mark.parametrize("setting", [False, {"enabled": False, "samples": 10}])
@single_backend
def test_turned_off(backend, setting):
    with override_settings(MINISENTRY_COMPRESSION_DICTIONARY=setting):
        events = capture(30)
    assert set(frame_ids(backend)) == {0}
    assert loads() == {e["event_id"]: e for e in events}


@single_backend
@override_settings(MINISENTRY_COMPRESSION_DICTIONARY={"samples": "many"})
def test_an_invalid_setting_is_logged_once_and_events_are_stored_without(backend, caplog):
    with caplog.at_level(logging.ERROR, logger="minisentry"):
        events = capture(30)
    assert caplog.text.count("MINISENTRY_COMPRESSION_DICTIONARY: 'samples' must be an integer") == 1
    assert set(frame_ids(backend)) == {0}
    assert loads() == {e["event_id"]: e for e in events}


@single_backend
@override_settings(MINISENTRY_COMPRESSION_DICTIONARY={"samples": 20, "retrain_after": 20})
def test_training_failure_is_logged_once_and_events_are_stored_without(backend, caplog):
    refusal = zstandard.ZstdError("cannot train dict")
    with caplog.at_level(logging.DEBUG, logger="minisentry"), \
            mock.patch.object(zstandard, "train_dictionary", side_effect=refusal):
        events = capture(100)  # training is tried three times, zstd refusing each time
    failures = [r for r in caplog.records if "training a zstd dictionary failed" in r.getMessage()]
    assert [r.levelno for r in failures] == [logging.WARNING, logging.DEBUG, logging.DEBUG]
    assert set(frame_ids(backend)) == {0}
    assert loads() == {e["event_id"]: e for e in events}


@single_backend
@override_settings(MINISENTRY_COMPRESSION_DICTIONARY={"samples": 30, "size": 4096})
def test_a_dictionary_that_does_not_pay_is_not_used(backend, caplog):
    rng = random.Random(5)
    hook = minisentry.store()
    with caplog.at_level(logging.INFO, logger="minisentry"):
        for _ in range(40):  # nothing in common between two events but a few keys
            hook({"event_id": uuid.uuid4().hex, "message": rng.randbytes(3000).hex()}, {})
        assert minisentry.flush(60)
    assert "saves too little" in caplog.text
    assert set(frame_ids(backend)) == {0}
    assert len(loads()) == 40


@override_settings(MINISENTRY_COMPRESSION_DICTIONARY=QUICK)
def test_retention_and_orphan_cleanup_keep_dictionaries(backend):
    capture(45, days_ago=3)
    dict_id = frame_ids(backend)[-1]
    assert dict_id
    call_command("minisentry_cleanup", "--orphans", stdout=io.StringIO())
    assert Event.objects.count() == 45
    call_command("minisentry_cleanup", "--max-age-days", "1", "--orphans", stdout=io.StringIO())
    assert not Event.objects.exists() and list(backend.iter_blobs()) == []
    assert zstandard.ZstdCompressionDict(backend.read_blob(dictionary_key(dict_id))).dict_id() == dict_id


@override_settings(MINISENTRY_COMPRESSION_DICTIONARY=QUICK)
def test_move_blobs_copies_the_dictionaries_moved_events_need(backend, tmp_path, request):
    events = capture(150)
    dict_ids = set(frame_ids(backend)) - {0}
    other = BACKENDS[(BACKENDS.index(backend.kind) + 1) % len(BACKENDS)]
    target = backend_config(other, tmp_path, request)
    with override_settings(MINISENTRY_BACKEND="new", MINISENTRY_BACKENDS={"default": conf.get("BACKEND"),
                                                                          "new": target}):
        call_command("minisentry_move_blobs", "--chunk-size", "50", stdout=io.StringIO())
        assert {e.segment.backend for e in Event.objects.all()} == {"new"}
        backend.delete_blobs([dictionary_key(i) for i in dict_ids])  # the source's are not read
        forget()
        assert loads() == {e["event_id"]: e for e in events}
        assert set(frame_ids(minisentry.get_backend())) == {0, *dict_ids}


@single_backend
@override_settings(MINISENTRY_COMPRESSION_DICTIONARY=QUICK)
def test_an_id_another_dictionary_holds_is_never_overwritten(backend):
    taken = 0x12345678
    backend.write_blobs({dictionary_key(taken): b"another process's dictionary"})
    with mock.patch.object(dictionaries.random, "randint", side_effect=[taken, 0x2345678A]):
        first = capture(45)  # the batch needing the taken id fails: its events are spooled
        assert Event.objects.count() < 45
        call_command("minisentry_replay", stdout=io.StringIO(), stderr=io.StringIO())
        second = capture(45, seed=2)  # the trainer starts over, under another id
    assert backend.read_blob(dictionary_key(taken)) == b"another process's dictionary"
    assert set(frame_ids(backend)) == {0, 0x2345678A}
    assert loads() == {e["event_id"]: e for e in first + second}


@single_backend
@override_settings(MINISENTRY_COMPRESSION_DICTIONARY={"samples": 10, "retrain_after": 0})
def test_settings_out_of_bounds_are_reported_and_every_event_is_stored(backend):
    errors = [m for m in run_checks() if m.id == "minisentry.E006"]
    assert len(errors) == 1 and "'samples' must be an integer of at least 20, not 10" in errors[0].msg
    events = capture(120)  # compressed without a dictionary, as the check says
    assert Event.objects.count() == 120 and set(frame_ids(backend)) == {0}
    assert loads() == {e["event_id"]: e for e in events}


@single_backend
def test_each_dictionary_a_batch_needs_is_kept_until_stored(backend):
    """A batch whose events were compressed with six dictionaries (one per 20 events) stores them all."""
    rng = random.Random(3)
    events = [make_event(i, rng) for i in range(120)]
    often = {**conf.DEFAULTS["COMPRESSION_DICTIONARY"], "samples": 20, "retrain_after": 0, "size": 8192,
             "min_saving": 0}
    with mock.patch.object(dictionaries, "options", return_value=often):
        records = [prepare(codec.dumps(event)) for event in events]
    assert len({frame_dictionary(r.blob) for r in records} - {0}) == 6
    save(backend, records)
    forget()
    assert loads() == {e["event_id"]: e for e in events}


@pytest.mark.parametrize("value, message", [
    ({"samples": 100, "retrain_after": 50}, "'retrain_after' must be at least 'samples' (100), not 50"),
    ({"size": 4 * 2**20}, "'size' must be an integer from 256 to 1,048,576"),
    ({"size": 100}, "'size' must be an integer from 256"),
])
def test_bounds_of_the_dictionary_settings(value, message):
    assert message in dictionaries.problem(value)
