"""The issue rows of an index transaction: finding or creating each record's issue, and adding a
batch's events to every issue's counters in one statement."""

import sqlite3
from datetime import datetime

from django.db.models import Case, F, Value, When
from django.db.models.functions import Greatest, Least

from ..models import Issue, IssueHash
from ..processing.prepare import EventRecord
from .releases import first_seen_of, newer

# Any constants work: they name the advisory locks that serialise issue creation on PostgreSQL, and
# merges against index transactions (which share the second one; a merge takes it alone).
_ISSUE_LOCK_ID = 0x6D696E69
_MERGE_LOCK_ID = 0x6D696E6A
RESOLVED, UNRESOLVED, IGNORED = (Issue.Status.RESOLVED.value, Issue.Status.UNRESOLVED.value,
                                 Issue.Status.IGNORED.value)
# The VALUES list's columns, with their PostgreSQL types; the descriptive ones are the newest event's.
_COLUMNS = (("id", "bigint"), ("n", "bigint"), ("sampled", "bigint"), ("oldest", "timestamptz"),
            ("newest", "timestamptz"), ("reopen", "boolean"), ("regressed_at", "timestamptz"),
            ("regressed_release", "text"))
DESCRIPTIVE = ("title", "culprit", "message", "level", "environment", "release")
UPDATE_FROM = sqlite3.sqlite_version_info >= (3, 33)  # SQLite's UPDATE … FROM


def hold_grouping(connection, exclusive: bool = False) -> None:
    """Keep the hash table as it is until the transaction ends: an index transaction shares this
    lock (before it reads the table), a merge or an unmerge (``triage.merge``) takes it alone, so
    no event is stored against an issue being merged away. PostgreSQL only: on SQLite a write
    transaction already excludes every other."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT pg_advisory_xact_lock{'' if exclusive else '_shared'}(%s)", [_MERGE_LOCK_ID])


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


def update_issues(connection, by_issue: dict[int, list[EventRecord]]) -> tuple[dict[int, EventRecord], list[int]]:
    """Add each issue's records to its counters; its newest event sets the descriptive fields.

    The rows are locked first, in id order (no deadlocks between writers). A resolved issue is
    reopened by the batch's earliest event of it that its resolution lets through (see
    ``reopener``) and marked as a regression: ``regressed_at`` is that event's timestamp (event time,
    like first and last seen), ``regressed_release`` its release. Returns the reopened issues with the
    event that reopened each, and the ids of the ignored issues (``comeback`` decides on them once
    every count is up to date)."""
    ids = sorted(by_issue)
    locked = Issue.objects.using(connection.alias).filter(pk__in=ids).order_by("pk").select_for_update()
    state = {pk: rest for pk, *rest in
             locked.values_list("pk", "status", "resolved_in", "resolved_release", "project_id")}
    reopened = reopeners(connection.alias, by_issue, state)
    rows = []
    for issue_id in ids:
        records = by_issue[issue_id]
        latest, first = max(records, key=_time), reopened.get(issue_id) or min(records, key=_time)
        rows.append((
            issue_id, len(records), sum(r.sampled for r in records), min(records, key=_time).timestamp,
            latest.timestamp, issue_id in reopened, first.timestamp, first.release,
            *(getattr(latest, name) for name in DESCRIPTIVE),
        ))  # fmt: skip
    ignored = [issue_id for issue_id in ids if state.get(issue_id, ("",))[0] == IGNORED]
    if connection.vendor not in ("sqlite", "postgresql"):
        for row in rows:
            _update_generic(connection.alias, row)
        return reopened, ignored
    chunk = len(rows) if connection.vendor == "postgresql" or UPDATE_FROM else 1
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start:start + chunk]
            cursor.execute(_update_sql(connection, len(part)), [db_value(connection, v) for row in part for v in row])
    return reopened, ignored


def reopeners(using: str, by_issue: dict[int, list[EventRecord]], state: dict[int, list]) -> dict[int, EventRecord]:
    """The event reopening each resolved issue, if any: its batch's earliest, or with a resolution in
    a release, the earliest whose release is newer than ``resolved_release`` (next release) or is
    it or newer (in release); an event without a release never reopens those (as in Sentry)."""
    result = {}
    for issue_id, (status, resolved_in, resolved_release, project_id) in state.items():
        if status != RESOLVED:
            continue
        records = sorted(by_issue[issue_id], key=_time)
        if not resolved_in:
            result[issue_id] = records[0]
            continue
        first_seen = first_seen_of(project_id, {resolved_release, *(r.release for r in records)}, using)
        reopener = next((record for record in records if record.release and (
            newer(record.release, resolved_release, first_seen)
            or (resolved_in == "release" and record.release == resolved_release))), None)
        if reopener is not None:
            result[issue_id] = reopener
    return result


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
        return f"CASE WHEN v.reopen THEN {then} ELSE {old(name)} END"

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
        "resolved_in": if_resolved("''", "resolved_in"),
        "resolved_release": if_resolved("''", "resolved_release"),
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
    issue_id, n, sampled, oldest, newest, reopen, regressed_at, regressed_release, *descriptive = row

    def when(condition: dict, value, name: str) -> Case:
        output = Issue._meta.get_field(name)
        return Case(When(**condition, then=Value(value, output_field=output)), default=F(name), output_field=output)

    reopened = {"status": UNRESOLVED, "is_regression": True, "resolved_at": None, "regressed_at": regressed_at,
                "regressed_release": regressed_release, "resolved_in": "", "resolved_release": ""} if reopen else {}
    Issue.objects.using(using).filter(pk=issue_id).update(
        event_count=F("event_count") + n, sampled_out=F("sampled_out") + sampled,
        first_seen=Least(F("first_seen"), Value(oldest, output_field=Issue._meta.get_field("first_seen"))),
        last_seen=Greatest(F("last_seen"), Value(newest, output_field=Issue._meta.get_field("last_seen"))),
        **reopened,
        **{name: when({"last_seen__lte": newest}, value, name) for name, value in zip(DESCRIPTIVE, descriptive)},
    )
