"""minisentry_move_blobs: every blob to another store, verified, resumable, loads unchanged."""

import io
import json
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

import minisentry
from minisentry import conf
from minisentry.management.commands import minisentry_move_blobs as command
from minisentry.models import Event

from ..conftest import BACKENDS, backend_config
from ..opshelpers import capture


@pytest.fixture
def stores(backend, tmp_path, request) -> dict:
    """Settings of all three stores, the ``backend`` fixture's own among them."""
    configs = {kind: backend_config(kind, tmp_path, request) for kind in BACKENDS if kind != backend.kind}
    return {backend.kind: conf.get("BACKEND"), **configs}


def move(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command("minisentry_move_blobs", *args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def loads() -> dict:
    return {e.event_id: e.load() for e in Event.objects.all()}


def test_move_through_every_store(backend, stores):
    capture(120, "a")  # three chunks of 50 on each move
    before = loads()
    kinds = BACKENDS[BACKENDS.index(backend.kind):] + BACKENDS[: BACKENDS.index(backend.kind)]
    source = backend
    for kind in kinds[1:]:
        with override_settings(MINISENTRY_BACKEND=stores[kind], MINISENTRY_BACKENDS=stores):
            assert "Moved 120 blob(s)" in move("--chunk-size", "50")
            assert set(Event.objects.values_list("backend", flat=True)) == {kind}
            assert list(source.iter_blobs()) == []
            assert loads() == before
            source = minisentry.get_backend()
    assert len(list(source.iter_blobs())) == 120


def test_move_by_alias_resumes_after_an_interruption(backend, stores):
    capture(50, "a")
    before = loads()
    other = next(kind for kind in BACKENDS if kind != backend.kind)
    real, calls = command.write_transaction, []

    def interrupted(using):  # the second chunk is copied, but its rows are not repointed yet
        calls.append(using)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(using)

    with override_settings(MINISENTRY_BACKENDS=stores):
        with mock.patch.object(command, "write_transaction", interrupted), pytest.raises(KeyboardInterrupt):
            move("--to", other, "--chunk-size", "20")
        assert Event.objects.filter(backend=other).count() == 20
        assert loads() == before
        assert "Moved 30 blob(s)" in move("--to", other)
        assert loads() == before
        assert len(list(minisentry.get_backend(other).iter_blobs())) == 50
    assert list(backend.iter_blobs()) == []


def test_missing_blob_is_reported_and_its_row_kept(backend, stores):
    events = capture(5, "a")
    lost = Event.objects.get(pk=events[0]["event_id"])
    backend.delete_blobs([lost.blob_key])
    other = next(kind for kind in BACKENDS if kind != backend.kind)
    with override_settings(MINISENTRY_BACKENDS=stores):
        report = move("--to", json.dumps(stores[other]))
    assert "Moved 4 blob(s)" in report and "1 event(s) have no blob to move" in report and lost.pk in report
    assert Event.objects.get(pk=lost.pk).backend == backend.kind


def test_refuses_a_store_events_would_not_be_read_from(backend, tmp_path):
    elsewhere = {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
                 "OPTIONS": {"location": str(tmp_path / "elsewhere")}}
    with pytest.raises(CommandError, match="not the store"):
        move("--to", json.dumps(elsewhere))
