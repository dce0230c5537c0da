"""Ignore conditions: each brings the issue back exactly when it is met, not one event earlier, with
the reason in its activity; time drives through event timestamps and a patched ``timezone.now``."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest

from minisentry.models import Activity, Issue
from minisentry.triage import status

from ..uihelpers import message_event, store

pytestmark = pytest.mark.usefixtures("db")
NOON = datetime(2026, 12, 6, 12, 30, tzinfo=UTC)


def tea(moment: datetime = None, **overrides) -> dict:
    return message_event("tea", timestamp=(moment or datetime.now(UTC)).isoformat(), **overrides)


def the_issue() -> Issue:
    return Issue.objects.get()


def came_back() -> list[dict]:
    return list(Activity.objects.filter(kind="came_back").values_list("data", flat=True))


def at(moment: datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_until_n_more_events_comes_back_on_the_nth():
    store(*(tea() for _ in range(12)))
    assert status.ignore(Issue.objects.all(), events=3) == 1
    assert the_issue().ignore_until_events == 15
    store(tea())
    store(tea())
    issue = the_issue()
    assert (issue.status, issue.event_count) == ("ignored", 14)  # counted while ignored
    assert came_back() == []
    store(tea())
    issue = the_issue()
    assert (issue.status, issue.ignore_until_events, issue.is_regression) == ("unresolved", None, False)
    assert came_back() == [{"reason": "events", "count": 15}]


def test_a_batch_crossing_the_target_brings_it_back_once():
    store(tea())
    status.ignore(Issue.objects.all(), events=2)
    store(*(tea() for _ in range(5)))
    assert (the_issue().status, the_issue().event_count) == ("unresolved", 6)
    store(tea())
    assert came_back() == [{"reason": "events", "count": 6}]


def test_until_n_more_users_counts_only_new_users():
    store(tea(user={"id": "1"}), tea(user={"id": "2"}))
    status.ignore(Issue.objects.all(), users=2)
    assert the_issue().ignore_until_users == 4
    store(tea(user={"id": "1"}), tea(user={"id": "2"}), tea(user={"id": "3"}), tea())
    assert (the_issue().status, the_issue().user_count) == ("ignored", 3)
    store(tea(user={"id": "4"}))
    assert (the_issue().status, the_issue().user_count) == ("unresolved", 4)
    assert came_back() == [{"reason": "users", "count": 4}]


def test_more_than_n_events_in_an_hour_uses_a_sliding_window():
    """At 12:30 the 11:00 hour counts half: 4 events there weigh 2."""
    store(*(tea(NOON - timedelta(minutes=70 - i)) for i in range(4)))  # 11:20..11:23
    with at(NOON):
        status.ignore(Issue.objects.all(), rate=5)
        store(*(tea(NOON - timedelta(minutes=20 - i)) for i in range(3)))  # 12:10..: 2 + 3 = 5, not more
        assert the_issue().status == "ignored"
        store(tea(NOON - timedelta(minutes=1)))  # 6 > 5
    assert the_issue().status == "unresolved"
    assert came_back() == [{"reason": "rate", "rate": 5, "last_hour": 6}]


def test_old_events_do_not_escalate():
    with at(NOON):
        store(tea(NOON))
        status.ignore(Issue.objects.all(), rate=2)
        store(*(tea(NOON - timedelta(hours=3, minutes=i)) for i in range(10)))
    assert (the_issue().status, the_issue().event_count) == ("ignored", 11)


def test_until_a_time_comes_back_on_the_first_event_after_it():
    with at(NOON):
        store(tea(NOON))
        status.ignore(Issue.objects.all(), until=NOON + timedelta(hours=1))
    with at(NOON + timedelta(minutes=59)):
        store(tea(NOON + timedelta(minutes=59)))
    assert the_issue().status == "ignored"
    with at(NOON + timedelta(hours=1)):
        store(tea(NOON + timedelta(hours=1)))
    assert the_issue().status == "unresolved"
    assert came_back() == [{"reason": "until", "until": (NOON + timedelta(hours=1)).isoformat()}]


def test_an_expired_time_comes_back_without_an_event():
    with at(NOON):
        store(tea(NOON))
        status.ignore(Issue.objects.all(), until=NOON + timedelta(hours=1))
        assert status.wake_expired() == []
    with at(NOON + timedelta(hours=1)):
        assert status.wake_expired() == [the_issue().pk]
        assert status.wake_expired() == []
    assert the_issue().status == "unresolved" and len(came_back()) == 1


def test_forever_never_comes_back_and_any_condition_suffices():
    store(tea())
    status.ignore(Issue.objects.all())
    store(*(tea() for _ in range(50)))
    assert the_issue().status == "ignored"
    status.ignore(Issue.objects.all(), events=100, users=1)
    store(tea(user={"id": "new"}))
    assert the_issue().status == "unresolved"
    assert came_back() == [{"reason": "users", "count": 1}]


def test_actions_write_their_activity_with_the_condition(django_user_model):
    ada = django_user_model.objects.create_user("ada")
    store(tea())
    with at(NOON):
        status.ignore(Issue.objects.all(), ada, until=NOON + timedelta(days=7))
        status.ignore(Issue.objects.all(), ada, events=3)
        status.unresolve(Issue.objects.all(), ada)
    rows = list(Activity.objects.order_by("id").values_list("kind", "user__username", "data"))
    assert rows == [("ignored", "ada", {"until": (NOON + timedelta(days=7)).isoformat()}),
                    ("ignored", "ada", {"events": 3}), ("unresolved", "ada", {})]
    issue = the_issue()
    assert (issue.status, issue.ignore_until, issue.ignore_until_events) == ("unresolved", None, None)
