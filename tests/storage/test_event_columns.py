"""Event ids and times in their narrow columns: the same Python values, queries and ordering on
both databases, and rows written by 0004's schema read back the same after migration 0005."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Max, Min

from minisentry.models import Event, Issue

OLD = ("minisentry", "0004_segments")
TIMES = [datetime(2026, 3, 1, 12, 0, tzinfo=UTC), datetime(2026, 3, 1, 12, 0, 0, 1, tzinfo=UTC),
         datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)]
NAMES = ("event_id", "issue_id", "timestamp", "level", "environment", "release", "server_name", "transaction",
         "user", "backend", "blob_size", "raw_size")
COLUMNS = ", ".join(f'"{name}"' for name in NAMES)


def migrate(target: tuple[str, str] | None = None):
    """The database migrated to ``target`` (by default the latest migration); its models then."""
    executor = MigrationExecutor(connection)
    target = target or next(node for node in executor.loader.graph.leaf_nodes() if node[0] == "minisentry")
    executor.migrate([target])
    return executor.loader.project_state(target).apps


def raw_rows() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT event_id, timestamp FROM minisentry_event ORDER BY timestamp")
        return cursor.fetchall()


def test_rows_of_0004_read_back_the_same_after_0005_and_back(transactional_db):
    ids = [uuid.uuid4().hex for _ in TIMES]
    try:
        old = migrate(OLD)
        issue = old.get_model("minisentry", "Issue").objects.create(
            fingerprint="f" * 32, title="t", first_seen=TIMES[0], last_seen=TIMES[0])
        with connection.cursor() as cursor:  # what 0004's Event wrote: 32 hex characters, Django's datetimes
            for event_id, moment in zip(ids, TIMES):
                cursor.execute(f"INSERT INTO minisentry_event ({COLUMNS}) VALUES "
                               f"(%s, %s, %s, 'error', '', '', '', '', '', 'filesystem', 1, 2)",
                               [event_id, issue.pk, connection.ops.adapt_datetimefield_value(moment)])
        written = raw_rows()
        migrate(None)
        assert dict(Event.objects.values_list("event_id", "timestamp")) == dict(zip(ids, TIMES))
        assert set(Event.objects.values_list("message", "handled")) == {("", None)}  # 0007: shown empty
        assert list(Event.objects.filter(timestamp__gte=TIMES[0]).order_by("timestamp").values_list(
            "pk", flat=True)) == ids[:2]
        assert Event.objects.get(pk=ids[2]).timestamp == TIMES[2]
        if connection.vendor == "sqlite":
            assert {type(value) for row in raw_rows() for value in row} == {bytes, int}
        migrate(OLD)
        assert raw_rows() == written
    finally:
        migrate()


@pytest.mark.django_db
def test_ids_and_times_keep_their_python_values_queries_and_order():
    issue = Issue.objects.create(fingerprint="a" * 32, title="t", first_seen=TIMES[0], last_seen=TIMES[0])
    ids = sorted(uuid.uuid4().hex for _ in range(4))
    times = [TIMES[0] + timedelta(microseconds=n) for n in (3, 0, 2, 0)]
    for event_id, moment in zip(ids, times):
        Event.objects.create(event_id=event_id, issue=issue, timestamp=moment, blob_size=1, raw_size=1)
    assert Event.objects.get(pk=uuid.UUID(ids[0])).event_id == ids[0]  # a UUID finds it too
    event = Event.objects.get(pk=ids[0].upper())
    assert (event.event_id, event.timestamp) == (ids[0], times[0])
    assert event.timestamp.tzinfo is not None
    assert list(Event.objects.order_by("timestamp", "pk").values_list("pk", flat=True)) == \
        [ids[1], ids[3], ids[2], ids[0]]
    assert list(Event.objects.filter(event_id__gt=ids[1], timestamp__lt=times[0]).values_list(
        "pk", flat=True)) == [ids[2], ids[3]]
    assert Event.objects.aggregate(a=Min("timestamp"), b=Max("timestamp")) == {"a": times[1], "b": times[0]}
    assert set(Event.objects.filter(pk__in=ids[:2]).values_list("pk", flat=True)) == set(ids[:2])


@pytest.mark.django_db
def test_date_lookups_read_the_times_on_both_databases():
    issue = Issue.objects.create(fingerprint="b" * 32, title="t", first_seen=TIMES[0], last_seen=TIMES[0])
    moments = {"late": datetime(2026, 3, 1, 23, 59, 59, 999_999, tzinfo=UTC),
               "early": datetime(1969, 12, 31, 23, 0, 0, 1, tzinfo=UTC), "noon": TIMES[0]}
    ids = {}
    for name, moment in moments.items():
        ids[name] = uuid.uuid4().hex
        Event.objects.create(event_id=ids[name], issue=issue, timestamp=moment, blob_size=1, raw_size=1)

    def found(**lookup) -> set[str]:
        return {name for name, pk in ids.items() if Event.objects.filter(pk=pk, **lookup).exists()}

    assert found(timestamp__date=datetime(2026, 3, 1).date()) == {"late", "noon"}
    assert found(timestamp__year=2026) == {"late", "noon"}
    assert found(timestamp__year__lt=2000) == {"early"}
    assert found(timestamp__hour=23) == {"late", "early"}
    assert found(timestamp__month=12, timestamp__day=31) == {"early"}
    assert found(timestamp__week_day=1) == {"late", "noon"}  # 2026-03-01 was a Sunday
    assert found(timestamp__date__gte=datetime(2026, 3, 1).date()) == {"late", "noon"}
