"""The API through Django's test client: shapes sentry-cli reads, cursor pages, permissions."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from minisentry.api.tokens import new_token
from minisentry.models import Activity, ApiToken, Issue, Project

from ..uihelpers import exception_event, issue_of, make_user, message_event, store

pytestmark = pytest.mark.django_db


def client_for(user, scope: str = "read") -> Client:
    _, raw = new_token(user, scope)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def reader():
    return client_for(make_user("reader", "view_issue"))


@pytest.fixture
def writer():
    return client_for(make_user("writer", "view_issue", "change_issue", "delete_issue"), "write")


def issues_url(org: str = "site", project: str = "site") -> str:
    return reverse("minisentry_api:project_issues", args=[org, project])


def test_the_list_has_what_sentry_cli_reads_as_strings(reader):
    event = exception_event()
    store(event)
    response = reader.get(issues_url(), {"query": "", "cursor": ""})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    [issue] = response.json()
    for key in ("id", "shortId", "title", "lastSeen", "status", "level", "count"):
        assert isinstance(issue[key], str), key
    assert issue["id"] == str(issue_of(event).pk) and issue["status"] == "unresolved"
    assert issue["shortId"].startswith("SITE-") and issue["project"]["slug"] == "site"
    assert issue["permalink"].endswith(reverse("minisentry:issue_detail", args=[issue_of(event).pk]))


def test_cursor_pages_follow_the_link_header(reader):
    store(*[message_event(f"message {i}", fingerprint=[f"m{i}"]) for i in range(7)])
    seen, url, pages = [], issues_url() + "?limit=3", 0
    while url:
        response = reader.get(url)
        seen += [issue["title"] for issue in response.json()]
        pages += 1
        nxt = re.search(r'<([^>]+)>; rel="next"; results="(true|false)"; cursor="([^"]*)"', response["Link"])
        url = nxt[1] if nxt[2] == "true" else None
    assert pages == 3 and len(seen) == len(set(seen)) == 7


def test_an_unknown_search_term_or_cursor_is_a_400_naming_it(reader):
    response = reader.get(issues_url(), {"query": "frobnicate:>3"})
    assert response.status_code == 400 and "frobnicate" in response.json()["detail"]
    assert reader.get(issues_url(), {"cursor": "x:y:z"}).status_code == 400


def test_unknown_organization_or_project_is_a_404(reader):
    assert reader.get(issues_url(org="other")).status_code == 404
    assert reader.get(issues_url(project="nope")).status_code == 404


def test_issue_and_events(reader):
    event = exception_event()
    store(event)
    pk = issue_of(event).pk
    assert reader.get(reverse("minisentry_api:issue", args=[pk])).json()["id"] == str(pk)
    assert reader.get(reverse("minisentry_api:org_issue", args=["site", pk])).status_code == 200
    [listed] = reader.get(reverse("minisentry_api:issue_events", args=[pk])).json()
    assert listed["eventID"] == event["event_id"] and "entries" not in listed
    latest = reader.get(reverse("minisentry_api:latest_event", args=[pk])).json()
    assert latest["eventID"] == event["event_id"] and latest["entries"][0]["type"] == "exception"
    one = reader.get(reverse("minisentry_api:project_event", args=["site", "site", event["event_id"]])).json()
    assert one["groupID"] == str(pk)


@pytest.mark.parametrize("who, method, status", [
    ("anonymous", "get", 401), ("bad token", "get", 401), ("inactive", "get", 401),
    ("no permission", "get", 403), ("reader", "get", 200), ("reader", "put", 403),
    ("writer", "put", 200), ("viewer with write token", "put", 403), ("writer", "delete", 403),
])
def test_permission_matrix(who, method, status):
    event = message_event("x")
    store(event)
    pk = issue_of(event).pk
    clients = {
        "anonymous": lambda: Client(),
        "bad token": lambda: Client(HTTP_AUTHORIZATION="Bearer sntryu_" + "0" * 64),
        "inactive": lambda: client_for(make_user("gone", "view_issue", active=False)),
        "no permission": lambda: client_for(make_user("nobody")),
        "reader": lambda: client_for(make_user("r", "view_issue", "change_issue")),
        "writer": lambda: client_for(make_user("w", "view_issue", "change_issue"), "write"),
        "viewer with write token": lambda: client_for(make_user("v", "view_issue"), "write"),
    }
    client = clients[who]()
    url = reverse("minisentry_api:issue", args=[pk])
    response = getattr(client, method)(url, b'{"status": "resolved"}', content_type="application/json") \
        if method != "get" else client.get(url)
    assert response.status_code == status
    if status == 401:
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_tokens_are_rate_limited(settings):
    settings.MINISENTRY_API_RATE_LIMIT = 3
    client = client_for(make_user("busy", "view_issue"))
    codes = [client.get(issues_url()).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_the_token_command_prints_a_token_that_works(capsys):
    from django.core.management import call_command

    make_user("ops", "view_issue")
    call_command("minisentry_token", "--user", "ops", "--scope", "write")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(r"sntryu_[0-9a-f]{64}", raw)
    assert ApiToken.objects.get().scope == "write"
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(reverse("minisentry_api:index")).json()["user"][
        "username"] == "ops"


def test_other_projects_issues_are_not_listed(reader):
    Project.objects.create(name="Worker", slug="worker")
    store(message_event("in site"))
    assert [i["title"] for i in reader.get(issues_url(project="worker")).json()] == []
    assert Issue.objects.count() == 1


def put(client, url: str, body: dict):
    return client.put(url, json.dumps(body), content_type="application/json")


def test_bulk_changes_speak_sentrys_body(writer):
    events = [message_event(f"failure {i}", fingerprint=[f"f{i}"], release="1.0") for i in range(4)]
    store(*events)
    a, b, c, d = (issue_of(e) for e in events)
    url = issues_url()
    assert put(writer, f"{url}?id={a.pk}", {"status": "resolvedInNextRelease"}).status_code == 200
    assert put(writer, f"{url}?id={b.pk}", {"status": "resolved", "statusDetails": {"inRelease": "2.0"}}).json() == {
        "status": "resolved", "statusDetails": {"inRelease": "2.0"}}
    assert put(writer, f"{url}?id={c.pk}", {"status": "muted", "snoozeDuration": 60}).status_code == 200
    ignored = put(writer, f"{url}?id={d.pk}", {"status": "ignored", "statusDetails": {"ignoreCount": 3}})
    assert ignored.status_code == 200
    a, b, c, d = (Issue.objects.get(pk=i.pk) for i in (a, b, c, d))
    assert (a.status, a.resolved_in, a.resolved_release) == ("resolved", "next_release", "1.0")
    assert (b.resolved_in, b.resolved_release) == ("release", "2.0")
    assert c.status == "ignored" and c.ignore_until is not None
    assert d.ignore_until_events == d.event_count + 3
    assert [x.kind for x in Activity.objects.filter(issue=d)] == ["ignored"]
    details = writer.get(reverse("minisentry_api:issue", args=[d.pk])).json()["statusDetails"]
    assert details == {"ignoreCount": 3}


def test_assign_and_merge_through_the_api(writer):
    events = [message_event(f"failure {i}", fingerprint=[f"f{i}"]) for i in range(2)]
    store(*events)
    a, b = (issue_of(e) for e in events)
    make_user("alice", "view_issue")
    url = f"{issues_url()}?id={a.pk}&id={b.pk}"
    assert put(writer, url, {"assignedTo": "alice"}).status_code == 200
    assert set(Issue.objects.values_list("assignee__username", flat=True)) == {"alice"}
    assert put(writer, url, {"assignedTo": "nobody"}).status_code == 400
    merged = put(writer, url, {"merge": 1}).json()["merge"]
    assert Issue.objects.count() == 1 and Issue.objects.get().pk == int(merged["parent"])
    gone = merged["children"][0]
    assert writer.get(reverse("minisentry_api:issue", args=[gone])).json()["id"] == merged["parent"]


@pytest.mark.parametrize("body", [
    b"not json", b"[1]", b'{"status": "sleeping"}', b'{"status": "muted", "snoozeDuration": -5}',
    b'{"status": "resolved", "statusDetails": {"inRelease": 7}}',
])
def test_bad_bodies_are_400(writer, body):
    store(message_event("x"))
    response = writer.put(issues_url(), body, content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]
    assert Issue.objects.get().status == "unresolved"
