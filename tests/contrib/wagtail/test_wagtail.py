"""The Wagtail admin integration (``minisentry.contrib.wagtail``) through Django's test client."""
# ruff: noqa: E402  (the imports follow the skip when Wagtail is not installed)

import pytest

pytest.importorskip("wagtail", reason="Wagtail is an optional extra: pip install django-minisentry[wagtail]")

import os
import subprocess
import sys
from datetime import timedelta

from django.contrib.auth.models import Permission
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from wagtail import hooks
from wagtail.admin.menu import admin_menu

from minisentry.contrib.wagtail import urls as wagtail_urls
from minisentry.models import Counter, Event, Issue

from ...conftest import ROOT
from ...uihelpers import XSS, exception_event, issue_of, make_user, message_event, store

pytestmark = pytest.mark.usefixtures("transactional_db")
VIEW, CHANGE, DELETE = "view_issue", "change_issue", "delete_issue"


def editor(name: str, *perms: str, admin_access: bool = True):
    """A Wagtail editor (not Django staff) with ``perms`` on issues."""
    user = make_user(name, *perms, staff=False)
    if admin_access:
        access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
        user.user_permissions.add(access_admin)
    return user


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(name: str, *args) -> str:
    return reverse(f"minisentry_wagtail:{name}", args=args)


def routes(event: dict):
    """(name, url) of every page of the Wagtail app, pointing at existing objects."""
    values = {"pk": issue_of(event).pk, "event_id": event["event_id"]}
    for pattern in wagtail_urls.urlpatterns:
        yield pattern.name, url(pattern.name, *(values[name] for name in pattern.pattern.converters))


def request(client: Client, name: str, target: str):
    return client.post(target) if name == "issue_action" else client.get(target)


@pytest.fixture
def event():
    data = exception_event()
    store(data)
    return data


# Menu, URLs, permissions ----------------------------------------------------------------------

def menu_names(user) -> list[str]:
    request = RequestFactory().get("/cms/")
    request.user = user
    return [item.name for item in admin_menu.menu_items_for_request(request)]


def test_menu_item_needs_the_view_permission():
    assert "minisentry-errors" in menu_names(editor("viewer", VIEW))
    assert "minisentry-errors" not in menu_names(editor("stranger"))
    assert "minisentry-errors" not in menu_names(editor("changer", CHANGE))


def test_menu_label_counts_unresolved_issues_of_the_last_day():
    store(exception_event(), message_event("TEA"), message_event("MUG"))
    Issue.objects.filter(title__contains="MUG").update(status=Issue.Status.RESOLVED)
    request = RequestFactory().get("/cms/")
    request.user = editor("viewer", VIEW)
    item = next(i for i in admin_menu.menu_items_for_request(request) if i.name == "minisentry-errors")
    assert item.render_component(request).label == "Errors (2)"
    Issue.objects.update(last_seen=timezone.now() - timedelta(hours=25))
    assert item.render_component(request).label == "Errors"


def test_menu_item_is_in_the_admin_sidebar(event):
    html = client_of(editor("viewer", VIEW)).get(reverse("wagtailadmin_home")).content.decode()
    assert "minisentry-errors" in html and url("issue_list") in html


def test_permissions_are_offered_to_the_group_editor():
    codenames = {p.codename for fn in hooks.get_hooks("register_permissions") for p in fn()}
    assert {VIEW, CHANGE, DELETE} <= codenames


def test_anonymous_users_go_to_the_wagtail_login(event):
    for name, target in routes(event):
        response = request(Client(), name, target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("wagtailadmin_login")), name


def test_users_without_admin_access_are_turned_away(event):
    client = client_of(editor("outsider", VIEW, CHANGE, DELETE, admin_access=False))
    for name, target in routes(event):
        assert request(client, name, target).status_code == 302, name


def test_editors_without_the_permission_get_403(event):
    client = client_of(editor("stranger"))
    for name, target in routes(event):
        response = request(client, name, target)
        assert response.status_code == 403, name
    assert b"do not have permission" in response.content


