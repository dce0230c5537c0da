"""System checks: each id fires on the misconfiguration it names, and only then."""

import pytest
from django.core.checks import run_checks
from django.test import override_settings

FS = "minisentry.backends.filesystem.FileSystemBackend"


def ids(**settings) -> set[str]:
    with override_settings(**settings):
        # databases=[]: no connection (Django 6.1 would probe SQLite for the JSONFields of Wagtail's models)
        return {m.id for m in run_checks(databases=[]) if m.id and m.id.startswith("minisentry.")}


def test_default_settings_are_clean():
    assert ids() == set()


def test_bad_backend_path_is_e001():
    assert ids(MINISENTRY_BACKEND="minisentry.backends.nowhere.Backend") == {"minisentry.E001"}


def test_bad_backend_option_is_e001(tmp_path):
    config = {"BACKEND": FS, "OPTIONS": {"location": tmp_path, "bucket": "x"}}
    assert ids(MINISENTRY_BACKEND=config) == {"minisentry.E001"}


@pytest.mark.parametrize("root", ["MEDIA_ROOT", "STATIC_ROOT"])
def test_blobs_inside_a_published_directory_is_e002(tmp_path, root):
    config = {"BACKEND": FS, "OPTIONS": {"location": tmp_path / "public" / "errors"}}
    assert "minisentry.E002" in ids(MINISENTRY_BACKEND=config, **{root: str(tmp_path / "public")})


def test_public_s3_acl_is_e003():
    config = {"BACKEND": "minisentry.backends.s3.S3Backend",
              "OPTIONS": {"bucket_name": "b", "default_acl": "public-read"}}
    assert ids(MINISENTRY_BACKEND=config) == {"minisentry.E003"}
    config["OPTIONS"]["default_acl"] = "private"
    assert ids(MINISENTRY_BACKEND=config) == set()


def test_spool_inside_blob_store_or_media_is_e004(tmp_path):
    config = {"BACKEND": FS, "OPTIONS": {"location": tmp_path / "blobs"}}
    assert ids(MINISENTRY_BACKEND=config, MINISENTRY_SPOOL_DIR=tmp_path / "blobs" / "spool") == {"minisentry.E004"}
    assert ids(MEDIA_ROOT=str(tmp_path), MINISENTRY_SPOOL_DIR=tmp_path / "spool") == {"minisentry.E004"}


def test_wagtail_app_without_minisentry_is_e010():
    from django.conf import settings

    others = [a for a in settings.INSTALLED_APPS if a.startswith("django.")]  # Wagtail's apps get ready once only
    with override_settings(INSTALLED_APPS=[*others, "minisentry.contrib.wagtail"]):
        from minisentry.contrib.wagtail.apps import check_minisentry_installed

        assert [m.id for m in check_minisentry_installed()] == ["minisentry.E010"]
    with override_settings(INSTALLED_APPS=[*others, "minisentry", "minisentry.contrib.wagtail"]):
        assert check_minisentry_installed() == []


@pytest.mark.parametrize("value", [
    "yes", {"sample": 100}, {"samples": 5}, {"size": "64k"}, {"retrain_after": True}, {"min_saving": 1.5},
])
def test_invalid_compression_dictionary_is_e006(value):
    assert ids(MINISENTRY_COMPRESSION_DICTIONARY=value) == {"minisentry.E006"}


@pytest.mark.parametrize("value", [True, False, None, {}, {"enabled": False}, {"samples": 20, "min_saving": 0}])
def test_valid_compression_dictionary_settings_pass(value):
    assert ids(MINISENTRY_COMPRESSION_DICTIONARY=value) == set()


@pytest.mark.parametrize("value", [
    600, {"events_per_minute": -1}, {"keep_one_in": 0}, {"keep_one_in": 2.5}, {"events_per_minute": True},
    {"events_per_mintue": 600},
])
def test_invalid_storm_setting_is_e007(value):
    assert ids(MINISENTRY_STORM=value) == {"minisentry.E007"}


@pytest.mark.parametrize("value", [None, {"events_per_minute": 0, "keep_one_in": 1}, {"keep_one_in": 1000}])
def test_storm_off_or_partial_storm_setting_is_clean(value):
    assert ids(MINISENTRY_STORM=value) == set()
