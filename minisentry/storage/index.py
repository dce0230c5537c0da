"""The index transaction: issues, hashes, events, tag and hourly counts for a batch of records.

Counts are changed only by atomic SQL (``F()`` updates and ``INSERT … ON CONFLICT`` adds), and
new issues are created under a lock, so many writer processes can share one database.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connections, router, transaction
from django.db.models import Case, F, Model, Value, When
from django.db.models.functions import Greatest, Least

from ..models import Counter, Event, Issue, IssueHash, IssueHourlyCount, IssueTag
from ..processing.prepare import EventRecord

# Any constant works: it names the advisory lock that serialises issue creation on PostgreSQL.
_ISSUE_LOCK_ID = 0x6D696E69


def database() -> str:
    return router.db_for_write(Event)


@contextmanager
def write_transaction(using: str):
    """``atomic()`` that takes SQLite's write lock up front, so concurrent writers wait, not fail."""
    connection = connections[using]
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        connection.transaction_mode = "IMMEDIATE"
    with transaction.atomic(using=using):
        yield connection


_EVENT_COLUMNS = ("event_id", "issue_id", "timestamp", "level", "environment", "release", "server_name",
                  "transaction", "user", "backend", "segment_id", "blob_offset", "blob_size", "raw_size")


def insert(connection, model: type[Model], columns: Sequence[str], rows: list[tuple]) -> None:
    """One ``INSERT`` executed for many rows: what ``bulk_create`` does, without its per-object cost."""
    fields = [model._meta.get_field(column) for column in columns]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        connection.ops.quote_name(model._meta.db_table),
        ", ".join(connection.ops.quote_name(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [
            [field.get_db_prep_save(value, connection) for field, value in zip(fields, row)] for row in rows
        ])  # fmt: skip


def known_event_ids(event_ids: Iterable[str], using: str) -> set[str]:
    return set(Event.objects.using(using).filter(pk__in=list(event_ids)).values_list("pk", flat=True))


@dataclass
class Stored:
    """What one index transaction did."""

    records: list[EventRecord] = field(default_factory=list)  # newly indexed events
    new_issues: list[int] = field(default_factory=list)
    regressions: list[int] = field(default_factory=list)  # resolved issues the batch reopened


def store(records: Sequence[EventRecord], backend: str, segment: Model | None = None,
          offsets: dict[str, int] | None = None) -> Stored:
    """Index ``records`` (their blobs already written: one each in ``backend``, or ``segment``,
    a :class:`~minisentry.models.Segment` saved here, at ``offsets`` by event id) in one transaction.

    Events whose id is already indexed are skipped, which makes replays idempotent.
    """
    using = database()
    with write_transaction(using) as connection:
        known = known_event_ids((r.event_id for r in records), using)
        fresh = {}
        for record in records:
            if record.event_id not in known:
                fresh.setdefault(record.event_id, record)
        result = Stored(records=list(fresh.values()))
        records = result.records
        if not records:
            return result
        issue_of, result.new_issues = _resolve_issues(records, connection)
        if segment is not None:
            segment.save(using=using)
        kind, segment_id, offsets = ("", segment.pk, offsets) if segment else (backend, None, {})
        insert(connection, Event, _EVENT_COLUMNS, [
            (r.event_id, issue_of[r.event_id], r.timestamp, r.level, r.environment, r.release,
             r.server_name, r.transaction, r.user, kind, segment_id, offsets.get(r.event_id), len(r.blob),
             len(r.payload))
            for r in records
        ])  # fmt: skip
        by_issue = defaultdict(list)
        for record in records:
            by_issue[issue_of[record.event_id]].append(record)
        result.regressions = list(
            Issue.objects.using(using)
            .filter(pk__in=by_issue, status=Issue.Status.RESOLVED)
            .values_list("pk", flat=True)
        )
        for issue_id in sorted(by_issue):  # a fixed order: no deadlocks between writers
            _update_issue(issue_id, by_issue[issue_id], using)
        tags, hours = defaultdict(int), defaultdict(int)
        for record in records:
            issue_id = issue_of[record.event_id]
            for key, value in record.tags:
                tags[(issue_id, key, value)] += 1
            hours[(issue_id, hour(record.timestamp))] += 1
        upsert_add(connection, IssueTag, ("issue_id", "key", "value"), "count", tags)
        upsert_add(connection, IssueHourlyCount, ("issue_id", "hour"), "count", hours)
    return result


def hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def _resolve_issues(records: list[EventRecord], connection) -> tuple[dict[str, int], list[int]]:
    """Map each record's event id to the issue owning any of its hashes, creating issues as needed.

    Returns the mapping and the ids of the issues created."""
    using = connection.alias
    hashes = {h for r in records for h in r.hashes}
    owner = dict(IssueHash.objects.using(using).filter(hash__in=hashes).values_list("hash", "issue_id"))
    created = []
    if any(not any(h in owner for h in r.hashes) for r in records):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ISSUE_LOCK_ID])
            owner = dict(
                IssueHash.objects.using(using).filter(hash__in=hashes).values_list("hash", "issue_id")
            )
        for record in sorted(records, key=lambda r: r.timestamp):
            if not any(h in owner for h in record.hashes):
                issue = Issue.objects.using(using).create(
                    fingerprint=record.hashes[0], title=record.title, culprit=record.culprit,
                    message=record.message, level=record.level, platform=record.platform,
                    grouped_by=record.grouped_by, first_seen=record.timestamp,
                    last_seen=record.timestamp, environment=record.environment,
                    release=record.release, first_release=record.release,
                )
                created.append(issue.pk)
                owner.update(dict.fromkeys(record.hashes, issue.pk))
                IssueHash.objects.using(using).bulk_create(
                    IssueHash(hash=h, issue_id=issue.pk) for h in record.hashes
                )
    issue_of, extra = {}, {}
    for record in records:
        issue_id = next(owner[h] for h in record.hashes if h in owner)
        issue_of[record.event_id] = issue_id
        extra.update({h: issue_id for h in record.hashes if h not in owner})
    if extra:  # hashes first seen beside a known one now lead to the same issue
        IssueHash.objects.using(using).bulk_create(
            (IssueHash(hash=h, issue_id=i) for h, i in extra.items()), ignore_conflicts=True
        )
    return issue_of, created