def test_viewers_see_every_page_but_cannot_act(event):
    client = client_of(editor("viewer", VIEW))
    for name, target in routes(event):
        if name == "issue_action":
            assert client.post(target, {"action": "resolve", "issue": issue_of(event).pk}).status_code == 403
        elif name == "issue_merge":
            assert client.get(target, {"issue": issue_of(event).pk}).status_code == 403
        else:
            assert client.get(target).status_code == 200, name
    assert b'value="resolve"' not in client.get(url("issue_detail", issue_of(event).pk)).content
    assert issue_of(event).status == Issue.Status.UNRESOLVED


# Issue list -----------------------------------------------------------------------------------

def test_list_has_level_title_culprit_count_last_seen_and_sparkline(admin_client):
    store(exception_event(), exception_event(), message_event("TEA"))
    html = admin_client.get(url("issue_list")).content.decode()
    for text in ("ValueError: cart total is not a number", "stock of TEA is low", "shop/nocontext.py in bare",
                 'class="ms-badge ms-level-error"', 'class="ms-badge ms-level-warning"', "Last seen", "Last 24 hours"):
        assert text in html, text
    assert html.count('<svg class="ms-sparkline"') == 2
    assert '<td class="ms-num">2<span class="ms-unit"> events</span></td>' in html
    assert url("issue_detail", Issue.objects.get(title__contains="TEA").pk) in html


def titles(client: Client, **params) -> set[str]:
    return {i.title for i in client.get(url("issue_list"), params).context["object_list"]}


def test_list_filters_search_and_sort(admin_client):
    store(
        exception_event(),
        message_event("TEA", environment="staging", release="shop@1.0", tags={"plan": "free"}),
        message_event("MUG", level="info", environment="production"),
    )
    everything = {"ValueError: cart total is not a number", "stock of TEA is low", "stock of MUG is low"}
    assert titles(admin_client) == everything
    assert titles(admin_client, level="info") == {"stock of MUG is low"}
    assert titles(admin_client, environment="staging") == {"stock of TEA is low"}
    assert titles(admin_client, release="shop@2.0") == {"ValueError: cart total is not a number"}
    assert titles(admin_client, q="MUG") == {"stock of MUG is low"}
    assert titles(admin_client, q="plan:free") == {"stock of TEA is low"}
    Issue.objects.filter(title__contains="MUG").update(status=Issue.Status.IGNORED)
    assert titles(admin_client) == everything - {"stock of MUG is low"}
    assert titles(admin_client, status="ignored") == {"stock of MUG is low"}
    assert titles(admin_client, status="all") == everything
    for ordering in ("event_count", "-last_seen", "bogus"):
        assert admin_client.get(url("issue_list"), {"status": "all", "ordering": ordering}).status_code == 200
    results = admin_client.get(url("issue_list_results"), {"q": "TEA"})
    assert "stock of TEA is low" in results.content.decode() and b"<html" not in results.content


def test_list_paginates(admin_client, monkeypatch):
    from minisentry.contrib.wagtail.views import IssueIndexView

    store(*(message_event(name) for name in ("TEA", "MUG", "POT")))
    monkeypatch.setattr(IssueIndexView, "paginate_by", 2)
    assert len(admin_client.get(url("issue_list")).context["object_list"]) == 2
    assert len(admin_client.get(url("issue_list"), {"p": 2}).context["object_list"]) == 1


# Issue and event pages -------------------------------------------------------------------------

def test_detail_renders_the_event_in_wagtails_frame(event, admin_client):
    issue = issue_of(event)
    html = admin_client.get(url("issue_detail", issue.pk)).content.decode()
    for text in ("ValueError", "KeyError", "shop/views.py", 'class="ms-error-line"', "cart 7 loaded",
                 "https://shop.example/checkout/7/", "ada@example.com", "CPython", "truncated (original length 3002)",
                 "w-breadcrumbs", "wagtail-sidebar", url("event_json", event["event_id"]),
                 url("issue_events", issue.pk),
                 url("issue_list") + "?status=all&amp;q=plan%3A%22pro%22"):
        assert text in html, text
    assert reverse("minisentry:issue_list") not in html  # every link stays in Wagtail's admin


