"""With one project nothing about projects shows; with several, both frames filter the issue list by
project and the issue page names its project, beside the SDK that sent the event."""

import pytest
from django.conf import settings
from django.urls import reverse

from minisentry.models import Project
from minisentry.processing import received
from minisentry.processing.codec import dumps

from ..uihelpers import XSS, issue_of, message_event, store

pytestmark = pytest.mark.django_db
FRAMES = ["minisentry", *(["minisentry_wagtail"] if settings.WAGTAIL else [])]
SDK = {"name": "sentry.javascript.browser", "version": "10.5.0"}


def titles(client, frame: str, **params) -> set[str]:
    html = client.get(reverse(f"{frame}:issue_list"), params).content.decode()
    return {t for t in ("site error", "worker error") if t in html}


@pytest.mark.parametrize("frame", FRAMES)
def test_one_project_shows_nothing_about_projects(admin_client, frame):
    event = message_event("site error", sdk=SDK)
    store(event)
    assert 'name="project"' not in admin_client.get(reverse(f"{frame}:issue_list")).content.decode()
    html = admin_client.get(reverse(f"{frame}:issue_detail", args=[issue_of(event).pk])).content.decode()
    assert "ms-project" not in html
    assert "sentry.javascript.browser 10.5.0" in html  # the SDK shows whatever the projects


@pytest.mark.parametrize("frame", FRAMES)
def test_several_projects_filter_the_list_and_name_the_issues_project(admin_client, frame):
    Project.objects.create(name=f"Worker {XSS}", slug="worker")
    site, worker = message_event("site error"), message_event("worker error", sdk=SDK)
    store(site)
    store(received.wrap(dumps(worker), {"project": "worker"}))
    list_html = admin_client.get(reverse(f"{frame}:issue_list")).content.decode()
    assert 'name="project"' in list_html and XSS not in list_html
    assert titles(admin_client, frame) == {"site error", "worker error"}
    assert titles(admin_client, frame, project="worker") == {"worker error"}
    assert titles(admin_client, frame, project="site") == {"site error"}
    html = admin_client.get(reverse(f"{frame}:issue_detail", args=[issue_of(worker).pk])).content.decode()
    assert 'class="ms-badge ms-project"' in html and "Worker &lt;script&gt;" in html
