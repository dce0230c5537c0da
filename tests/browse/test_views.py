"""The browse UI through Django's test client: access, list, detail, actions, escaping."""

import re

import orjson
import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, reverse

from minisentry import urls as minisentry_urls
from minisentry.backends import BlobMissing, get_backend
from minisentry.browse import views
from minisentry.models import Event, Issue, IssueTag

from ..uihelpers import (
    XSS,
    exception_event,
    issue_of,
    make_user,
    message_event,
    spread,
    store,
)

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def client_for():
    def login(*perms, **flags) -> Client:
        client = Client()
        client.force_login(make_user(f"user{len(perms)}{sorted(flags.items())}", *perms, **flags))
        return client

    return login


def get(client, name, *args, **params):
    return client.get(reverse(f"minisentry:{name}", args=args), params)


def route_args(pattern: URLPattern, event_data: dict) -> list:
    """Arguments for a URL pattern of the app, pointing at existing objects."""
    names = list(pattern.pattern.converters)
    values = {"pk": issue_of(event_data).pk, "event_id": event_data["event_id"]}
    return [values[name] for name in names]


def app_routes(event_data):
    for pattern in minisentry_urls.urlpatterns:
        yield pattern, reverse(f"minisentry:{pattern.name}", args=route_args(pattern, event_data))


# Access ---------------------------------------------------------------------------------------

def test_every_view_declares_a_permission():
    assert minisentry_urls.urlpatterns
    for pattern in minisentry_urls.urlpatterns:
        assert getattr(pattern.callback, "minisentry_permission", None), pattern.name


def test_anonymous_users_go_to_the_admin_login(event):
    client = Client()
    for pattern, url in app_routes(event):
        response = client.post(url) if pattern.name == "issue_action" else client.get(url)
        assert response.status_code == 302, pattern.name
        assert response["Location"].startswith(reverse("admin:login") + "?next="), pattern.name


@pytest.mark.parametrize("flags, perms", [
    ({"staff": False}, ("view_issue", "change_issue", "delete_issue")),  # not staff
    ({"active": False}, ("view_issue",)),  # inactive staff: not logged in at all
    ({}, ()),  # staff without the app's permission
])
def test_others_are_refused(event, client_for, flags, perms):
    client = client_for(*perms, **flags)
    for pattern, url in app_routes(event):
        response = client.post(url) if pattern.name == "issue_action" else client.get(url)
        assert response.status_code in (302, 403) if flags.get("active") is False else response.status_code == 403


def test_viewers_see_every_page_but_cannot_act(event, client_for):
    client = client_for("view_issue")
    for pattern, url in app_routes(event):
        if pattern.name == "issue_action":
            assert client.post(url, {"action": "resolve", "issue": issue_of(event).pk}).status_code == 403
        else:
            assert client.get(url).status_code == 200, pattern.name
    assert b'name="action"' not in get(client, "issue_list").content


def test_superusers_see_everything(event, admin_client):
    for pattern, url in app_routes(event):
        if pattern.name != "issue_action":
            assert admin_client.get(url).status_code == 200


def test_unknown_ids_are_404(admin_client):
    assert get(admin_client, "issue_detail", 999999).status_code == 404
    assert get(admin_client, "issue_events", 999999).status_code == 404
    assert get(admin_client, "event_detail", "0" * 32).status_code == 404
    assert get(admin_client, "event_json", "f" * 32).status_code == 404
    assert admin_client.get(reverse("minisentry:issue_list") + "events/not-an-id/").status_code == 404


