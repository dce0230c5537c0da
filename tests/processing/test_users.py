"""Users affected come from the event's ``user`` interface only, and a user id is never taken for a card number."""

import pytest

from minisentry.backends import get_backend
from minisentry.models import Issue, IssueTag
from minisentry.processing import codec
from minisentry.processing.prepare import prepare
from minisentry.storage.save import save

from ..uihelpers import message_event

LUHN_IDS = ["4111111111111111", "5500000000000004", "4012888888881881"]  # pass the Luhn check


def records(*events: dict) -> list:
    return [prepare(codec.dumps(event)) for event in events]


@pytest.mark.parametrize("tags", [{"user": "id:ceo"}, [["user", "id:ceo"], ["plan", "pro"]]])
def test_a_user_tag_is_not_a_user(tags):
    [record] = records(message_event("tea", tags=tags))
    assert record.user == ""
    assert ("user", "id:ceo") not in record.tags


def test_the_user_interface_wins_over_a_user_tag():
    [record] = records(message_event("tea", tags={"user": "id:ceo"}, user={"id": "42"}))
    assert record.user == "id:42" and [v for k, v in record.tags if k == "user"] == ["id:42"]


@pytest.mark.parametrize("path", ["json", "dict"])
def test_a_numeric_user_id_is_not_scrubbed_as_a_card_number(path):
    event = message_event("tea", user={"id": LUHN_IDS[0], "username": "4111 1111 1111 1111"})
    record = prepare(codec.dumps(event) if path == "json" else event)
    assert record.user == f"id:{LUHN_IDS[0]}"
    stored = codec.loads(record.payload)
    assert stored["user"]["id"] == LUHN_IDS[0]
    assert stored["user"]["username"] == "[Filtered]"  # elsewhere, card numbers are still scrubbed


def test_sampled_out_events_count_the_same_users():
    event = message_event("tea", tags={"user": "id:ceo"}, user={"id": LUHN_IDS[1]})
    counted = prepare(codec.dumps(event), keep=lambda primary_hash: False)
    assert counted.sampled and counted.user == f"id:{LUHN_IDS[1]}"


def test_issues_count_users_from_the_interface_only(db):
    events = [message_event("tea", tags={"user": "id:ceo"}) for _ in range(3)]
    events += [message_event("tea", user={"id": user_id}) for user_id in LUHN_IDS]
    save(get_backend(), records(*events))
    issue = Issue.objects.get()
    assert issue.user_count == 3
    assert sorted(IssueTag.objects.filter(key="user").values_list("value", flat=True)) == sorted(
        f"id:{user_id}" for user_id in LUHN_IDS)
