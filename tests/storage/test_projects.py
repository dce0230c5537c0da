"""Issues belong to projects: those of before migration 0009 to the default project, with their
grouping hashes; the same error in two projects is two issues; events of a project deleted after
its events were taken are counted as dropped."""

import uuid
from datetime import UTC, datetime

import sentry_sdk

import minisentry
from minisentry.models import DEFAULT_PROJECT, Counter, Issue, IssueHash, Project
from minisentry.processing import received
from minisentry.processing.codec import dumps
from minisentry.testing import store_events

from .test_event_columns import migrate

BEFORE = ("minisentry", "0008_store_aliases")
MOMENT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def event(message: str = "card declined") -> dict:
    return {"event_id": uuid.uuid4().hex, "message": message, "level": "error", "timestamp": MOMENT.isoformat()}


def test_issues_of_before_0009_join_the_default_project_with_their_hashes(transactional_db):
    try:
        old = migrate(BEFORE)
        issue = old.get_model("minisentry", "Issue").objects.create(
            fingerprint="a" * 32, title="old", first_seen=MOMENT, last_seen=MOMENT, event_count=3)
        hashes = old.get_model("minisentry", "IssueHash")
        hashes.objects.create(hash="a" * 32, issue=issue)
        hashes.objects.create(hash="b" * 32, issue=issue)
        migrate()
        migrated = Issue.objects.get(pk=issue.pk)
        assert migrated.project.slug == DEFAULT_PROJECT and migrated.project.name == "This site"
        assert set(IssueHash.objects.filter(issue=migrated).values_list("project_id", "hash")) == {
            (migrated.project_id, "a" * 32), (migrated.project_id, "b" * 32)}
        migrate(BEFORE)  # and back
        assert set(old.get_model("minisentry", "IssueHash").objects.values_list("hash", "issue_id")) == {
            ("a" * 32, issue.pk), ("b" * 32, issue.pk)}
    finally:
        migrate()


def test_the_same_error_in_two_projects_is_two_issues(db):
    store_events([event(), received.wrap(dumps(event()), {"project": "checkout-worker"})])
    store_events([event(), received.wrap(dumps(event()), {"project": "checkout-worker"})])
    by_project = dict(Issue.objects.values_list("project__slug", "event_count"))
    assert by_project == {DEFAULT_PROJECT: 2, "checkout-worker": 2}
    assert Project.objects.get(slug="checkout-worker").name == "checkout-worker"


def test_the_hook_names_a_project(backend):
    sentry_sdk.init(before_send=minisentry.store(project="billing"))
    try:
        sentry_sdk.capture_message("from the billing service")
        assert minisentry.flush(30)
    finally:
        sentry_sdk.init()
    assert Issue.objects.get(title="from the billing service").project.slug == "billing"


def test_events_of_a_deleted_project_are_counted_as_dropped(db):
    gone = Project.objects.create(name="gone", slug="gone")
    payload = received.wrap(dumps(event("late")), {"project": gone.pk, "untrusted": True})
    gone.delete()
    store_events([payload, event("kept")])
    assert list(Issue.objects.values_list("title", flat=True)) == ["kept"]
    assert Counter.objects.get(name="dropped").value == 1