def test_event_pages_json_and_events_list(admin_client):
    events = [exception_event(timestamp=(timezone.now() - timedelta(minutes=m)).isoformat()) for m in (3, 2, 1)]
    store(*events)
    middle = admin_client.get(url("event_detail", events[1]["event_id"]))
    assert middle.context["neighbours"]["next"] == events[2]["event_id"]
    assert url("event_detail", events[0]["event_id"]) in middle.content.decode()
    listing = admin_client.get(url("issue_events", issue_of(events[0]).pk))
    assert [e.event_id for e in listing.context["page"].object_list] == [e["event_id"] for e in events[::-1]]
    response = admin_client.get(url("event_json", events[0]["event_id"]))
    assert response["Content-Type"] == "application/json" and events[0]["event_id"].encode() in response.content
    assert admin_client.get(url("event_json", "f" * 32)).status_code == 404
    assert admin_client.get(url("issue_detail", 999999)).status_code == 404


def test_storage_page_shows_failed_alerts(admin_client):
    Counter.objects.create(name="alerts_failed", value=7)
    page = admin_client.get(reverse("minisentry_wagtail:storage")).content.decode()
    assert ">Alerts not sent</th><td>7</td>" in page


def test_event_data_is_escaped(admin_client):
    data = exception_event(message=XSS, tags={"evil": XSS}, extra={XSS: XSS}, user={"username": XSS}, culprit=XSS)
    data["exception"]["values"][-1]["value"] = XSS
    store(data)
    for target in (url("issue_detail", issue_of(data).pk), url("issue_list")):
        html = admin_client.get(target).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# Actions -------------------------------------------------------------------------------------

def test_resolve_redirects_back_with_a_wagtail_message(event):
    issue = issue_of(event)
    client = client_of(editor("changer", VIEW, CHANGE))
    detail = url("issue_detail", issue.pk)
    response = client.post(url("issue_action"), {"action": "resolve", "issue": issue.pk, "next": detail}, follow=True)
    assert response.redirect_chain == [(detail, 302)]
    assert issue_of(event).status == Issue.Status.RESOLVED
    html = response.content.decode()
    assert "1 issue updated." in html and 'class="success"' in html
    assert 'value="unresolve"' in html and 'value="delete"' not in html  # no delete permission


def test_delete_asks_then_removes(event):
    issue = issue_of(event)
    assert client_of(editor("changer", VIEW, CHANGE)).post(
        url("issue_action"), {"action": "delete", "issue": issue.pk}).status_code == 403
    client = client_of(editor("deleter", VIEW, CHANGE, DELETE))
    confirm = client.post(url("issue_action"), {"action": "delete", "issue": issue.pk})
    assert confirm.status_code == 200 and b'name="confirm"' in confirm.content and b"w-breadcrumbs" in confirm.content
    done = client.post(url("issue_action"), {"action": "delete", "issue": issue.pk, "confirm": "yes"}, follow=True)
    assert done.redirect_chain == [(url("issue_list"), 302)] and b"1 issue deleted." in done.content
    assert not Issue.objects.exists() and not Event.objects.exists()


# Misconfiguration ----------------------------------------------------------------------------

def test_check_explains_the_wagtail_app_without_minisentry(tmp_path):
    """The hooks must not import minisentry's models first, or check would crash instead of explaining."""
    (tmp_path / "no_minisentry.py").write_text(
        "from tests.settings import *\n"
        "INSTALLED_APPS = [a for a in INSTALLED_APPS if a != 'minisentry']\n"
        "ROOT_URLCONF = 'no_minisentry_urls'\n"
    )
    (tmp_path / "no_minisentry_urls.py").write_text(
        "from django.urls import include, path\nfrom wagtail.admin import urls\n"
        "urlpatterns = [path('cms/', include(urls))]\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "no_minisentry", "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"}
    result = subprocess.run([sys.executable, "-m", "django", "check"], env=env, capture_output=True, text=True)
    assert result.returncode == 1 and "minisentry.E010" in result.stderr, result.stderr
