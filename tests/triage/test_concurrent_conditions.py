"""Ignore conditions under several writer processes: each issue comes back once, on the batch that
met its condition, never before."""

import pytest

from minisentry.models import Activity, Issue
from minisentry.triage import status

from ..capture.test_writer import run_workers
from ..conftest import backend_config


@pytest.mark.slow
def test_two_processes_bring_ignored_issues_back_once(tmp_path, request, transactional_db):
    config = backend_config("filesystem", tmp_path, request)
    run_workers(config, tmp_path, 1, 3, "--sites", "3")
    by_events, by_users, forever = Issue.objects.order_by("pk")
    status.ignore(Issue.objects.filter(pk=by_events.pk), events=300)
    status.ignore(Issue.objects.filter(pk=by_users.pk), users=30)
    status.ignore(Issue.objects.filter(pk=forever.pk))
    results = run_workers(config, tmp_path, 2, 600, "--sites", "3", "--users", "40",
                          each=lambda i: ["--first-user", str(20 * i)])
    assert all(r["flushed"] and r["dropped"] == 0 for r in results)
    assert sorted(Issue.objects.values_list("event_count", "user_count")) == [(401, 60)] * 3
    assert dict(Issue.objects.values_list("pk", "status")) == {
        by_events.pk: "unresolved", by_users.pk: "unresolved", forever.pk: "ignored"}
    back = {issue: data for issue, data in Activity.objects.filter(kind="came_back").values_list("issue", "data")}
    assert Activity.objects.filter(kind="came_back").count() == 2
    assert back[by_events.pk]["reason"] == "events" and back[by_events.pk]["count"] >= 301
    assert back[by_users.pk]["reason"] == "users" and back[by_users.pk]["count"] >= 30
