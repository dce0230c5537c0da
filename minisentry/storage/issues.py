"""The issue rows of an index transaction: finding or creating each record's issue, and adding a
batch's events to every issue's counters in one statement."""

import sqlite3
from datetime import datetime

from django.db.models import Case, F, Value, When
from django.db.models.functions import Greatest, Least

from ..models import Issue, IssueHash
from ..processing.prepare import EventRecord

# Any constant works: it names the advisory lock that serialises issue creation on PostgreSQL.
_ISSUE_LOCK_ID = 0x6D696E69
RESOLVED, UNRESOLVED = Issue.Status.RESOLVED.value, Issue.Status.UNRESOLVED.value
# The VALUES list's columns, with their PostgreSQL types; the descriptive ones are the newest event's.
_COLUMNS = (("id", "bigint"), ("n", "bigint"), ("sampled", "bigint"), ("oldest", "timestamptz"),
            ("newest", "timestamptz"), ("regressed_at", "timestamptz"), ("regressed_release", "text"))
DESCRIPTIVE = ("title", "culprit", "message", "level", "environment", "release")
UPDATE_FROM = sqlite3.sqlite_version_info >= (3, 33)  # SQLite's UPDATE … FROM


def resolve_issues(records: list[EventRecord], connection,
                   project_of: dict[str, int]) -> tuple[dict[str, int], list[int]]:
    """Map each record's event id to the issue of its project (``project_of``, by event id) owning
    any of its hashes, creating issues as needed.

    Returns the mapping and the ids of the issues created."""
    using = connection.alias
    keys = {(project_of[r.event_id], h) for r in records for h in r.hashes}
    owner = _owners(using, keys)
    created = []
    if any(not any((project_of[r.event_id], h) in owner for h in r.hashes) for r in records):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ISSUE_LOCK_ID])
            owner = _owners(using, keys)
        for record in sorted(records, key=lambda r: r.timestamp):
            project = project_of[record.event_id]
            if not any((project, h) in owner for h in record.hashes):
                issue = Issue.objects.using(using).create(
                    project_id=project, fingerprint=record.hashes[0], title=record.title,
                    culprit=record.culprit, message=record.message, level=record.level,
                    platform=record.platform, grouped_by=record.grouped_by, first_seen=record.timestamp,
                    last_seen=record.timestamp, environment=record.environment,
                    release=record.release, first_release=record.release,
                )
                created.append(issue.pk)
                owner.update(dict.fromkeys(((project, h) for h in record.hashes), issue.pk))
                IssueHash.objects.using(using).bulk_create(
                    IssueHash(project_id=project, hash=h, issue_id=issue.pk) for h in record.hashes
                )
    issue_of, extra = {}, {}
    for record in records:
        project = project_of[record.event_id]
        issue_id = next(owner[(project, h)] for h in record.hashes if (project, h) in owner)
        issue_of[record.event_id] = issue_id
        extra.update({(project, h): issue_id for h in record.hashes if (project, h) not in owner})
    if extra:  # hashes first seen beside a known one now lead to the same issue
        IssueHash.objects.using(using).bulk_create(
            (IssueHash(project_id=p, hash=h, issue_id=i) for (p, h), i in extra.items()), ignore_conflicts=True
        )
    return issue_of, created


def _owners(using: str, keys: set[tuple[int, str]]) -> dict[tuple[int, str], int]:
    """The issue owning each known (project, hash)."""
    rows = IssueHash.objects.using(using).filter(
        project_id__in={p for p, _ in keys}, hash__in={h for _, h in keys}
    ).values_list("project_id", "hash", "issue_id")
    return {(p, h): i for p, h, i in rows if (p, h) in keys}


