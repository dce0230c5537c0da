"""Projects and keys in the Django admin: a new project gets a key, each key's DSN is shown for
copying, keys are rotated; only users with the projects' permissions see any of it."""

import pytest
from django.test import Client
from django.urls import reverse

from minisentry.models import Project, ProjectKey

from ..uihelpers import make_user

pytestmark = pytest.mark.django_db


def test_adding_a_project_gives_it_a_key(admin_client):
    response = admin_client.post(reverse("admin:minisentry_project_add"), {
        "name": "Checkout worker", "slug": "checkout-worker", "allowed_origins": "", "rate_limit": "",
        "keys-TOTAL_FORMS": "0", "keys-INITIAL_FORMS": "0",
    })
    assert response.status_code == 302
    project = Project.objects.get(slug="checkout-worker")
    assert list(project.keys.values_list("is_active", flat=True)) == [True]


@pytest.mark.urls("tests.ingest.urls")
def test_the_change_page_shows_each_keys_dsn(admin_client):
    project = Project.objects.create(name="Mobile app", slug="mobile")
    key = ProjectKey.objects.create(project=project, label="iOS <b>")
    html = admin_client.get(reverse("admin:minisentry_project_change", args=[project.pk])).content.decode()
    assert "iOS &lt;b&gt;" in html and "iOS <b>" not in html
    assert f'value="http://{key.public_key}@testserver/minisentry/{project.pk}"' in html


def test_without_the_endpoint_the_change_page_says_how_to_get_a_dsn(admin_client):
    project = Project.objects.create(name="Mobile app", slug="mobile")
    ProjectKey.objects.create(project=project)
    html = admin_client.get(reverse("admin:minisentry_project_change", args=[project.pk])).content.decode()
    assert "Mount minisentry.ingest.urls" in html and "@testserver" not in html


def test_rotating_keys_disables_the_old_ones(admin_client):
    project = Project.objects.create(name="Mobile app", slug="mobile")
    old = ProjectKey.objects.create(project=project)
    admin_client.post(reverse("admin:minisentry_project_changelist"),
                      {"action": "rotate_keys", "_selected_action": [project.pk]})
    keys = dict(project.keys.values_list("public_key", "is_active"))
    assert keys.pop(old.public_key) is False
    assert list(keys.values()) == [True]


def test_projects_need_their_permissions(db):
    Project.objects.create(name="Mobile app", slug="mobile")
    viewer = Client()
    viewer.force_login(make_user("issue-viewer", "view_issue"))
    assert viewer.get(reverse("admin:minisentry_project_changelist")).status_code == 403
    keeper = Client()
    keeper.force_login(make_user("project-viewer", "view_project"))
    assert keeper.get(reverse("admin:minisentry_project_changelist")).status_code == 200
    project = Project.objects.get(slug="mobile")
    keeper.post(reverse("admin:minisentry_project_changelist"),
                {"action": "rotate_keys", "_selected_action": [project.pk]})
    assert not project.keys.exists()  # rotating needs the change permission
