"""The read-only Django admin registrations and their links into the browse UI."""

import pytest
from django.urls import reverse

from minisentry.models import Event

from ..uihelpers import exception_event, issue_of, store

pytestmark = pytest.mark.usefixtures("db")


def test_admin_index_lists_the_app(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert "Errors (minisentry)" in html
    assert reverse("admin:minisentry_issue_changelist") in html


def test_changelists_search_filter_and_link_to_the_browse_ui(admin_client):
    data = exception_event()
    store(data)
    issue = issue_of(data)
    issues = admin_client.get(reverse("admin:minisentry_issue_changelist"), {"q": "cart total", "status": "unresolved"})
    assert issues.status_code == 200
    assert reverse("minisentry:issue_detail", args=[issue.pk]) in issues.content.decode()
    events = admin_client.get(reverse("admin:minisentry_event_changelist"), {"q": data["event_id"]})
    assert reverse("minisentry:event_detail", args=[data["event_id"]]) in events.content.decode()
    assert admin_client.get(reverse("admin:minisentry_event_changelist"), {"q": "not-hex"}).status_code == 200


def test_admin_is_read_only(admin_client):
    data = exception_event()
    store(data)
    issue = issue_of(data)
    assert admin_client.get(reverse("admin:minisentry_issue_add")).status_code == 403
    page = admin_client.get(reverse("admin:minisentry_issue_change", args=[issue.pk]))
    assert page.status_code == 200 and b'name="_save"' not in page.content
    delete = admin_client.post(reverse("admin:minisentry_issue_delete", args=[issue.pk]), {"post": "yes"})
    assert delete.status_code == 403
    event_page = admin_client.get(reverse("admin:minisentry_event_change", args=[data["event_id"]]))
    assert event_page.status_code == 200
    assert Event.objects.filter(issue=issue).exists()
