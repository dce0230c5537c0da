"""Error storms: past the rate, events of an issue are counted exactly but stored one in N."""

import copy
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import Sum
from django.test import override_settings

import minisentry
from minisentry.backends import get_backend
from minisentry.models import Counter, Event, Issue, IssueHourlyCount, IssueTag
from minisentry.ops.stats import collect
from minisentry.pipeline import storm
from minisentry.processing import codec
from minisentry.processing.prepare import prepare
from minisentry.storage.save import save

from ..conftest import single_backend
from ..processing.test_scrubbing import secret_event
from ..uihelpers import exception_event, message_event

STORM = {"events_per_minute": 50, "keep_one_in": 10}


@pytest.fixture
def frozen(monkeypatch):
    """The sampler's clock stands still: one window however slow the machine."""
    monkeypatch.setattr(storm.sampler, "clock", lambda: 1000.0)


def burst(factory, n: int, users: int = 7, **overrides) -> list[dict]:
    start = datetime.now(UTC) - timedelta(hours=2)
    return [factory(timestamp=(start + timedelta(seconds=5 * i)).isoformat(), user={"id": f"u{i % users}"},
                    **overrides) for i in range(n)]


def store_all(events: list[dict]) -> None:
    hook = minisentry.store()
    for event in events:
        assert hook(event, {}) is None
    assert minisentry.flush(120)


@pytest.mark.parametrize("backend", ["filesystem", "database"], indirect=True)
@override_settings(MINISENTRY_STORM=STORM)
def test_storm_counts_every_event_and_stores_the_first_then_one_in_n(backend, frozen):
    before = minisentry.stats()["sampled_out"]
    store_all(burst(exception_event, 2000))
    [issue] = Issue.objects.all()
    stored = 50 + (2000 - 50) // 10
    assert Event.objects.count() == stored == 245
    assert all(e.load()["event_id"] == e.event_id for e in Event.objects.all())  # each with its blob
    assert issue.event_count == 2000
    assert issue.sampled_out == 2000 - stored
    assert IssueHourlyCount.objects.aggregate(n=Sum("count"))["n"] == 2000
    for key in ("level", "user", "release", "environment"):
        assert IssueTag.objects.filter(key=key).aggregate(n=Sum("count"))["n"] == 2000
    assert issue.user_count == 7
    assert Counter.objects.get(name="sampled_out").value == 2000 - stored
    assert minisentry.stats()["sampled_out"] - before == 2000 - stored
    assert collect().sampled_out_events == 2000 - stored


@single_backend
@override_settings(MINISENTRY_STORM=None)
def test_storm_off_stores_every_event(backend):
    store_all(burst(message_event, 700, message="cache miss"))
    assert Event.objects.count() == 700
    assert Issue.objects.get().sampled_out == 0
    assert not Counter.objects.filter(name="sampled_out").exists()


@single_backend
@override_settings(MINISENTRY_STORM=STORM)
def test_two_issues_are_sampled_independently(backend, frozen):
    loud, quiet = burst(message_event, 300, message="loud"), burst(message_event, 40, message="quiet")
    store_all([e for pair in zip(loud, quiet) for e in pair] + loud[40:])
    counts = {i.title: (i.event_count, i.sampled_out, i.events.count()) for i in Issue.objects.all()}
    assert counts == {"stock of loud is low": (300, 225, 75), "stock of quiet is low": (40, 0, 40)}


def test_a_new_minute_starts_a_new_window():
    now = [0.0]
    sampler = storm.Sampler(clock=lambda: now[0])
    kept = [sampler.keep("a", 2, 3) for _ in range(8)]
    assert kept == [True, True, False, False, True, False, False, True]
    now[0] = 59.9
    assert not sampler.keep("a", 2, 3)
    now[0] = 60.0
    assert [sampler.keep("a", 2, 3) for _ in range(3)] == [True, True, False]
    assert sampler.keep("b", 2, 3)


SECRET_EVENTS = [
    exception_event(),
    exception_event(tags={"api_token": "abc", "plan": "pro"}, request={"url": "https://shop.example/?token=s3"}),
    message_event("card 4111 1111 1111 1111", user={"username": "ada", "email": "ada@example.com"}),
    exception_event(exception={"values": [{"type": "CardError", "value": "declined 4111111111111111"}]},
                    fingerprint=["{{ default }}", "{{ transaction }}"], transaction="/pay/4111111111111111"),
    message_event("from an address", user={"ip_address": "{{auto}}"}, request={"env": {"REMOTE_ADDR": "10.0.0.9"}}),
]


@pytest.mark.parametrize("event", SECRET_EVENTS)
def test_counted_events_index_what_stored_ones_do(event):
    """The count-only path scrubs only what the index reads, and ends with the same index fields."""
    payload = codec.dumps(event)
    stored, counted = prepare(payload), prepare(payload, keep=lambda primary_hash: False)
    assert counted.sampled and not counted.blob and not stored.sampled
    fields = ("event_id", "timestamp", "level", "platform", "environment", "release", "server_name",
              "transaction", "title", "culprit", "message", "hashes", "grouped_by", "tags", "user")
    assert {f: getattr(counted, f) for f in fields} == {f: getattr(stored, f) for f in fields}
    assert "s3" not in str(counted.tags) and "4111" not in counted.title + counted.transaction


