"""An event counted without a row (an error storm) counts once however often its id is sent: in one
batch, in later batches (other transactions, as from other processes), and beside a stored copy."""

import copy
import io
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connections
from django.db.models import Sum

from minisentry.backends import get_backend
from minisentry.models import Counter, Event, Issue, IssueHourlyCount, IssueTag
from minisentry.processing import codec
from minisentry.processing.prepare import prepare
from minisentry.storage import index
from minisentry.storage.save import save

from ..uihelpers import message_event


def counted(event: dict, path: str):
    return prepare(codec.dumps(event) if path == "json" else copy.deepcopy(event), keep=lambda primary_hash: False)


def totals() -> tuple:
    issue = Issue.objects.get()
    return (issue.event_count, issue.sampled_out, Counter.objects.get(name="sampled_out").value,
            IssueHourlyCount.objects.aggregate(n=Sum("count"))["n"],
            IssueTag.objects.filter(key="level").aggregate(n=Sum("count"))["n"], Event.objects.count())


@pytest.mark.parametrize("path", ["json", "dict"])
def test_a_sampled_out_event_sent_three_times_counts_once(db, path):
    event = message_event("tea", user={"id": "42"})
    for _ in range(3):  # three batches: three transactions, as three processes would
        assert save(get_backend(), [counted(event, path)]).sampled_out in (0, 1)
    save(get_backend(), [counted(event, path), counted(event, path)])  # twice in one batch
    assert totals() == (1, 1, 1, 1, 1, 0)


def test_ids_counted_and_ids_stored_each_count_once(db):
    first, second = message_event("tea"), message_event("tea")
    save(get_backend(), [counted(first, "json"), prepare(codec.dumps(second))])
    save(get_backend(), [prepare(codec.dumps(first)), counted(second, "json")])  # the other way round
    assert totals() == (2, 1, 1, 2, 2, 1)


def test_cleanup_forgets_the_ids_of_old_sampled_out_events(db):
    old = message_event("tea", timestamp=(datetime.now(UTC) - timedelta(days=40)).isoformat())
    save(get_backend(), [counted(old, "json"), counted(message_event("tea"), "json")])
    call_command("minisentry_cleanup", "--max-age-days", "30", "--compact-below", "0", stdout=io.StringIO())
    save(get_backend(), [counted(old, "json")])  # past retention: a new event as far as counts go
    assert Issue.objects.get().event_count == 3


def test_of_two_writers_counting_one_id_only_one_counts_it(transactional_db):
    """Writer B inserts the id while writer A's transaction, which inserted it, is still open:
    whether B waits for A's commit (PostgreSQL's row lock, SQLite's write lock) or comes after it,
    B counts nothing."""
    record = counted(message_event("tea"), "json")
    results = {}

    def writer_b():
        try:
            with index.write_transaction(index.database()) as connection:
                results["b"] = index.count_once(connection, [record])
        finally:
            connections.close_all()

    with index.write_transaction(index.database()) as connection:
        results["a"] = index.count_once(connection, [record])
        b = threading.Thread(target=writer_b)
        b.start()
    b.join(30)
    assert results == {"a": {record.event_id}, "b": set()}
