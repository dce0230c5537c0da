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


def messages(**settings) -> list[tuple[str, str]]:
    """(id, message + hint) of minisentry's checks under ``settings``."""
    with override_settings(**settings):
        return [(m.id, f"{m.msg} {m.hint}") for m in run_checks(databases=[]) if m.id.startswith("minisentry.")]


def test_a_misspelt_scrubbing_key_is_e009_naming_the_right_one():
    [(id, text)] = messages(MINISENTRY_SCRUBBING={"field": ["iban"]})
    assert id == "minisentry.E009"
    assert "unknown key 'field' (did you mean 'fields'?)" in text


@pytest.mark.parametrize(("value", "says"), [
    ("yes", "must be a dict, False or None"),
    ({"enabled": "no"}, "'enabled' must be True or False"),
    ({"fields": [1, 2]}, "'fields' must be a list of strings"),
    ({"safe_fields": {"a": 1}}, "'safe_fields' must be a list of strings"),
    ({"scrub_card_number": False}, "did you mean 'scrub_card_numbers'?"),
])
def test_invalid_scrubbing_is_e009(value, says):
    [(id, text)] = messages(MINISENTRY_SCRUBBING=value)
    assert (id, says in text) == ("minisentry.E009", True), text


@pytest.mark.parametrize("value", [None, False, {}, {"enabled": False}, {"fields": "iban", "safe_fields": ("x",)}])
def test_valid_scrubbing_settings_pass(value):
    assert ids(MINISENTRY_SCRUBBING=value) == set()


@pytest.mark.parametrize(("setting", "value", "says"), [
    ("QUEUE_SIZE", "10000", "must be an integer, not str '10000'"),
    ("QUEUE_SIZE", 0, "must be at least 1, not 0"),
    ("QUEUE_BYTES", 2.5e6, "must be an integer"),
    ("BATCH_SIZE", -5, "must be at least 1"),
    ("RETRIES", 0, "must be at least 1"),
    ("RETRY_DELAY", -0.1, "must be at least 0"),
    ("SPOOL_CHECK_INTERVAL", "60", "must be a number"),
    ("SHUTDOWN_TIMEOUT", None, "must be a number"),
    ("COMPRESSION_LEVEL", 23, "must be from -131072 to 22, not 23"),
    ("WRITER_NICENESS", 20, 'must be "idle" or an integer from 0 to 19, not int 20'),
    ("INGEST_RATE_LIMIT_CACHE", "redis", "must name one of the CACHES ('default'), not 'redis'"),
    ("WRITER_NICENESS", "5", 'must be "idle" or an integer from 0 to 19, not str \'5\''),
    ("WRITER_NICENESS", "IDLE", 'must be "idle"'),
    ("SPOOL_DIR", None, "must be a path"),
    ("INGEST_STORE_IP", "yes", "must be True or False, not str 'yes'"),
    ("LINK_USERS", "yes", "must be True or False, not str 'yes'"),
    ("LINK_PAGES", 1, "must be True or False, not int 1"),
])
def test_wrong_types_and_impossible_values_are_e008(setting, value, says):
    [(id, text)] = [m for m in messages(**{f"MINISENTRY_{setting}": value}) if m[0] != "minisentry.E005"]
    assert id == "minisentry.E008" and text.startswith(f"MINISENTRY_{setting} {says}"), text


@pytest.mark.parametrize(("value", "says"), [
    (30, "must be a dict or None"),
    ({"max_age_days": 0}, "'max_age_days' must be greater than 0"),
    ({"max_events_per_issue": 1}, "'max_events_per_issue' must be at least 2"),
    ({"max_total_bytes": "1G"}, "'max_total_bytes' must be an integer"),
    ({"max_age": 30}, "did you mean 'max_age_days'?"),
])
def test_invalid_retention_is_e011(value, says):
    [(id, text)] = messages(MINISENTRY_RETENTION=value)
    assert (id, says in text) == ("minisentry.E011", True), text


@pytest.mark.parametrize(("value", "says"), [
    ({"emails": "ops@example.com"}, "write ['ops@example.com']"),
    ({"webhook_url": "hooks.slack.com/x"}, "'webhook_url' must be an http(s) URL"),
    ({"timeout": 0}, "'timeout' must be greater than 0"),
    ({"rate_limit_seconds": "5m"}, "'rate_limit_seconds' must be a number"),
    ({"email": ["ops@example.com"]}, "unknown key 'email' (did you mean 'emails'?)"),
])
def test_invalid_alerts_are_e012(value, says):
    [(id, text)] = messages(MINISENTRY_ALERTS=value)
    assert (id, says in text) == ("minisentry.E012", True), text


def test_valid_retention_and_alerts_pass():
    assert ids(MINISENTRY_RETENTION={"max_age_days": 0.5, "max_events_per_issue": None},
               MINISENTRY_ALERTS={"emails": ["ops@example.com"], "webhook_url": "https://hooks.example/x"}) == set()


def test_backends_that_are_not_a_dict_are_e001():
    [(id, text)] = messages(MINISENTRY_BACKENDS=[{"BACKEND": "minisentry.backends.database.DatabaseBackend"}])
    assert id == "minisentry.E001" and "MINISENTRY_BACKENDS must be a dict" in text


def test_a_misspelt_setting_name_is_w002_naming_the_right_one():
    assert messages(MINISENTRY_BACKNED="minisentry.backends.database.DatabaseBackend") == [(
        "minisentry.W002", "MINISENTRY_BACKNED is not a minisentry setting (did you mean 'MINISENTRY_BACKEND'?): "
        "it is ignored. The settings are listed in minisentry's README.")]
    assert ids(MINISENTRY_WHATEVER_ELSE=1) == {"minisentry.W002"}


def urlconf(*patterns) -> type:
    return type("URLconf", (), {"urlpatterns": list(patterns)})


def test_minisentry_urls_after_the_admins_catch_all_is_w003_naming_the_fix():
    from django.contrib import admin
    from django.urls import include, path

    misordered = urlconf(path("admin/", admin.site.urls), path("admin/_minisentry/", include("minisentry.urls")))
    [(id, text)] = messages(ROOT_URLCONF=misordered)
    assert id == "minisentry.W003"
    assert text.startswith("minisentry's issue list is at /admin/_minisentry/, but the view admin:")
    assert 'Put path("admin/_minisentry/", include("minisentry.urls")) before' in text
    assert ids(ROOT_URLCONF=urlconf(*reversed(misordered.urlpatterns))) == set()


def test_no_browse_ui_at_all_is_w003_unless_wagtail_serves_it():
    from django.conf import settings
    from django.contrib import admin
    from django.urls import path

    from minisentry.checks import check_urls

    admin_only = urlconf(path("admin/", admin.site.urls))
    django_apps = [a for a in settings.INSTALLED_APPS if a.startswith("django.")]
    with override_settings(ROOT_URLCONF=admin_only, INSTALLED_APPS=[*django_apps, "minisentry"]):
        [warning] = check_urls()
    assert warning.id == "minisentry.W003"
    assert 'Add path("admin/_minisentry/", include("minisentry.urls"))' in warning.hint
    with_wagtail = [*django_apps, "minisentry", "minisentry.contrib.wagtail"]
    with override_settings(ROOT_URLCONF=admin_only, INSTALLED_APPS=with_wagtail):
        assert check_urls() == []  # Wagtail's admin serves the pages: nothing to add
