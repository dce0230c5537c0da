"""The filesystem store: every level it makes is private, and a link planted in it leads nowhere."""

import logging
import os
import stat
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.test import override_settings

import minisentry
from minisentry.backends import BlobMissing, build_backend, filesystem
from minisentry.capture import spool
from minisentry.capture.replay import replay
from minisentry.models import Event, Segment

from ..opshelpers import NOW, make_event

FS = "minisentry.backends.filesystem.FileSystemBackend"


@contextmanager
def umask(mask: int):
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


def store_at(location: Path, tmp_path: Path):
    return override_settings(
        MINISENTRY_BACKEND={"BACKEND": FS, "OPTIONS": {"location": str(location)}},
        MINISENTRY_SPOOL_DIR=str(tmp_path / "spool"), MINISENTRY_RETRIES=1,
    )


def capture_ab(n: int) -> list[dict]:
    """Store ``n`` events of today whose ids start with ``ab`` (so their folder is ``.../ab``)."""
    events = [make_event("a", NOW, event_id="ab" + uuid.uuid4().hex[2:]) for _ in range(n)]
    hook = minisentry.store()
    for event in events:
        hook(event, {})
    assert minisentry.flush(60)
    return events


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def everything(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def test_every_level_the_store_makes_is_private(tmp_path, transactional_db):
    top = tmp_path / "made" / "by-the-store"
    with umask(0o022), store_at(top / "blobs", tmp_path):
        capture_ab(3)
        minisentry.store()(make_event("b", event_id="cd" + uuid.uuid4().hex[2:]), {})  # a "cd" folder
        assert minisentry.flush(60)
    assert Event.objects.count() == 4
    folders = [p for p in [tmp_path / "made", *(tmp_path / "made").rglob("*")] if p.is_dir()]
    files = [p for p in (tmp_path / "made").rglob("*") if not p.is_dir()]
    # made/by-the-store, blobs, segments/Y/M/D; one file per segment (one per flushed batch)
    assert len(folders) == 2 + 1 + 1 + 3 and len(files) == Segment.objects.count() >= 2
    assert {str(p.relative_to(tmp_path)): mode(p) for p in folders} == {
        str(p.relative_to(tmp_path)): 0o700 for p in folders
    }
    assert {mode(p) for p in files} == {0o600}


def test_a_location_the_user_made_is_left_as_it_is_with_a_warning(tmp_path, caplog):
    location = tmp_path / "mine"
    location.mkdir(mode=0o750)
    os.chmod(location, 0o750)
    with caplog.at_level(logging.WARNING, logger="minisentry"):
        backend = build_backend({"BACKEND": FS, "OPTIONS": {"location": location}})
    assert f"blob location {location} is open to other users (mode 750)" in caplog.text
    with umask(0o022):
        backend.write_blobs({f"{NOW:%Y/%m/%d}/ab/ab{uuid.uuid4().hex[2:]}": b"x"})
    assert mode(location) == 0o750
    assert {mode(p) for p in location.rglob("*") if p.is_dir()} == {0o700}


@pytest.mark.parametrize("level", ["segments", "segments/%Y", "segments/%Y/%m/%d"])
def test_a_link_planted_in_the_store_leads_nowhere(tmp_path, transactional_db, level):
    location, outside = tmp_path / "blobs", tmp_path / "outside"
    outside.mkdir()
    link = location / NOW.strftime(level)
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside)
    with store_at(location, tmp_path):
        events = capture_ab(2)
        assert everything(outside) == []  # nothing made outside the store
        assert len(spool.files()) == 2 and Event.objects.count() == 0  # kept, not lost
        link.unlink()
        assert replay()[:3] == (2, 0, [])
    assert sorted(Event.objects.values_list("pk", flat=True)) == sorted(e["event_id"] for e in events)
    assert everything(outside) == []


def test_a_link_at_the_temp_file_name_is_not_followed(tmp_path, monkeypatch):
    backend = build_backend({"BACKEND": FS, "OPTIONS": {"location": tmp_path / "blobs"}})
    key = f"{NOW:%Y/%m/%d}/ab/ab{uuid.uuid4().hex[2:]}"
    folder, name = backend.path(key).parent, backend.path(key).name
    folder.mkdir(parents=True)
    monkeypatch.setattr(filesystem, "_temp_name", lambda name: f".{name}.planted.tmp", raising=False)
    # The planted name, and the predictable one (process and thread ids) earlier versions used.
    for tmp in (f".{name}.planted.tmp", f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"):
        (folder / tmp).symlink_to(tmp_path / f"target-of{tmp}")
    with pytest.raises(OSError):
        backend.write_blobs({key: b"secret"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blobs"]  # no target made through a link
    assert not backend.path(key).exists()


def test_a_link_at_the_blob_name_is_replaced_not_followed(tmp_path):
    backend = build_backend({"BACKEND": FS, "OPTIONS": {"location": tmp_path / "blobs"}})
    key = f"{NOW:%Y/%m/%d}/ab/ab{uuid.uuid4().hex[2:]}"
    backend.path(key).parent.mkdir(parents=True)
    (tmp_path / "outside").write_bytes(b"theirs")
    backend.path(key).symlink_to(tmp_path / "outside")
    backend.write_blobs({key: b"ours"})
    assert (tmp_path / "outside").read_bytes() == b"theirs"
    assert not backend.path(key).is_symlink() and backend.read_blob(key) == b"ours"


def test_reading_never_follows_a_link(tmp_path):
    backend = build_backend({"BACKEND": FS, "OPTIONS": {"location": tmp_path / "blobs"}})
    real, linked, fifo = (f"{NOW:%Y/%m/%d}/ab/ab{uuid.uuid4().hex[2:]}" for _ in range(3))
    backend.write_blobs({real: b"event"})
    backend.path(linked).symlink_to(backend.path(real))  # a link even to a blob inside the store
    os.mkfifo(backend.path(fifo))
    with pytest.raises(BlobMissing):
        backend.read_blob(linked)
    outcome = []
    reader = threading.Thread(target=lambda: outcome.append(_read(backend, fifo)), daemon=True)
    reader.start()
    reader.join(10)
    assert outcome == ["missing"]  # a planted FIFO does not block the reader either
    assert [key for key, _ in backend.iter_blobs()] == [real]
    day = backend.path(real).parents[1]
    day.rename(tmp_path / "moved")
    day.symlink_to(tmp_path / "moved")
    with pytest.raises(BlobMissing):
        backend.read_blob(real)


def _read(backend, key: str) -> str:
    try:
        return repr(backend.read_blob(key))
    except BlobMissing:
        return "missing"


def test_deleting_never_follows_a_link(tmp_path):
    backend = build_backend({"BACKEND": FS, "OPTIONS": {"location": tmp_path / "blobs"}})
    key = f"{NOW:%Y/%m/%d}/ab/ab{uuid.uuid4().hex[2:]}"
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / NOW.strftime("%m/%d/ab")).mkdir(parents=True)
    (elsewhere / NOW.strftime("%m/%d/ab") / backend.path(key).name).write_bytes(b"not the store's")
    (tmp_path / "blobs").mkdir()
    (tmp_path / "blobs" / NOW.strftime("%Y")).symlink_to(elsewhere)
    backend.delete_blobs([key])
    assert len(everything(elsewhere)) == 4  # m, m/d, m/d/ab and the file: all still there