def _update_issue(issue_id: int, records: list[EventRecord], using: str) -> None:
    """Add the batch's events to the issue's counters; the newest event sets its descriptive fields.

    A resolved issue that gets an event is reopened and marked as a regression.
    """
    latest = max(records, key=lambda r: r.timestamp)
    newest, oldest = latest.timestamp, min(r.timestamp for r in records)

    fields = {
        "title": latest.title, "culprit": latest.culprit, "message": latest.message,
        "level": latest.level, "environment": latest.environment, "release": latest.release,
    }
    resolved = Issue.Status.RESOLVED

    def column(name: str):
        return Issue._meta.get_field(name)

    def when_resolved(value, name: str) -> Case:
        return Case(When(status=resolved, then=Value(value)), default=F(name), output_field=column(name))

    Issue.objects.using(using).filter(pk=issue_id).update(
        event_count=F("event_count") + len(records),
        first_seen=Least(F("first_seen"), Value(oldest, output_field=column("first_seen"))),
        last_seen=Greatest(F("last_seen"), Value(newest, output_field=column("last_seen"))),
        status=when_resolved(Issue.Status.UNRESOLVED, "status"),
        is_regression=when_resolved(True, "is_regression"),
        resolved_at=when_resolved(None, "resolved_at"),
        **{
            name: Case(When(last_seen__lte=newest, then=Value(value)), default=F(name), output_field=column(name))
            for name, value in fields.items()
        },
    )


def upsert_add(connection, model: type[Model], keys: Sequence[str], field: str, rows: dict) -> None:
    """Add ``rows[key]`` to ``field`` of the row with those ``keys``, inserting missing rows."""
    if not rows:
        return
    quote, ops = connection.ops.quote_name, connection.ops
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(c) for c in (*keys, field))
    params = [
        [ops.adapt_datetimefield_value(v) if isinstance(v, datetime) else v for v in (*key, n)]
        for key, n in sorted(rows.items())
    ]
    if connection.vendor in ("sqlite", "postgresql"):
        sql = (
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * (len(keys) + 1))}) "
            f"ON CONFLICT ({', '.join(quote(k) for k in keys)}) "
            f"DO UPDATE SET {quote(field)} = {table}.{quote(field)} + EXCLUDED.{quote(field)}"
        )
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
        return
    manager = model._default_manager.using(connection.alias)
    for key, n in sorted(rows.items()):
        lookup = dict(zip(keys, key))
        if not manager.filter(**lookup).update(**{field: F(field) + n}):
            manager.create(**lookup, **{field: n})


def count(name: str, n: int) -> None:
    """Add ``n`` to the durable counter ``name`` (e.g. ``dropped``)."""
    using = router.db_for_write(Counter)
    with write_transaction(using) as connection:
        upsert_add(connection, Counter, ("name",), "value", {(name,): n})