def test_actions_need_csrf(event, admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    response = client.post(reverse("minisentry:issue_action"), {"action": "resolve", "issue": issue_of(event).pk})
    assert response.status_code == 403
    assert issue_of(event).status == Issue.Status.UNRESOLVED


# Issue list -----------------------------------------------------------------------------------

def test_list_shows_issues_with_level_counts_times_and_sparkline(admin_client):
    store(*spread(exception_event, 3), message_event("TEA"))
    response = get(admin_client, "issue_list")
    html = response.content.decode()
    assert "ValueError: cart total is not a number" in html
    assert "stock of TEA is low" in html
    assert "ms-level-error" in html and "ms-level-warning" in html
    assert re.search(r'class="ms-num">3<', html)
    assert html.count('<svg class="ms-sparkline"') == 2
    assert "minutes ago" in html and "<time datetime=" in html


def test_list_filters_search_and_sort(admin_client):
    store(
        exception_event(),
        message_event("TEA", environment="staging", release="shop@1.0", tags={"plan": "free"}),
        message_event("MUG", level="info", environment="production"),
    )

    def titles(**params) -> set[str]:
        return {i.title for i in get(admin_client, "issue_list", **params).context["issues"]}

    everything = {"ValueError: cart total is not a number", "stock of TEA is low", "stock of MUG is low"}
    assert titles() == everything
    assert titles(level="info") == {"stock of MUG is low"}
    assert titles(environment="staging") == {"stock of TEA is low"}
    assert titles(release="shop@2.0") == {"ValueError: cart total is not a number"}
    assert titles(query="MUG") == {"stock of MUG is low"}
    assert titles(query="nocontext.py") == {"ValueError: cart total is not a number"}  # culprit
    assert titles(query="plan:free") == {"stock of TEA is low"}
    assert titles(query='plan:"pro" cart') == {"ValueError: cart total is not a number"}
    assert titles(query='unbalanced "quote') == set()
    Issue.objects.filter(title__contains="MUG").update(status=Issue.Status.IGNORED)
    assert titles(status="ignored") == {"stock of MUG is low"}
    assert titles(status="all") == everything
    assert titles(status="nonsense") == everything - {"stock of MUG is low"}
    for sort in ("last_seen", "first_seen", "count", "bogus"):
        assert get(admin_client, "issue_list", status="all", sort=sort).status_code == 200


def test_list_paginates_without_counting_events(admin_client):
    store(*(message_event(name) for name in ("TEA", "MUG", "POT")))
    views.ISSUES_PER_PAGE, per_page = 2, views.ISSUES_PER_PAGE
    try:
        with CaptureQueriesContext(connection) as queries:
            first = get(admin_client, "issue_list")
        second = get(admin_client, "issue_list", page=2)
    finally:
        views.ISSUES_PER_PAGE = per_page
    assert len(first.context["issues"]) == 2 and len(second.context["issues"]) == 1
    assert "page=2" in first.content.decode()
    event_table = Event._meta.db_table
    assert not [q for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and event_table in q["sql"]]


def test_bulk_actions_change_status(admin_client):
    store(exception_event(), message_event("TEA"))
    ids = list(Issue.objects.values_list("pk", flat=True))
    url = reverse("minisentry:issue_action")
    response = admin_client.post(url, {"action": "resolve", "issue": ids, "next": "/admin/_minisentry/?status=all"})
    assert response.status_code == 302 and response["Location"] == "/admin/_minisentry/?status=all"
    assert set(Issue.objects.values_list("status", flat=True)) == {"resolved"}
    assert all(Issue.objects.values_list("resolved_at", flat=True))
    admin_client.post(url, {"action": "ignore", "issue": ids[:1]})
    assert Issue.objects.get(pk=ids[0]).status == "ignored"
    Issue.objects.update(is_regression=True)
    admin_client.post(url, {"action": "unresolve", "issue": ids})
    assert list(Issue.objects.order_by().values_list("status", "resolved_at", "is_regression").distinct()) == [
        ("unresolved", None, False)]
    response = admin_client.post(url, {"action": "explode", "issue": ids, "next": "https://evil.example/"})
    assert response["Location"] == reverse("minisentry:issue_list")


LISTINGS = [
    {}, {"status": "all"}, {"status": "ignored"}, {"query": "is:ignored"}, {"query": "is:resolved stock"},
    {"query": "is:unresolved", "status": "all"}, {"query": "stock TEA"}, {"query": '"stock of"'},
    {"query": "is:ignored stock", "status": "resolved"}, {"level": "warning"}, {"environment": "production"},
    {"query": "release:shop@2.0"}, {"query": "!plan:pro stock"}, {"query": "is:nonsense"},
]


@pytest.mark.parametrize("params", LISTINGS)
def test_select_all_selects_what_the_list_lists(admin_client, params):
    store(exception_event(), *(message_event(name) for name in ("TEA", "MUG", "POT")))
    Issue.objects.filter(title__contains="MUG").update(status=Issue.Status.IGNORED)
    Issue.objects.filter(title__contains="POT").update(status=Issue.Status.RESOLVED)
    page = get(admin_client, "issue_list", **params)
    listed = {issue.pk for issue in page.context["issues"]}
    boxes = {int(pk) for pk in re.findall(r'name="issue" value="(\d+)" class="action-select"', page.content.decode())}
    assert boxes == listed and 'class="ms-select-all"' in page.content.decode()
    if listed:
        confirm = admin_client.post(reverse("minisentry:issue_action"), {"action": "delete", "issue": sorted(boxes)})
        assert {issue.pk for issue in confirm.context["issues"]} == listed


@pytest.mark.parametrize("bad", ["\u00b2", "1" * 30, "abc", "-3"])
@pytest.mark.parametrize("action", ["resolve", "delete"])
def test_bulk_actions_refuse_ids_that_are_not_ids(admin_client, bad, action):
    store(message_event("TEA"))
    pk = Issue.objects.get().pk
    response = admin_client.post(reverse("minisentry:issue_action"), {"action": action, "issue": [pk, bad]})
    assert response.status_code == 400
    assert "Not an issue id" in response.content.decode()
    assert Issue.objects.get().status == Issue.Status.UNRESOLVED


def test_delete_asks_then_removes_rows_and_blobs(event, client_for):
    issue = issue_of(event)
    stored = Event.objects.get(event_id=event["event_id"])
    url = reverse("minisentry:issue_action")
    changer = client_for("view_issue", "change_issue")
    assert changer.post(url, {"action": "delete", "issue": issue.pk}).status_code == 403
    deleter = client_for("view_issue", "change_issue", "delete_issue")
    confirm = deleter.post(url, {"action": "delete", "issue": issue.pk})
    assert confirm.status_code == 200 and b'name="confirm"' in confirm.content
    assert Issue.objects.filter(pk=issue.pk).exists()
    detail = reverse("minisentry:issue_detail", args=[issue.pk])
    done = deleter.post(url, {"action": "delete", "issue": issue.pk, "confirm": "yes", "next": detail})
    assert done["Location"] == reverse("minisentry:issue_list")
    assert not Issue.objects.filter(pk=issue.pk).exists() and not Event.objects.exists()
    with pytest.raises(BlobMissing):
        stored.load()


def test_regression_is_visible(admin_client):
    first = exception_event()
    store(first)
    Issue.objects.update(status=Issue.Status.RESOLVED)
    store(exception_event())
    issue = issue_of(first)
    assert issue.is_regression and issue.status == Issue.Status.UNRESOLVED
    assert "regression" in get(admin_client, "issue_list").content.decode()
    assert "regression" in get(admin_client, "issue_detail", issue.pk).content.decode()


# Issue and event pages -------------------------------------------------------------------------

def test_detail_renders_every_part_of_the_event(event, admin_client):
    issue = issue_of(event)
    html = get(admin_client, "issue_detail", issue.pk).content.decode()
    for text in (
        "ValueError", "cart total is not a number", "KeyError", "unhandled", "handled", "Grouped by",
        "shop/views.py", "checkout", 'class="ms-error-line"', "total = sum(map(price_of, cart))",
        "No source context for this frame.", "ms-hideable", "local variables", "NAMES",
        "truncated (original length 3002)", "trimmed by the SDK (140 items originally)",
        "cart 7 loaded", "https://shop.example/checkout/7/", "coupon=TEA10", "User-Agent",
        "ada@example.com", "plan", "CPython", "Linux", "lines", "sentry-sdk", "sentry.python.django",
        "shop@2.0", "web-7",
    ):
        assert text in html, text
    assert "&amp;#x27;" not in html  # escaped once, not twice
    assert html.index("ValueError") < html.index("KeyError")  # the raised exception first
    assert html.index("shop/nocontext.py") < html.index("shop/views.py")  # most recent call first


def test_pages_use_few_queries(event, admin_client, transactional_db):  # as served: no test savepoints counted
    for name, args in (("issue_list", ()), ("issue_detail", (issue_of(event).pk,))):
        with CaptureQueriesContext(connection) as queries:
            assert get(admin_client, name, *args).status_code == 200
        # 11: one of them looks for ignored issues whose time ran out (triage.status.wake_expired)
        assert len(queries) <= 11, [q["sql"] for q in queries.captured_queries]


def test_detail_shows_tag_distribution(admin_client):
    events = [exception_event(tags={"plan": plan}) for plan in ("pro", "pro", "pro", "free")]
    store(*events)
    issue = issue_of(events[0])
    assert IssueTag.objects.get(issue=issue, key="plan", value="pro").count == 3
    response = get(admin_client, "issue_detail", issue.pk)
    plan = next(t for t in response.context["tag_distribution"] if t["key"] == "plan")
    assert [(v["value"], round(v["percent"])) for v in plan["values"]] == [("pro", 75), ("free", 25)]


def test_event_navigation_and_events_list(admin_client):
    events = spread(exception_event, 4)
    store(*events)
    ids = [e["event_id"] for e in events]
    latest = get(admin_client, "issue_detail", issue_of(events[0]).pk).context
    assert latest["event"].event_id == ids[-1]
    assert latest["neighbours"] == {"oldest": ids[0], "previous": ids[2], "next": None, "latest": None}
    middle = get(admin_client, "event_detail", ids[1]).context["neighbours"]
    assert middle == {"oldest": ids[0], "previous": ids[0], "next": ids[2], "latest": ids[3]}
    html = get(admin_client, "event_detail", ids[1]).content.decode()
    assert reverse("minisentry:event_json", args=[ids[1]]) in html
    listing = get(admin_client, "issue_events", issue_of(events[0]).pk)
    assert [e.event_id for e in listing.context["page"].object_list] == ids[::-1]


def test_event_json_is_the_stored_event(event, admin_client):
    response = get(admin_client, "event_json", event["event_id"])
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert orjson.loads(response.content) == Event.objects.get(event_id=event["event_id"]).load()


def test_missing_blob_still_renders(event, admin_client):
    stored = Event.objects.get(event_id=event["event_id"])
    stored.load()
    get_backend().delete_blobs([stored.blob_key])
    assert b"no longer readable" in get(admin_client, "issue_detail", stored.issue_id).content
    assert get(admin_client, "event_json", stored.event_id).status_code == 404


def test_message_event_shows_template_and_formatted(admin_client):
    data = message_event("TEA")
    store(data)
    html = get(admin_client, "issue_detail", issue_of(data).pk).content.decode()
    assert "stock of TEA is low" in html and "stock of TEA is %s" in html


def test_event_data_is_escaped_everywhere(admin_client):
    data = exception_event(
        message=XSS, tags={"evil": XSS, XSS[:30]: "key"}, extra={XSS: XSS}, user={"username": XSS},
        breadcrumbs={"values": [{"message": XSS, "category": XSS, "level": XSS, "data": {"x": XSS}}]},
        request={"method": XSS, "url": XSS, "headers": {XSS: XSS}, "data": XSS},
    )
    data["exception"]["values"][-1]["stacktrace"]["frames"][1]["vars"]["payload"] = XSS
    data["exception"]["values"][-1]["value"] = XSS
    store(data)
    issue = issue_of(data)
    for response in (get(admin_client, "issue_detail", issue.pk), get(admin_client, "issue_list")):
        html = response.content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_demo_command_seeds_issues_that_render(admin_client, transactional_db):  # the demo captures through the writer
    call_command("minisentry_demo", stdout=open("/dev/null", "w"))
    issues = list(Issue.objects.all())
    titles = " ".join(i.title for i in issues)
    for expected in ("CheckoutFailed", "KeyError", "ValueError", "TimeoutError", "refund of order", "stock for"):
        assert expected in titles
    assert any(i.is_regression for i in issues)
    assert any("fingerprint" in i.grouped_by for i in issues)
    assert {i.level for i in issues} >= {"error", "warning", "info", "fatal"}
    for issue in issues:
        assert get(admin_client, "issue_detail", issue.pk).status_code == 200
    assert get(admin_client, "issue_list", status="all").status_code == 200
