"""The read-only Django admin registrations and their links into the browse UI."""

import pytest
from django.contrib import admin
from django.test import override_settings
from django.urls import include, path, reverse

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


def urlconf(*patterns) -> type:
    """A URLconf of ``patterns`` (a class: Django caches resolvers by URLconf)."""
    return type("URLconf", (), {"urlpatterns": list(patterns)})


def test_the_admin_index_leads_straight_to_the_issue_browser(admin_client):
    index = admin_client.get(reverse("admin:index")).content.decode()
    issues = reverse("admin:minisentry_issue_changelist")
    assert f'href="{issues}"' in index  # the index's "Issues" row…
    assert admin_client.get(issues).url == reverse("minisentry:issue_list")  # …opens the issue browser


def admin_pages(client, issue, data) -> dict[str, object]:
    """Every Django admin page of minisentry's models: name → response."""
    return {name: client.get(url) for name, url in [
        ("index", reverse("admin:index")), ("app", reverse("admin:app_list", args=["minisentry"])),
        ("issues", reverse("admin:minisentry_issue_changelist")),
        ("issue", reverse("admin:minisentry_issue_change", args=[issue.pk])),
        ("events", reverse("admin:minisentry_event_changelist")),
        ("event", reverse("admin:minisentry_event_change", args=[data["event_id"]])),
    ]}


def test_a_wagtail_only_install_serves_the_django_admin_pages_linking_to_wagtails(admin_client):
    pytest.importorskip("wagtail")
    from wagtail.admin import urls as wagtailadmin_urls

    data = exception_event()
    store(data)
    issue = issue_of(data)
    wagtail_only = urlconf(path("cms/", include(wagtailadmin_urls)), path("django-admin/", admin.site.urls))
    with override_settings(ROOT_URLCONF=wagtail_only):
        pages = admin_pages(admin_client, issue, data)
        wagtail_list = reverse("minisentry_wagtail:issue_list")
        assert pages.pop("issues").url == wagtail_list
        assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
        assert f'href="{wagtail_list}" class="ms-browse-link"' in pages["app"].content.decode()
        issue_page = reverse("minisentry_wagtail:issue_detail", args=[issue.pk])
        assert f'href="{issue_page}"' in pages["issue"].content.decode()  # "View on site"
        event_page = reverse("minisentry_wagtail:event_detail", args=[data["event_id"]])
        assert f'<a href="{event_page}">{data["event_id"]}</a>' in pages["events"].content.decode()
        for name, args in [("issue_list", []), ("issue_detail", [issue.pk]), ("issue_events", [issue.pk]),
                           ("event_detail", [data["event_id"]]), ("event_raw", [data["event_id"]]),
                           ("event_json", [data["event_id"]]), ("storage", [])]:
            assert admin_client.get(reverse(f"minisentry_wagtail:{name}", args=args)).status_code == 200, name


def test_without_a_browse_ui_the_django_admin_pages_still_answer(admin_client):
    data = exception_event()
    store(data)
    issue = issue_of(data)
    with override_settings(ROOT_URLCONF=urlconf(path("admin/", admin.site.urls))):
        pages = admin_pages(admin_client, issue, data)
        changelist = reverse("admin:minisentry_issue_changelist")
        found = admin_client.get(changelist, {"q": "cart total", "status": "unresolved"})
    assert {name: page.status_code for name, page in pages.items()} == dict.fromkeys(pages, 200)
    assert "ValueError: cart total is not a number" in found.content.decode()  # the read-only list, searchable
    assert "ms-browse-link" not in pages["app"].content.decode()
