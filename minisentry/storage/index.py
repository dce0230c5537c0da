"""The index transaction: issues, hashes, events, tag and hourly counts for a batch of records.

One statement per table per batch: the events by ``COPY`` (PostgreSQL with psycopg 3) or one
multi-row ``INSERT``; tag and hourly counts by one multi-row ``INSERT … ON CONFLICT DO UPDATE``
each; every issue's counters by one ``UPDATE … FROM`` a ``VALUES`` list. Counts change only by
atomic SQL, the batch's issue rows are locked first in id order (so writers never deadlock) and new
issues are created under a lock, so many writer processes can share one database exactly.

Sampled-out records (an error storm, see ``pipeline.storm``) count on their issue like the others
but get no row: they add to ``Issue.sampled_out`` and to the ``sampled_out`` counter, and their ids
to ``SampledEvent`` (``INSERT … ON CONFLICT DO NOTHING RETURNING``: of two writers counting one id,
only the one that inserted it counts it), so that an event counts once however often it is sent.
"""

import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connections, router, transaction
from django.db.models import F, Model

from ..fields import id_to_db, time_to_db
from ..models import Counter, Event, Issue, IssueHourlyCount, IssueTag, SampledEvent
from ..processing.prepare import EventRecord
from .issues import db_value, resolve_issues, update_issues
from .projects import project_of

MAX_PARAMS = 30_000  # per statement: SQLite allows 32,766, PostgreSQL 65,535
RETURNING = sqlite3.sqlite_version_info >= (3, 35)  # SQLite's INSERT … RETURNING


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
                  "transaction", "user", "message", "handled", "backend", "segment_id", "blob_offset", "blob_size",
                  "raw_size")


