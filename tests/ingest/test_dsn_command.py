"""``manage.py minisentry_dsn``: the DSN as its last line, the project and a key created if needed."""

import io

import pytest
from django.core.management import CommandError, call_command

from minisentry.models import Project

pytestmark = pytest.mark.django_db


def dsn(*args) -> str:
    out = io.StringIO()
    call_command("minisentry_dsn", *args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


@pytest.mark.urls("tests.ingest.urls")
def test_the_dsn_of_a_new_project_then_the_same_again():
    first = dsn("--project", "mobile", "--base-url", "https://shop.example/")
    project = Project.objects.get(slug="mobile")
    key = project.keys.get()
    assert first == f"https://{key.public_key}@shop.example/minisentry/{project.pk}"
    assert dsn("--project", "mobile", "--base-url", "https://shop.example") == first
    assert project.keys.count() == 1


@pytest.mark.urls("tests.ingest.urls")
def test_the_default_project_and_a_site_under_a_path():
    line = dsn("--base-url", "http://127.0.0.1:8000/shop")
    site = Project.objects.get(slug="site")
    assert line == f"http://{site.keys.get().public_key}@127.0.0.1:8000/shop/minisentry/{site.pk}"


def test_a_site_without_the_endpoint_is_told_how_to_mount_it():
    with pytest.raises(CommandError, match=r'include\("minisentry.ingest.urls"\)'):
        dsn()


@pytest.mark.urls("tests.ingest.urls")
def test_a_bad_base_url():
    with pytest.raises(CommandError, match="--base-url"):
        dsn("--base-url", "shop.example")
