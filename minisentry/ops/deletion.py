"""Deleting events and issues: rows in chunks, then their blobs once the rows' deletion commits.

A segment goes (its row in the chunk's transaction, its blob after the commit) with the last
event pointing into it; an event stored as a blob of its own takes its blob with it. A chunk's
blobs are deleted on a background thread while the next chunk's rows go, so a large deletion
takes about as long as the slower of the two, not their sum. An interrupted deletion leaves at
most two chunks of blobs without rows, which ``minisentry_cleanup --orphans`` removes; it never
leaves a row without its blob.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet

from ..backends import get_backend
from ..backends.keys import blob_key
from ..models import Counter, Event, Issue
from ..storage.index import database, write_transaction
from ..storage.segments import delete_blobs, release
from . import alerts

DELETE_BATCH = 5000  # events deleted by one statement


def after(timestamp: datetime, event_id: str) -> Q:
    """Events after ``(timestamp, event_id)`` in ``order_by("timestamp", "pk")`` order (the
    redundant ``timestamp >=`` lets the database start an index range there)."""
    return Q(timestamp__gte=timestamp) & (Q(timestamp__gt=timestamp) | Q(pk__gt=event_id))


def pages(events: QuerySet, chunk: int, *fields: str) -> Iterator[list[tuple]]:
    """``(event_id, timestamp, *fields)`` of the events, oldest first, ``chunk`` rows at a time.

    Each page starts after the last row of the previous one, so deleting or changing rows between
    pages neither skips nor repeats any."""
    events = events.order_by("timestamp", "pk")
    page = events
    while rows := list(page.values_list("event_id", "timestamp", *fields)[:chunk]):
        yield rows
        page = events.filter(after(rows[-1][1], rows[-1][0]))


def delete_events(events: QuerySet, chunk: int | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Delete the events' rows and blobs, oldest first, ``chunk`` (default DELETE_BATCH) at a time. Issue
    counters are left as they are: they describe what happened, not what is kept.
    ``progress(n)`` is called after each chunk. Returns the number of events deleted."""
    using, deleted = database(), 0
    oldest = events.using(using).order_by("timestamp", "pk").values("pk")[: chunk or DELETE_BATCH]
    with BlobReaper() as reaper:
        while True:
            with write_transaction(using):
                if rows := delete_returning(oldest, using):
                    keys = keys_by_alias(rows)
                    for alias, segment_keys in release({r[3] for r in rows if r[3]}, using).items():
                        keys[alias].extend(segment_keys)
                    transaction.on_commit(lambda keys=keys: reaper.delete(keys), using=using)
            if not rows:
                return deleted
            deleted += len(rows)
            if progress:
                progress(len(rows))


def delete_returning(selection: QuerySet, using: str) -> list[tuple[str, datetime, str, int | None]]:
    """Delete the events whose ids ``selection`` lists, in one statement; return their
    ``(event_id, timestamp, store alias, segment id)`` (SQLite ≥ 3.35 and PostgreSQL return
    deleted rows)."""
    compiler = selection.query.get_compiler(using)
    select, params = compiler.as_sql()
    fields = [Event._meta.get_field(name) for name in ("event_id", "timestamp", "backend", "segment")]
    quote = compiler.connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    sql = (f"DELETE FROM {quote(Event._meta.db_table)} WHERE {quote(fields[0].column)} IN ({select}) "
           f"RETURNING {columns}")
    with compiler.connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # Only the rows of events stored one blob each need their id and time as Python values (for
    # their blob key): converting a million timestamps of segment rows was a third of the time.
    loose = [row for row in rows if row[3] is None]
    converters = compiler.get_converters([f.get_col(Event._meta.db_table) for f in fields])
    if converters and loose:
        loose = [tuple(row) for row in compiler.apply_converters(loose, converters)]
    return loose + [row for row in rows if row[3] is not None]


class BlobReaper:
    """Deletes the blobs of committed chunks on one background thread, one chunk behind the rows.

    Blobs kept in the database are deleted at once instead: a second connection would only wait
    for the first one's write lock. Leaving the ``with`` block waits for the thread and raises
    its error, if any."""

    def __init__(self):
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="minisentry-reaper")
        self._pending: Future | None = None

    def delete(self, by_alias: dict[str, list[str]]) -> None:
        """Delete the blobs (keys by store alias)."""
        for alias in list(by_alias):
            if (backend := get_backend(alias)).in_database:
                backend.delete_blobs(by_alias.pop(alias))
        self._wait()  # at most one chunk in flight: memory stays bounded
        self._pending = self._pool.submit(delete_blobs, by_alias)

    def _wait(self) -> None:
        if self._pending is not None:
            pending, self._pending = self._pending, None
            pending.result()

    def __enter__(self) -> "BlobReaper":
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            self._wait()
        finally:
            self._pool.shutdown()


def delete_issues(issues: QuerySet) -> int:
    """Delete issues with their events (rows and blobs), hashes, tags and hourly counts."""
    ids = list(issues.values_list("pk", flat=True))
    delete_events(Event.objects.filter(issue_id__in=ids))
    Issue.objects.filter(pk__in=ids).delete()
    Counter.objects.filter(name__in=[alerts.counter_name(pk) for pk in ids]).delete()
    return len(ids)


def keys_by_alias(rows: Iterable[tuple[str, datetime, str, int | None]]) -> dict[str, list[str]]:
    """The blob keys of ``(event_id, timestamp, store alias, segment id)`` rows stored one blob
    per event, per store alias."""
    by_alias = defaultdict(list)
    for event_id, timestamp, alias, segment_id in rows:
        if segment_id is None:
            by_alias[alias].append(blob_key(event_id, timestamp))
    return by_alias
