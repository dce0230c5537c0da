"""One blob-store suite, run against every backend."""

import io
import uuid
from datetime import UTC, datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import override_settings

import minisentry
from minisentry.backends import (
    BlobMissing,
    InvalidBackendError,
    build_backend,
    get_backend,
)
from minisentry.backends.keys import blob_key

WHEN = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def keys(n: int) -> list[str]:
    return [blob_key(uuid.uuid4().hex, WHEN) for _ in range(n)]


def test_write_read_iterate_delete(backend):
    blobs = {key: f"blob {i}".encode() * 10 for i, key in enumerate(keys(25))}
    backend.write_blobs(blobs)
    for key, data in blobs.items():
        assert backend.read_blob(key) == data
    assert dict(backend.iter_blobs()) == {k: len(v) for k, v in blobs.items()}
    doomed = list(blobs)[:20]
    backend.delete_blobs(doomed)
    backend.delete_blobs(doomed)  # deleting twice is harmless
    assert sorted(k for k, _ in backend.iter_blobs()) == sorted(list(blobs)[20:])
    with pytest.raises(BlobMissing):
        backend.read_blob(doomed[0])


def test_overwrite_is_atomic_and_idempotent(backend):
    [key] = keys(1)
    backend.write_blobs({key: b"first"})
    backend.write_blobs({key: b"second"})
    assert backend.read_blob(key) == b"second"
    assert [k for k, _ in backend.iter_blobs()] == [key]


def test_filesystem_layout_is_private_and_pruned(tmp_path):
    backend = build_backend({"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
                             "OPTIONS": {"location": tmp_path / "store"}})
    [key] = keys(1)
    backend.write_blobs({key: b"x"})
    path = backend.path(key)
    assert path == tmp_path / "store" / (key + ".zst")
    assert path.stat().st_mode & 0o077 == 0
    assert path.parent.stat().st_mode & 0o077 == 0
    backend.delete_blobs([key])
    assert list((tmp_path / "store").iterdir()) == []  # empty date folders removed


def test_filesystem_refuses_links_out_of_its_location(tmp_path):
    backend = build_backend({"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
                             "OPTIONS": {"location": tmp_path / "store"}})
    (tmp_path / "store").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "store" / "2026").symlink_to(tmp_path / "elsewhere")
    [key] = keys(1)
    with pytest.raises(ValueError):
        backend.write_blobs({key: b"x"})
    assert not list((tmp_path / "elsewhere").rglob("*.zst"))


def test_s3_objects_are_private_and_deleted_in_batches(moto_endpoint, tmp_path, transactional_db):
    from ..conftest import s3_config

    config = s3_config(moto_endpoint, f"private-{uuid.uuid4().hex[:8]}")
    backend = build_backend(config)
    many = keys(1001)
    backend.write_blobs(dict.fromkeys(many, b"z"))
    acl = backend.client.get_object_acl(Bucket=backend.bucket, Key=backend.object_key(many[0]))
    assert [g["Permission"] for g in acl["Grants"]] == ["FULL_CONTROL"]
    assert all("URI" not in g["Grantee"] for g in acl["Grants"])  # no AllUsers / AuthenticatedUsers
    assert backend.object_key(many[0]).startswith("events/2026/11/26/")
    backend.delete_blobs(many)
    assert list(backend.iter_blobs()) == []


@pytest.mark.parametrize(
    "config, message",
    [
        ("minisentry.backends.nope.Backend", "Could not find minisentry backend"),
        ("minisentry.models.Issue", "not a subclass"),
        ({"OPTIONS": {}}, "dotted path or a dict"),
        ({"BACKEND": "minisentry.backends.filesystem.FileSystemBackend"}, "needs OPTIONS['location']"),
        ({"BACKEND": "minisentry.backends.filesystem.FileSystemBackend",
          "OPTIONS": {"location": "/tmp/x", "colour": "red"}}, "Invalid option(s) colour"),
        ({"BACKEND": "minisentry.backends.database.DatabaseBackend", "OPTIONS": {"x": 1}}, "Invalid option(s) x"),
        ({"BACKEND": "minisentry.backends.s3.S3Backend",
          "OPTIONS": {"bucket_name": "b", "colour": 1}}, "Invalid setting"),
        ({"BACKEND": "minisentry.backends.s3.S3Backend"}, "needs OPTIONS['bucket_name']"),
    ],
)
def test_bad_configuration_is_a_typed_error(config, message):
    with override_settings(MINISENTRY_BACKEND=config):
        pattern = message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")
        with pytest.raises(InvalidBackendError, match=pattern) as info:
            get_backend()
    assert isinstance(info.value, ImproperlyConfigured)


def test_backend_is_cached_and_reset_when_settings_change(tmp_path):
    first = minisentry.get_backend()
    assert minisentry.get_backend() is first
    with override_settings(MINISENTRY_BACKEND="minisentry.backends.database.DatabaseBackend"):
        assert minisentry.get_backend().kind == "database"
    assert minisentry.get_backend().kind == first.kind


def test_events_stay_readable_after_switching_backends(tmp_path, transactional_db):
    """The store written so far keeps its alias ("default") in MINISENTRY_BACKENDS; MINISENTRY_BACKEND
    names the new one, whose events record its alias."""
    from minisentry.models import Event

    old = {"BACKEND": "minisentry.backends.database.DatabaseBackend"}
    new = {"BACKEND": "minisentry.backends.filesystem.FileSystemBackend", "OPTIONS": {"location": str(tmp_path)}}
    with override_settings(MINISENTRY_BACKEND=old):
        minisentry.store()({"message": "written to the database backend"}, {})
        assert minisentry.flush(30)
    with override_settings(MINISENTRY_BACKEND="new", MINISENTRY_BACKENDS={"default": old, "new": new}):
        assert minisentry.get_backend().alias == "new" and minisentry.get_backend().kind == "filesystem"
        minisentry.store()({"message": "written to the filesystem"}, {})
        assert minisentry.flush(30)
        loaded = {e.segment.backend: e.load()["message"] for e in Event.objects.select_related("segment")}
    assert loaded == {"default": "written to the database backend", "new": "written to the filesystem"}
    with override_settings(MINISENTRY_BACKEND=new):
        with pytest.raises(InvalidBackendError, match="store 'new', which neither"):
            Event.objects.get(segment__backend="new").load()
    with override_settings(MINISENTRY_BACKEND=new, MINISENTRY_BACKENDS={"default": old}):
        with pytest.raises(InvalidBackendError, match="set MINISENTRY_BACKEND to an alias"):
            minisentry.get_backend()
    # Switched the way of kinds (the old store renamed): its events are not in the new "default",
    # and the orphan cleanup refuses to take that for lost events.
    with override_settings(MINISENTRY_BACKEND=new, MINISENTRY_BACKENDS={"old": old, "new": new}):
        with pytest.raises(CommandError, match="'default' .* holds none of the 1 events its rows name"):
            call_command("minisentry_cleanup", "--orphans", stdout=io.StringIO())
    assert Event.objects.count() == 2
