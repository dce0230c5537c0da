"""minisentry_move_blobs: every event to another store in segments, verified, resumable, loads
unchanged; events stored one blob each are moved and repacked too."""

import io
import json
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

import minisentry
from minisentry import conf
from minisentry.models import Event, Segment
from minisentry.storage import segments

from ..conftest import BACKENDS, backend_config, single_backend
from ..opshelpers import capture, unpack


@pytest.fixture
def stores(backend, tmp_path, request) -> dict:
    """Settings of the two stores other than the ``backend`` fixture's ("default"), by kind."""
    return {kind: backend_config(kind, tmp_path, request) for kind in BACKENDS if kind != backend.kind}


def move(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("minisentry_move_blobs", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def loads() -> dict:
    return {e.event_id: e.load() for e in Event.objects.all()}


def aliases() -> set[str]:
    """The aliases the event rows record."""
    return {e.segment.backend if e.segment_id else e.backend for e in Event.objects.select_related("segment")}


def segment_keys() -> set[str]:
    return set(Segment.objects.values_list("key", flat=True))


@pytest.mark.parametrize("layout", ["segments", "mixed"])
def test_move_through_every_store(backend, stores, layout):
    capture(60, "a")
    if layout == "mixed":
        unpack(backend)  # 60 events stored one blob each, as before segments
    capture(60, "b")
    before = loads()
    named = {"default": conf.get("BACKEND"), **stores}
    source = backend
    for alias in stores:  # MINISENTRY_BACKEND naming an alias: new events (and moves) go there
        with override_settings(MINISENTRY_BACKEND=alias, MINISENTRY_BACKENDS=named):
            assert "Moved 120 event(s)" in move("--chunk-size", "50")
            assert aliases() == {alias} and not Event.objects.filter(segment=None).exists()
            assert list(source.iter_blobs()) == []
            assert loads() == before
            source = minisentry.get_backend()
    assert {key for key, _ in source.iter_blobs()} == segment_keys()


def test_move_by_alias_resumes_after_an_interruption(backend, stores):
    capture(50, "a")
    unpack(backend)
    before = loads()
    other = next(kind for kind in BACKENDS if kind != backend.kind)
    real, calls = segments.write_transaction, []

    def interrupted(using):  # the second chunk is copied, but its rows are not repointed yet
        calls.append(using)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(using)

    with override_settings(MINISENTRY_BACKENDS=stores):
        with mock.patch.object(segments, "write_transaction", interrupted), pytest.raises(KeyboardInterrupt):
            move("--to", other, "--chunk-size", "20")
        assert Event.objects.filter(segment__backend=other).count() == 20
        assert loads() == before
        assert "Moved 30 event(s)" in move("--to", other)
        assert loads() == before
        copied = {key for key, _ in minisentry.get_backend(other).iter_blobs()}
        assert len(copied - segment_keys()) == 1  # the interrupted copy: an orphan --orphans removes
    assert list(backend.iter_blobs()) == []


def test_missing_blob_is_reported_and_its_row_kept(backend, stores):
    events = capture(5, "a")
    unpack(backend)
    lost = Event.objects.get(pk=events[0]["event_id"])
    backend.delete_blobs([lost.blob_key])
    gone = capture(1, "b")[0]  # in a segment of its own, lost too
    backend.delete_blobs([Event.objects.get(pk=gone["event_id"]).blob_key])
    other = next(kind for kind in BACKENDS if kind != backend.kind)
    with override_settings(MINISENTRY_BACKENDS=stores):
        report = move("--to", json.dumps(stores[other]))
    assert "Moved 4 event(s)" in report and "2 event(s) have no blob to move" in report
    assert lost.pk in report and gone["event_id"] in report
    assert Event.objects.get(pk=lost.pk).backend == "default"
    assert Event.objects.get(pk=gone["event_id"]).segment.backend == "default"


def test_repack_packs_events_stored_one_blob_each_in_place(backend):
    capture(30, "a")
    unpack(backend)
    before = loads()
    assert "Moved 0 event(s)" in move()  # already in the destination: left as they are
    assert Event.objects.filter(segment=None).count() == 30
    assert "Moved 30 event(s)" in move("--repack", "--chunk-size", "20")
    assert loads() == before and not Event.objects.filter(segment=None).exists()
    assert set(Event.objects.values_list("backend", flat=True)) == {""} and aliases() == {"default"}
    assert {key for key, _ in backend.iter_blobs()} == segment_keys() and Segment.objects.count() == 2


def test_refuses_a_store_events_would_not_be_read_from(backend, tmp_path):
    elsewhere = {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
                 "OPTIONS": {"location": str(tmp_path / "elsewhere")}}
    with pytest.raises(CommandError, match="not a configured store"):
        move("--to", json.dumps(elsewhere))


@single_backend
def test_two_directories_stay_readable_after_a_move(backend, tmp_path):
    """Two stores of one kind: rows record the alias of theirs, so both are read after a move."""
    archive = {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
               "OPTIONS": {"location": str(tmp_path / "archive")}}
    with override_settings(MINISENTRY_BACKENDS={"archive": archive}):
        capture(10, "a")
        before = loads()
        assert "Moved 10 event(s)" in move("--to", "archive")
        capture(10, "b")  # into the default directory
        assert aliases() == {"archive", "default"} and len(loads()) == 20
        assert {k: v for k, v in loads().items() if k in before} == before
        assert len(list(minisentry.get_backend("archive").iter_blobs())) == 1
        assert len(list(backend.iter_blobs())) == 1
    # The default store moves: named in MINISENTRY_BACKENDS, its alias stays "default".
    moved = {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
             "OPTIONS": {"location": str(tmp_path / "new")}}
    with override_settings(MINISENTRY_BACKEND="new", MINISENTRY_BACKENDS={
            "default": conf.get("BACKEND"), "archive": archive, "new": moved}):
        capture(5, "c")
        assert aliases() == {"archive", "default", "new"} and len(loads()) == 25


@single_backend
def test_the_earlier_way_of_switching_stores_still_reads_old_events(backend, tmp_path):
    """Before aliases, a switch listed the old store under any name and pointed MINISENTRY_BACKEND at
    the new one: rows recording "default" are then looked for in the other stores too."""
    capture(5, "old")
    before = loads()
    new = {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
           "OPTIONS": {"location": str(tmp_path / "new")}}
    with override_settings(MINISENTRY_BACKEND=new, MINISENTRY_BACKENDS={"old": conf.get("BACKEND")}):
        capture(3, "new")
        after = loads()
        assert {k: v for k, v in after.items() if k in before} == before and len(after) == 8
        assert aliases() == {"default"}
