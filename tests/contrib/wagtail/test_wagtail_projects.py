"""Projects and keys under Wagtail's Settings menu, with each key's DSN in the key list."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from minisentry.models import Project, ProjectKey

from .test_wagtail import client_of, editor

pytestmark = pytest.mark.usefixtures("transactional_db")


@pytest.mark.urls("tests.ingest.urls")
def test_projects_and_keys_are_in_the_settings_menu(admin_client):
    project = Project.objects.create(name="Mobile <app>", slug="mobile")
    key = ProjectKey.objects.create(project=project, label="iOS")
    html = admin_client.get(reverse("minisentry_projects:index")).content.decode()
    assert "Mobile &lt;app&gt;" in html
    keys = admin_client.get(reverse("minisentry_project_keys:index")).content.decode()
    assert "iOS" in keys
    assert f"http://{key.public_key}@testserver/minisentry/{project.pk}" in keys
    response = admin_client.post(reverse("minisentry_project_keys:add"), {
        "project": project.pk, "label": "Android", "is_active": "on", "rate_limit": "600"})
    assert response.status_code == 302
    assert project.keys.get(label="Android").rate_limit == 600


def test_editors_need_the_projects_permissions():
    Project.objects.create(name="Mobile", slug="mobile")
    stranger = client_of(editor("stranger", "view_issue"))
    assert stranger.get(reverse("minisentry_projects:index")).status_code in (302, 403)
    user = editor("keeper")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_project", "change_project"]))
    assert client_of(user).get(reverse("minisentry_projects:index")).status_code == 200