def update_issues(connection, by_issue: dict[int, list[EventRecord]]) -> list[int]:
    """Add each issue's records to its counters; its newest event sets the descriptive fields.

    The rows are locked first, in id order (no deadlocks between writers). A resolved issue that
    gets an event is reopened and marked as a regression: ``regressed_at`` is the timestamp of the
    batch's earliest event of the issue (the one that reopened it; event time, like first and last
    seen), ``regressed_release`` that event's release. Returns the ids of the reopened issues."""
    ids = sorted(by_issue)
    status = dict(
        Issue.objects.using(connection.alias).filter(pk__in=ids).order_by("pk").select_for_update()
        .values_list("pk", "status")
    )
    rows = []
    for issue_id in ids:
        records = by_issue[issue_id]
        first, latest = min(records, key=_time), max(records, key=_time)
        rows.append((
            issue_id, len(records), sum(r.sampled for r in records), first.timestamp, latest.timestamp,
            first.timestamp, first.release, *(getattr(latest, name) for name in DESCRIPTIVE),
        ))  # fmt: skip
    if connection.vendor not in ("sqlite", "postgresql"):
        for row in rows:
            _update_generic(connection.alias, row)
        return [issue_id for issue_id in ids if status.get(issue_id) == RESOLVED]
    chunk = len(rows) if connection.vendor == "postgresql" or UPDATE_FROM else 1
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            cursor.execute(_update_sql(connection, len(part)), [db_value(connection, v) for row in part for v in row])
    return [issue_id for issue_id in ids if status.get(issue_id) == RESOLVED]


def _time(record: EventRecord) -> datetime:
    return record.timestamp


def db_value(connection, value):
    """What the database driver takes for a column's value (datetimes as the backend writes them)."""
    return connection.ops.adapt_datetimefield_value(value) if isinstance(value, datetime) else value


def _update_sql(connection, n: int) -> str:
    """``WITH v AS (VALUES …) UPDATE issue SET … FROM v``: every issue's counters in one statement."""
    quote, postgres = connection.ops.quote_name, connection.vendor == "postgresql"
    table = quote(Issue._meta.db_table)
    columns = [*_COLUMNS, *((name, "text") for name in DESCRIPTIVE)]
    one = ", ".join(f"CAST(%s AS {kind})" if postgres else "%s" for _, kind in columns)
    least, greatest = ("LEAST", "GREATEST") if postgres else ("MIN", "MAX")

    def old(name: str) -> str:
        return f"{table}.{quote(name)}"

    def if_resolved(then: str, name: str) -> str:
        return f"CASE WHEN {old('status')} = '{RESOLVED}' THEN {then} ELSE {old(name)} END"

    assignments = {
        "event_count": f"{old('event_count')} + v.n",
        "sampled_out": f"{old('sampled_out')} + v.sampled",
        "first_seen": f"{least}({old('first_seen')}, v.oldest)",
        "last_seen": f"{greatest}({old('last_seen')}, v.newest)",
        "status": if_resolved(f"'{UNRESOLVED}'", "status"),
        "is_regression": if_resolved("TRUE", "is_regression"),
        "resolved_at": if_resolved("NULL", "resolved_at"),
        "regressed_at": if_resolved("v.regressed_at", "regressed_at"),
        "regressed_release": if_resolved("v.regressed_release", "regressed_release"),
        **{name: f"CASE WHEN {old('last_seen')} <= v.newest THEN v.{name} ELSE {old(name)} END"
           for name in DESCRIPTIVE},
    }  # fmt: skip
    return (
        f"WITH v ({', '.join(name for name, _ in columns)}) AS (VALUES {', '.join([f'({one})'] * n)}) "
        f"UPDATE {table} SET {', '.join(f'{quote(k)} = {e}' for k, e in assignments.items())} "
        f"FROM v WHERE {old('id')} = v.id"
    )


def _update_generic(using: str, row: tuple) -> None:
    """One issue's update through the ORM, for databases other than SQLite and PostgreSQL."""
    issue_id, n, sampled, oldest, newest, regressed_at, regressed_release, *descriptive = row

    def when(condition: dict, value, name: str) -> Case:
        output = Issue._meta.get_field(name)
        return Case(When(**condition, then=Value(value, output_field=output)), default=F(name), output_field=output)

    resolved = {"status": RESOLVED}
    Issue.objects.using(using).filter(pk=issue_id).update(
        event_count=F("event_count") + n, sampled_out=F("sampled_out") + sampled,
        first_seen=Least(F("first_seen"), Value(oldest, output_field=Issue._meta.get_field("first_seen"))),
        last_seen=Greatest(F("last_seen"), Value(newest, output_field=Issue._meta.get_field("last_seen"))),
        status=when(resolved, UNRESOLVED, "status"), is_regression=when(resolved, True, "is_regression"),
        resolved_at=when(resolved, None, "resolved_at"), regressed_at=when(resolved, regressed_at, "regressed_at"),
        regressed_release=when(resolved, regressed_release, "regressed_release"),
        **{name: when({"last_seen__lte": newest}, value, name) for name, value in zip(DESCRIPTIVE, descriptive)},
    )