def insert(connection, model: type[Model], columns: Sequence[str], rows: list[tuple], suffix: str = "") -> None:
    """Multi-row ``INSERT``s (as few as the parameter limit allows) of rows already in database
    values: what ``bulk_create`` does, without its per-object and per-field cost."""
    if not rows:
        return
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(
        quote(model._meta.db_table), ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    )
    one = "({})".format(", ".join(["%s"] * len(columns)))
    size = max(1, MAX_PARAMS // len(columns))
    with connection.cursor() as cursor:
        for start in range(0, len(rows), size):
            chunk = rows[start:start + size]
            cursor.execute(head + ", ".join([one] * len(chunk)) + suffix, [v for row in chunk for v in row])


def copy(connection, model: type[Model], columns: Sequence[str], rows: list[tuple]) -> bool:
    """``COPY … FROM STDIN`` the rows (PostgreSQL with psycopg 3); False where it is not available."""
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", None)
        if connection.vendor != "postgresql" or not hasattr(raw, "copy"):
            return False
        quote = connection.ops.quote_name
        sql = "COPY {} ({}) FROM STDIN".format(
            quote(model._meta.db_table), ", ".join(quote(model._meta.get_field(c).column) for c in columns)
        )
        with raw.copy(sql) as stream:
            for row in rows:
                stream.write_row(row)
    return True


def known_event_ids(event_ids: Iterable[str], using: str) -> set[str]:
    """The ids among ``event_ids`` already indexed or counted (``Event``, ``SampledEvent``), by plain
    SQL: ``= ANY(array)`` on PostgreSQL, ``IN (…)`` elsewhere (the ORM's ``pk__in`` cost ~10 µs an
    id, for each batch twice)."""
    connection, field = connections[using], Event._meta.pk
    values = [field.get_db_prep_value(v, connection) for v in dict.fromkeys(event_ids)]
    if not values:
        return set()
    quote, column = connection.ops.quote_name, connection.ops.quote_name(field.column)
    if connection.vendor == "postgresql":
        chunks = [(f"{column} = ANY(%s)", [values])]
    else:
        size = MAX_PARAMS // 2
        chunks = [(f"{column} IN ({', '.join(['%s'] * len(values[start:start + size]))})", values[start:start + size])
                  for start in range(0, len(values), size)]
    statements = [
        (" UNION ALL ".join(f"SELECT {column} FROM {quote(model._meta.db_table)} WHERE {where}"
                            for model in (Event, SampledEvent)), params * 2)
        for where, params in chunks
    ]
    found = set()
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            found.update(field.from_db_value(row[0], None, connection) for row in cursor.fetchall())
    return found


@dataclass
class Stored:
    """What one index transaction did."""

    records: list[EventRecord] = field(default_factory=list)  # newly indexed events (with a row)
    new_issues: list[int] = field(default_factory=list)
    regressions: list[int] = field(default_factory=list)  # resolved issues the batch reopened
    sampled_out: int = 0  # events counted without a row (an error storm)
    first_events: dict[int, str] = field(default_factory=dict)  # new or reopened issue -> its batch's first event


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
        records = list(fresh.values())
        if any(r.sampled for r in records):
            first = count_once(connection, [r for r in records if r.sampled])
            records = [r for r in records if not r.sampled or r.event_id in first]
        result = Stored(records=[r for r in records if not r.sampled])
        result.sampled_out = len(records) - len(result.records)
        if not records:
            return result
        projects = project_of(records, using)
        if len(projects) < len(records):  # their project was deleted since the endpoint took them
            upsert_add(connection, Counter, ("name",), "value", {("dropped",): len(records) - len(projects)})
            records = [r for r in records if r.event_id in projects]
            result.records = [r for r in result.records if r.event_id in projects]
            result.sampled_out = len(records) - len(result.records)
            if not records:
                return result
        issue_of, result.new_issues = resolve_issues(records, connection, projects)
        if segment is not None:
            segment.save(using=using)
        _insert_events(connection, result.records, issue_of, backend, segment, offsets or {})
        by_issue = defaultdict(list)
        for record in records:
            by_issue[issue_of[record.event_id]].append(record)
        result.regressions = update_issues(connection, by_issue)
        for issue_id in (*result.new_issues, *result.regressions):
            result.first_events[issue_id] = min(by_issue[issue_id], key=lambda r: r.timestamp).event_id
        tags, hours = defaultdict(int), defaultdict(int)
        for record in records:
            issue_id = issue_of[record.event_id]
            for key, value in record.tags:
                tags[(issue_id, key, value)] += 1
            hours[(issue_id, hour(record.timestamp))] += 1
        upsert_add(connection, IssueTag, ("issue_id", "key", "value"), "count", tags)
        upsert_add(connection, IssueHourlyCount, ("issue_id", "hour"), "count", hours)
        _count_users(connection, sorted({issue_id for issue_id, key, _ in tags if key == "user"}))
        if result.sampled_out:
            upsert_add(connection, Counter, ("name",), "value", {("sampled_out",): result.sampled_out})
    return result


def count_once(connection, records: list[EventRecord]) -> set[str]:
    """Record the ids of sampled-out ``records`` in ``SampledEvent``; the ids this transaction
    recorded first (another writer may have recorded one since this one looked them up)."""
    if connection.vendor != "postgresql" and not (connection.vendor == "sqlite" and RETURNING):
        # one writer at a time (SQLite's write lock), or no RETURNING: the ids were looked up in this transaction
        SampledEvent.objects.using(connection.alias).bulk_create(
            (SampledEvent(event_id=r.event_id, timestamp=r.timestamp) for r in records), ignore_conflicts=True)
        return {r.event_id for r in records}
    quote, field, time = connection.ops.quote_name, SampledEvent._meta.pk, SampledEvent._meta.get_field("timestamp")
    head = f"INSERT INTO {quote(SampledEvent._meta.db_table)} ({quote(field.column)}, {quote(time.column)}) VALUES "
    tail = f" ON CONFLICT ({quote(field.column)}) DO NOTHING RETURNING {quote(field.column)}"
    to_id, to_time = id_to_db(connection), time_to_db(connection)
    rows = [(to_id(r.event_id), to_time(r.timestamp)) for r in records]
    first = set()
    with connection.cursor() as cursor:
        for start in range(0, len(rows), MAX_PARAMS // 2):
            chunk = rows[start:start + MAX_PARAMS // 2]
            cursor.execute(head + ", ".join(["(%s, %s)"] * len(chunk)) + tail, [v for row in chunk for v in row])
            first.update(field.from_db_value(row[0], None, connection) for row in cursor.fetchall())
    return first


def _insert_events(connection, records: list[EventRecord], issue_of: dict, backend: str,
                   segment: Model | None, offsets: dict[str, int]) -> None:
    """The records' rows: in ``segment`` at ``offsets`` (their store is the segment's), or one blob
    each in the store ``backend`` names."""
    kind, segment_id = ("", segment.pk) if segment is not None else (backend, None)
    to_id, to_time = id_to_db(connection), time_to_db(connection)
    rows = [
        (to_id(r.event_id), issue_of[r.event_id], to_time(r.timestamp), r.level, r.environment, r.release,
         r.server_name, r.transaction, r.user, r.event_message, r.handled, kind, segment_id,
         offsets.get(r.event_id), len(r.blob), len(r.payload))
        for r in records
    ]
    if not copy(connection, Event, _EVENT_COLUMNS, rows):
        insert(connection, Event, _EVENT_COLUMNS, rows)


def _count_users(connection, issue_ids: list[int]) -> None:
    """Set ``user_count`` of the issues to their number of distinct ``user`` tag values.

    Exact with concurrent writers: the issue rows are locked since ``update_issues``, so a writer
    that touched them before committed its tags first, and on PostgreSQL (READ COMMITTED) each
    statement sees what committed before it started."""
    if not issue_ids:
        return
    quote = connection.ops.quote_name
    issue, tag = quote(Issue._meta.db_table), quote(IssueTag._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {issue} SET {quote('user_count')} = (SELECT COUNT(*) FROM {tag} WHERE {tag}.{quote('issue_id')}"
            f" = {issue}.{quote('id')} AND {tag}.{quote('key')} = %s) WHERE {quote('id')} IN "
            f"({', '.join(['%s'] * len(issue_ids))})",
            ["user", *issue_ids],
        )


def hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def upsert_add(connection, model: type[Model], keys: Sequence[str], field: str, rows: dict) -> None:
    """Add ``rows[key]`` to ``field`` of the row with those ``keys``, inserting missing rows: one
    ``INSERT … ON CONFLICT`` for all rows (each key once, as PostgreSQL requires)."""
    if not rows:
        return
    if connection.vendor in ("sqlite", "postgresql"):
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        suffix = (
            f" ON CONFLICT ({', '.join(quote(k) for k in keys)}) "
            f"DO UPDATE SET {quote(field)} = {table}.{quote(field)} + EXCLUDED.{quote(field)}"
        )
        params = [tuple(db_value(connection, v) for v in (*key, n)) for key, n in sorted(rows.items())]
        insert(connection, model, (*keys, field), params, suffix)
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
