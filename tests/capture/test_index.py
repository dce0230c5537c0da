"""The index transaction: regressions, users affected, exact counts from several processes."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Sum

from minisentry.models import Event, Issue, IssueTag
from minisentry.processing.users import user_key

from ..conftest import backend_config, single_backend
from ..uihelpers import exception_event, message_event, store
from .test_writer import run_workers


@pytest.mark.parametrize(("event", "key"), [
    ({"user": {"id": 42, "username": "ada", "email": "a@x", "ip_address": "10.0.0.1"}}, "id:42"),
    ({"user": {"username": "ada", "email": "a@x", "ip_address": "10.0.0.1"}}, "username:ada"),
    ({"user": {"email": "a@x", "ip_address": "10.0.0.1"}}, "email:a@x"),
    ({"user": {"ip_address": "10.0.0.1"}, "request": {"env": {"REMOTE_ADDR": "10.0.0.2"}}}, "ip:10.0.0.1"),
    ({"user": {"ip_address": "{{auto}}"}, "request": {"env": {"REMOTE_ADDR": "10.0.0.2"}}}, "ip:10.0.0.2"),
    ({"user": {"id": "", "data": {"plan": "pro"}}}, ""),
    ({"user": "ada", "request": "x"}, ""),
    ({}, ""),
])
def test_user_key_is_sentrys_user_tag(event, key):
    assert user_key(event) == key


@single_backend
def test_user_is_a_tag_and_issues_count_distinct_users(backend):
    long_id = "x" * 300
    events = [exception_event(user={"id": "42"}), exception_event(user={"email": "ada@example.com"}),
              exception_event(user={"id": "42", "email": "other@example.com"}), exception_event(user={})]
    stored = {e.event_id: e for e in store(*events)}
    assert [stored[e["event_id"]].user for e in events] == ["id:42", "email:ada@example.com", "id:42", ""]
    issue = Issue.objects.get()
    assert issue.user_count == 2
    assert dict(IssueTag.objects.filter(key="user").values_list("value", "count")) == {
        "id:42": 2, "email:ada@example.com": 1}
    store(exception_event(user={"id": long_id}), exception_event(user={"id": "42"}))
    issue.refresh_from_db()
    assert issue.user_count == 3
    [clipped] = Event.objects.exclude(user__in=["", "id:42", "email:ada@example.com"]).values_list("user", flat=True)
    assert len(clipped) == 200 and clipped.startswith("id:xxx")


@single_backend
def test_a_resolved_issue_reopens_with_when_and_in_which_release(backend):
    [first] = store(message_event("tea"))
    Issue.objects.update(status=Issue.Status.RESOLVED, resolved_at=datetime.now(UTC))
    later = datetime.now(UTC) + timedelta(minutes=5)
    store(message_event("tea", release="shop@3.1", timestamp=later.isoformat()),
          message_event("tea", release="shop@3.2", timestamp=(later + timedelta(minutes=1)).isoformat()))
    issue = Issue.objects.get()
    assert (issue.status, issue.is_regression, issue.resolved_at) == (Issue.Status.UNRESOLVED, True, None)
    assert (issue.regressed_at, issue.regressed_release) == (later, "shop@3.1")
    assert (issue.event_count, issue.release, issue.last_seen) == (3, "shop@3.2", later + timedelta(minutes=1))
    store(message_event("tea", release="shop@3.3"))  # unresolved now: no new regression
    issue.refresh_from_db()
    assert (issue.regressed_at, issue.regressed_release) == (later, "shop@3.1")


@pytest.mark.slow
def test_two_processes_count_their_users_exactly(tmp_path, request, transactional_db):
    config = backend_config("filesystem", tmp_path, request)
    results = run_workers(config, tmp_path, 2, 600, "--sites", "3", "--users", "40",
                          each=lambda i: ["--first-user", str(20 * i)])
    assert all(r["flushed"] and r["dropped"] == 0 for r in results)
    assert sorted(Issue.objects.values_list("event_count", "user_count")) == [(400, 60)] * 3
    assert IssueTag.objects.filter(key="user").aggregate(n=Sum("count"))["n"] == 1200
