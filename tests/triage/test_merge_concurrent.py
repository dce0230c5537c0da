"""Merge and unmerge while writer processes store events of the issues involved: every count still
equals the events sent."""

import subprocess
import sys
import time

import pytest
from django.db.models import Count, Sum
from django.test import override_settings

from minisentry.models import Event, Issue, IssueHourlyCount, IssueTag
from minisentry.triage.merge import merge, unmerge

from ..conftest import ROOT, backend_config, worker_env

PROCESSES, EVENTS, SITES, USERS = 3, 1500, 3, 30


def wait_for(condition, what: str, timeout: float = 120):
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return result


@pytest.mark.slow
def test_merge_and_unmerge_stay_exact_under_concurrent_writers(tmp_path, request, transactional_db):
    config = backend_config("filesystem", tmp_path, request)
    env = worker_env(config, tmp_path / "spool")
    procs = [subprocess.Popen([sys.executable, "-m", "tests.worker", "--events", str(EVENTS), "--sites", str(SITES),
                               "--users", str(USERS)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
             for _ in range(PROCESSES)]
    try:
        issues = wait_for(lambda: list(Issue.objects.all()) if Issue.objects.count() == SITES else None,
                          "the writers' three issues")
        with override_settings(MINISENTRY_BACKEND=config):
            target = merge(issues[:2], None)
            assert Event.objects.count() < PROCESSES * EVENTS, "the writers finished before the merge"
            target = merge([target, issues[2]], None)
            primary = target.fingerprint
            other = Event.objects.filter(issue=target).exclude(grouping_hash=primary).values_list(
                "grouping_hash", flat=True).first()
            new = unmerge(target, [other], None)
            assert Event.objects.count() < PROCESSES * EVENTS, "the writers finished before the unmerge"
        outputs = [p.communicate(timeout=600)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert [p.returncode for p in procs] == [0] * PROCESSES, outputs
    assert Issue.objects.count() == 2 and {target.pk, new.pk} == set(Issue.objects.values_list("pk", flat=True))
    assert Issue.objects.aggregate(n=Sum("event_count"))["n"] == PROCESSES * EVENTS == Event.objects.count()
    rows = dict(Event.objects.values("issue").annotate(n=Count("pk")).values_list("issue", "n"))
    for issue in Issue.objects.all():
        assert issue.sampled_out == 0
        assert issue.event_count == rows[issue.pk]
        assert IssueHourlyCount.objects.filter(issue=issue).aggregate(n=Sum("count"))["n"] == issue.event_count
        assert IssueTag.objects.filter(issue=issue, key="level").aggregate(n=Sum("count"))["n"] == issue.event_count
        users = set(Event.objects.filter(issue=issue).values_list("user", flat=True))
        assert issue.user_count == len(users) and IssueTag.objects.filter(issue=issue, key="user").count() == len(users)
        assert set(Event.objects.filter(issue=issue).values_list("grouping_hash", flat=True)) <= set(
            issue.hashes.values_list("hash", flat=True))
