"""Resolving in the next release or in a release: only an event from a release the resolution does
not cover reopens the issue, with a ``regressed`` activity naming it; releases order by semver, else
by when the project first saw them."""

from datetime import UTC, datetime, timedelta

import pytest

from minisentry.models import Activity, Issue, Release
from minisentry.storage.releases import latest, newer, semver
from minisentry.triage import status

from ..uihelpers import message_event, store

pytestmark = pytest.mark.usefixtures("db")
START = datetime.now(UTC) - timedelta(hours=1)


def tea(release: str = "", minute: int = 0) -> dict:
    return message_event("tea", release=release, timestamp=(START + timedelta(minutes=minute)).isoformat())


def the_issue() -> Issue:
    return Issue.objects.get()


def regressed() -> list[dict]:
    return [data["release"] for data in Activity.objects.filter(kind="regressed").values_list("data", flat=True)]


@pytest.mark.parametrize("older, newer_one", [
    ("1.2", "1.10"), ("shop@2.4.0", "shop@2.4.1"), ("2.4.1-rc.1", "2.4.1"), ("2.4.1-rc.2", "2.4.1-rc.10"),
    ("2.4.1-alpha", "2.4.1-beta"), ("v1.0.0", "v1.0.0.1"), ("1.0.0-1", "1.0.0-a"),
])
def test_semver_order(older, newer_one):
    assert newer(newer_one, older, {}) and not newer(older, newer_one, {})


def test_other_releases_order_by_first_seen():
    seen = {"f00d": START, "beef": START + timedelta(minutes=1), "2.0": START + timedelta(minutes=2)}
    assert newer("beef", "f00d", seen) and not newer("f00d", "beef", seen)
    assert newer("2.0", "beef", seen)  # not both semver: by first seen
    assert newer("cafe", "beef", seen) and not newer("beef", "cafe", seen)  # not seen yet: newer
    assert newer("anything", "", seen) and not newer("beef", "beef", seen)
    assert semver("abc1234") is None and semver("2024") is None and semver("other@1.0")[0] == "other"


def test_resolved_now_reopens_on_any_event_even_without_release():
    store(tea("shop@2.0"))
    status.resolve(Issue.objects.all())
    store(tea(minute=1))
    issue = the_issue()
    assert (issue.status, issue.is_regression, issue.regressed_release) == ("unresolved", True, "")
    assert regressed() == [""]


def test_next_release_reopens_only_on_a_newer_release():
    store(tea("shop@2.0"), tea("shop@2.1", 1))
    status.resolve(Issue.objects.all(), in_release=status.NEXT)
    issue = the_issue()
    assert (issue.status, issue.resolved_in, issue.resolved_release) == ("resolved", "next_release", "shop@2.1")
    store(tea("shop@2.1", 2), tea("shop@2.0", 3), tea("", 4))
    assert (the_issue().status, the_issue().event_count) == ("resolved", 5)
    store(tea("shop@2.1", 5), tea("shop@2.2", 6), tea("shop@2.3", 7))
    issue = the_issue()
    assert (issue.status, issue.is_regression, issue.regressed_release) == ("unresolved", True, "shop@2.2")
    assert issue.regressed_at == START + timedelta(minutes=6)
    assert (issue.resolved_in, issue.resolved_release) == ("", "")
    assert regressed() == ["shop@2.2"]


def test_in_release_reopens_from_that_release_on():
    store(tea("shop@2.9"))
    status.resolve(Issue.objects.all(), in_release="shop@3.0")
    store(tea("shop@2.9", 1), tea("shop@3.0-rc.1", 2))
    assert the_issue().status == "resolved"
    store(tea("shop@3.0", 3))
    assert (the_issue().status, the_issue().regressed_release) == ("unresolved", "shop@3.0")


def test_releases_without_semver_follow_when_they_were_first_seen():
    store(tea("f00d"))
    store(tea("beef", 1))
    assert latest(the_issue().project_id) == "beef"
    status.resolve(Issue.objects.all(), in_release=status.NEXT)
    store(tea("f00d", 2), tea("beef", 3))
    assert the_issue().status == "resolved"
    store(tea("0a1b", 4))  # first seen now: newer
    assert (the_issue().status, the_issue().regressed_release) == ("unresolved", "0a1b")
    assert list(Release.objects.order_by("first_seen").values_list("version", flat=True)) == ["f00d", "beef", "0a1b"]


def test_latest_is_by_semver_when_the_recent_releases_follow_it():
    store(tea("shop@2.10"), tea("shop@2.9", 1))  # 2.9 seen last, 2.10 newer
    assert latest(the_issue().project_id) == "shop@2.10"
    store(tea("deadbeef", 2))
    assert latest(the_issue().project_id) == "deadbeef"


def test_next_release_without_any_release_reopens_on_the_first_release():
    store(tea())
    status.resolve(Issue.objects.all(), in_release=status.NEXT)
    store(tea(minute=1))
    assert the_issue().status == "resolved"
    store(tea("1.0", 2))
    assert the_issue().status == "unresolved"


def test_resolving_again_replaces_the_condition_and_sends_the_signal(
        django_user_model, django_capture_on_commit_callbacks):
    from minisentry.signals import issue_resolved

    ada, received = django_user_model.objects.create_user("ada"), []
    store(tea("shop@2.0"))
    issue_resolved.connect(receiver := lambda **kw: received.append(kw), weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            status.resolve(Issue.objects.all(), ada, in_release="shop@2.5")
            assert received == []  # after commit only
    finally:
        issue_resolved.disconnect(receiver)
    assert [(r["issue_id"], r["user"], r["resolved_in"], r["release"]) for r in received] == [
        (the_issue().pk, ada, "release", "shop@2.5")]
    status.resolve(Issue.objects.all(), ada)
    assert (the_issue().resolved_in, the_issue().resolved_release) == ("", "")
    assert list(Activity.objects.order_by("id").values_list("kind", "data")) == [
        ("resolved", {"in": "release", "release": "shop@2.5"}), ("resolved", {"in": "", "release": ""})]
