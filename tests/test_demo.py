"""The demo: errors from a shop's own code, one environment, two variants that keep their own data,
and none of it in minisentry's package."""

import json
import subprocess
import sys
import tomllib

import pytest
import sentry_sdk
from django.core.management import call_command

from minisentry.models import Event, Issue

from .conftest import ROOT

pytestmark = pytest.mark.usefixtures("transactional_db")


def seed(out) -> list[Issue]:
    call_command("minisentry_demo", stdout=out)
    return list(Issue.objects.all())


def test_errors_come_from_the_shops_code_and_progress_is_told(tmp_path):
    with open(tmp_path / "out.txt", "w") as out:
        issues = seed(out)
    culprits = {issue.culprit for issue in issues}
    assert culprits >= {"shop.checkout in place_order", "shop.catalog in price_of", "shop.catalog in search_page",
                        "shop.accounts in theme_of", "shop.reports in request_report",
                        "shop.payments", "shop.stock", "shop.db"}, [(i.title, i.culprit) for i in issues]
    assert not [i for i in issues if "minisentry" in i.culprit or "minisentry" in i.title]
    lines = (tmp_path / "out.txt").read_text().splitlines()
    assert len(lines) >= 4 and lines[0].startswith("Sending requests") and lines[-1].startswith("Seeded ")


def test_events_take_the_environment_sentry_sdk_was_set_up_with(tmp_path):
    sentry_sdk.init(environment="staging")
    try:
        with open(tmp_path / "out.txt", "w") as out:
            seed(out)
    finally:
        sentry_sdk.init()
    assert set(Event.objects.values_list("environment", flat=True)) == {"staging"}
    assert set(Issue.objects.values_list("environment", flat=True)) == {"staging"}


def test_demo_settings_and_seeded_data_agree():
    demo = settings_of("demosite.settings")
    assert demo["environment"] == "production"  # what the seeded events carry when the site runs it
    assert demo["release"] == "shop@1.5.0"  # the seeded shop's latest release


def settings_of(module: str) -> dict:
    code = (
        "import json, sentry_sdk; from django.conf import settings as s; "
        "db = str(s.DATABASES['default']['NAME']); o = sentry_sdk.get_client().options; "
        "print(json.dumps({'db': db, "
        "'events': str(s.MINISENTRY_BACKEND['OPTIONS']['location']), 'spool': str(s.MINISENTRY_SPOOL_DIR), "
        "'environment': o['environment'], 'release': o['release']}))"
    )
    env = {"DJANGO_SETTINGS_MODULE": module, "PYTHONPATH": f"{ROOT / 'demo'}:{ROOT}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(result.stdout)


@pytest.mark.parametrize("module", ["demosite.settings", "demosite.settings_wagtail"])
def test_the_demo_mounts_the_dsn_endpoint_it_prints(module):
    """``scripts/demo`` prints the DSN of ``minisentry_dsn``: its envelope URL is the demo's."""
    if module.endswith("wagtail"):
        pytest.importorskip("wagtail")
    code = ("import django; django.setup(); from django.urls import reverse; "
            "print(reverse('minisentry_ingest:envelope', kwargs={'project_id': 1}))")
    env = {"DJANGO_SETTINGS_MODULE": module, "PYTHONPATH": f"{ROOT / 'demo'}:{ROOT}", "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "/minisentry/api/1/envelope/"
    assert "minisentry_dsn --base-url" in (ROOT / "scripts" / "demo").read_text()


def test_the_two_demo_variants_keep_their_own_data():
    pytest.importorskip("wagtail")
    django, wagtail = settings_of("demosite.settings"), settings_of("demosite.settings_wagtail")
    for key in ("db", "events", "spool"):
        assert django[key] != wagtail[key], key
        assert "/var/django/" in django[key] and "/var/wagtail/" in wagtail[key], key
    script = (ROOT / "scripts" / "demo").read_text()
    assert 'rm -rf "var/$variant"' in script and "rm -rf var\n" not in script


def test_the_package_ships_no_demo():
    """What the wheel holds: the packages setuptools finds with pyproject.toml's settings."""
    setuptools = pytest.importorskip("setuptools")
    find = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    packages = setuptools.find_namespace_packages(where=str(ROOT), include=find["include"])
    assert {"minisentry", "minisentry.capture", "minisentry.management.commands"} <= set(packages)
    assert not [p for p in packages if "demo" in p or p.split(".")[0] != "minisentry"], packages
    modules = {path.stem for p in packages for path in (ROOT / p.replace(".", "/")).glob("*.py")}
    assert "minisentry_demo" not in modules and "checkout" not in modules
