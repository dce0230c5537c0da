"""Merging and unmerging: every count equals the one recomputed from the events, later events
follow the hash table, refusals."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Sum

from minisentry.models import (
    Activity,
    Event,
    Issue,
    IssueHash,
    IssueHourlyCount,
    IssueTag,
    MergedIssue,
    Project,
)
from minisentry.processing.legacy import modernized
from minisentry.processing.prepare import tags
from minisentry.storage.index import hour
from minisentry.triage.merge import MergeRefused, merge, unmerge

from ..uihelpers import exception_event, issue_of, make_user, message_event, store

pytestmark = pytest.mark.usefixtures("db")
START = datetime(2026, 3, 1, 10, 30, tzinfo=UTC)


def at(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).isoformat()


def from_scratch(issue: Issue) -> dict:
    """The issue's counts recomputed from its events (rows and stored JSON)."""
    events = list(Event.objects.filter(issue=issue))
    return {
        "events": len(events),
        "hours": Counter(hour(e.timestamp) for e in events),
        "tags": Counter(pair for e in events for pair in tags(modernized(e.load())[0])),
        "users": len({e.user for e in events} - {""}),
        "first_seen": min(e.timestamp for e in events), "last_seen": max(e.timestamp for e in events),
    }


def stored_counts(issue: Issue) -> dict:
    issue.refresh_from_db()
    return {
        "events": issue.event_count,
        "hours": Counter(dict(IssueHourlyCount.objects.filter(issue=issue).values_list("hour", "count"))),
        "tags": Counter({(k, v): n for k, v, n in
                         IssueTag.objects.filter(issue=issue).values_list("key", "value", "count")}),
        "users": issue.user_count, "first_seen": issue.first_seen, "last_seen": issue.last_seen,
    }


@pytest.fixture
def three():
    """Three issues: 3 events over two hours, 2 events, 1 event; various users and tags."""
    store(*(message_event("tea", timestamp=at(m), user={"id": f"u{m % 2}"}, tags={"shop": f"s{m}"})
            for m in (0, 40, 90)),
          *(exception_event(timestamp=at(m), user={"id": "u1"}) for m in (10, 100)),
          message_event("mug", timestamp=at(200), user={"email": "ada@example.com"}, environment="staging"))
    return sorted(Issue.objects.all(), key=lambda issue: -issue.event_count)


def test_merge_moves_everything_into_the_issue_with_most_events(three):
    admin = make_user("admin", "change_issue")
    most, *others = three
    hashes = set(IssueHash.objects.values_list("hash", flat=True))
    target = merge(three, admin)
    assert target.pk == most.pk and Issue.objects.get() == target
    assert stored_counts(target) == from_scratch(target)
    assert (target.event_count, target.user_count) == (6, 3)
    assert set(target.hashes.values_list("hash", flat=True)) == hashes
    assert dict(MergedIssue.objects.values_list("pk", "issue_id")) == {o.pk: target.pk for o in others}
    [activity] = Activity.objects.filter(kind="merged")
    assert (activity.issue_id, activity.user) == (target.pk, admin)
    assert sorted(activity.data["issues"]) == sorted(o.pk for o in others) and len(activity.data["hashes"]) >= 2


def test_later_events_follow_the_hash_table_and_merging_again_updates_redirects(three):
    most, second, third = three
    first_target = merge([second, third], None)
    later = message_event("mug", timestamp=at(300))
    store(later)
    assert issue_of(later) == first_target
    final = merge([most, first_target], None)
    assert set(MergedIssue.objects.values_list("issue_id", flat=True)) == {final.pk}
    assert MergedIssue.objects.count() == 2
    store(exception_event(timestamp=at(400)), message_event("tea", timestamp=at(401)))
    assert Issue.objects.get() == final
    assert stored_counts(final) == from_scratch(final) and final.event_count == 9


def test_sampled_out_counts_add_up(three):
    Issue.objects.filter(pk=three[1].pk).update(sampled_out=5, event_count=7)
    target = merge(three, None)
    assert (target.event_count, target.sampled_out) == (3 + 7 + 1, 5)
    assert target.pk == three[1].pk  # it had the most events then


def test_merge_is_refused_across_projects_and_for_one_issue(three):
    other = Project.objects.create(name="Shop app", slug="shop-app")
    Issue.objects.filter(pk=three[2].pk).update(project=other)
    with pytest.raises(MergeRefused, match="one project"):
        merge(three, None)
    with pytest.raises(MergeRefused, match="at least two"):
        merge(three[:1], None)
    assert Issue.objects.count() == 3 and not MergedIssue.objects.exists()


def test_unmerge_moves_a_hashs_events_and_exact_counts_to_a_new_issue(three):
    tea, errors, mug = three
    target = merge(three, None)
    before = from_scratch(target)
    error_hash = Event.objects.filter(message__contains="cart total").values_list("grouping_hash", flat=True)[0]
    new = unmerge(target, [error_hash], make_user("changer", "change_issue"))
    assert set(new.hashes.values_list("hash", flat=True)) == {error_hash}
    assert stored_counts(new) == from_scratch(new) and new.event_count == 2
    assert new.title.startswith("ValueError") and new.first_release == "shop@2.0"
    remaining = stored_counts(target)
    expected = from_scratch(target)
    assert {k: remaining[k] for k in ("events", "hours", "tags", "users")} == \
           {k: expected[k] for k in ("events", "hours", "tags", "users")}
    assert remaining["events"] + new.event_count == before["events"]
    assert (remaining["first_seen"], remaining["last_seen"]) == (before["first_seen"], before["last_seen"])
    kinds = dict(Activity.objects.filter(kind="unmerged").values_list("issue_id", "data"))
    assert kinds[target.pk]["to"] == new.pk and kinds[new.pk]["from"] == target.pk
    assert kinds[new.pk]["hashes"] == [error_hash]
    store(exception_event(timestamp=at(500)))  # a later event of that hash goes to the new issue
    new.refresh_from_db()
    assert new.event_count == 3


def test_unmerge_keeps_one_hash_and_names_what_is_wrong(three):
    tea = three[0]
    [only] = tea.hashes.values_list("hash", flat=True)
    with pytest.raises(MergeRefused, match="at least one hash"):
        unmerge(tea, [only], None)
    with pytest.raises(MergeRefused, match="Not a hash"):
        unmerge(tea, ["f" * 32], None)
    assert IssueTag.objects.aggregate(n=Sum("count"))["n"] == sum(len(tags(modernized(e.load())[0]))
                                                                  for e in Event.objects.all())


def test_unmerging_the_primary_hash_gives_the_issue_another(three):
    target = merge(three, None)
    primary = target.fingerprint
    new = unmerge(target, [primary], None)
    target.refresh_from_db()
    assert new.fingerprint == primary and target.fingerprint != primary
    assert target.fingerprint in set(target.hashes.values_list("hash", flat=True))