@pytest.mark.parametrize("event", SECRET_EVENTS)
def test_a_counted_event_dict_is_not_serialized_whole(event, monkeypatch):
    """The hook hands the writer the SDK's dict: counting it serializes only a copy of what the
    index reads (never stack frames, breadcrumbs or extra), and gives the index fields its JSON would."""
    counted_from_json = prepare(codec.dumps(event), keep=lambda primary_hash: False)
    dumped, snapshot = [], codec.snapshot
    monkeypatch.setattr(codec, "snapshot", lambda value: dumped.append(value) or snapshot(value))
    counted = prepare(event, keep=lambda primary_hash: False)
    assert counted.sampled and not counted.blob and dumped
    assert not any({"breadcrumbs", "extra", "modules", "sdk"} & set(value) for value in dumped)
    assert "stacktrace" not in str(dumped)
    fields = ("event_id", "timestamp", "level", "title", "culprit", "message", "hashes", "grouped_by", "tags", "user")
    assert {f: getattr(counted, f) for f in fields} == {f: getattr(counted_from_json, f) for f in fields}


def test_sampled_events_keep_their_payload_to_be_spooled():
    """A counted record keeps its payload: should storing fail, the writer spools it."""
    payload = codec.dumps(message_event("x", event_id=uuid.uuid4().hex))
    assert prepare(payload, keep=lambda primary_hash: False).payload == payload


def prepare_and_save(events: list[dict], path: str = "json"):
    """The writer's steps for one batch, in this thread: prepare under the storm setting, then save."""
    keep = storm.keeper()
    records = [prepare(codec.dumps(e) if path == "json" else e, keep) for e in events]
    return save(get_backend(), records)


def order_failed(number: str, n: int) -> list[dict]:
    return [message_event("x", logentry={"formatted": f"Order {number} failed"}) for _ in range(n)]


@pytest.mark.parametrize("path", ["json", "dict"])
@override_settings(MINISENTRY_STORM=STORM)
def test_the_sampler_counts_an_issue_as_it_is_stored_after_scrubbing(db, frozen, path):
    """A card number is scrubbed before grouping stores the issue: a flood of one card's message
    must not sample out another issue that grouped alike before scrubbing."""
    prepare_and_save(order_failed("4111111111111111", 200) + order_failed("1234567890127", 5), path)
    counts = {i.title: (i.event_count, i.sampled_out, i.events.count()) for i in Issue.objects.all()}
    assert counts == {"Order [Filtered] failed": (200, 135, 65), "Order 1234567890127 failed": (5, 0, 5)}


@override_settings(MINISENTRY_STORM={"events_per_minute": 0, "keep_one_in": 10})
def test_the_first_event_of_an_issue_is_always_stored(db, frozen):
    prepare_and_save([message_event(name) for name in ("tea", "milk", "jam")] + burst(exception_event, 25))
    stored = {i.title: (i.event_count, i.events.count()) for i in Issue.objects.all()}
    assert stored == {"stock of tea is low": (1, 1), "stock of milk is low": (1, 1),
                      "stock of jam is low": (1, 1), "ValueError: cart total is not a number": (25, 3)}


def test_a_flood_of_new_issues_does_not_end_a_storm():
    """10,000 new issues within the storm's minute: the storm's window is kept, its events still
    sampled (one in ten), and the table stays bounded."""
    sampler = storm.Sampler(clock=lambda: 1000.0)
    assert sum(sampler.keep("storm", 50, 10) for _ in range(100)) == 55
    assert all(sampler.keep(f"new {i}", 50, 10) for i in range(3 * storm.MAX_ISSUES))
    assert sum(sampler.keep("storm", 50, 10) for _ in range(100)) == 10
    assert sampler.tracked() <= 2 * storm.MAX_ISSUES


def test_calm_issues_are_forgotten_least_recently_seen_first():
    """An issue under the rate, seen now and then among a flood of new ones, keeps its window."""
    sampler = storm.Sampler(clock=lambda: 1000.0)
    for _ in range(3):
        sampler.keep("steady", 30, 3)
    for i in range(2 * storm.MAX_ISSUES):
        sampler.keep(f"once {i}", 30, 3)
        if i % 1000 == 0:
            sampler.keep("steady", 30, 3)  # seen again: not the least recent
    assert [sampler.keep("steady", 30, 3) for _ in range(8)] == [True] * 7 + [False]  # its 24th to 31st
    assert sampler.tracked() <= 2 * storm.MAX_ISSUES


@pytest.mark.parametrize("path", ["json", "dict"])
@pytest.mark.parametrize("event", SECRET_EVENTS + [secret_event()])
def test_a_kept_event_is_stored_as_without_the_sampler(event, path):
    """Asking the sampler scrubs a copy: the event kept is scrubbed, noted and stored as ever."""
    payload = codec.dumps(event)
    kept = prepare(payload if path == "json" else copy.deepcopy(event), keep=lambda primary_hash: True)
    alone = prepare(payload)
    assert (kept.payload, kept.hashes, kept.tags, kept.title) == (alone.payload, alone.hashes, alone.tags, alone.title)


def test_with_no_rate_a_flood_of_single_events_does_not_evict_a_storm():
    sampler = storm.Sampler(clock=lambda: 1000.0)
    assert [sampler.keep("storm", 0, 10) for _ in range(10)] == [True] + [False] * 8 + [True]
    assert all(sampler.keep(f"new {i}", 0, 10) for i in range(2 * storm.MAX_ISSUES))
    assert sum(sampler.keep("storm", 0, 10) for _ in range(100)) == 10
