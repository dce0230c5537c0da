"""Deleting events and issues: rows in chunks, then their blobs once the rows' deletion commits.

An interrupted deletion leaves at most one chunk of blobs without rows, which
``minisentry_cleanup --orphans`` removes; it never leaves a row without its blob.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from django.db import transaction
from django.db.models import Q, QuerySet

from . import alerts
from .backends import get_backend_for_kind
from .blobkeys import blob_key
from .index import database, write_transaction
from .models import Counter, Event, Issue

CHUNK = 1000


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
    """Delete the events' rows and blobs, oldest first, ``chunk`` (default CHUNK) at a time. Issue
    counters are left as they are: they describe what happened, not what is kept.
    ``progress(n)`` is called after each chunk. Returns the number of events deleted."""
    using, deleted = database(), 0
    for rows in pages(events.using(using), chunk or CHUNK, "backend"):
        with write_transaction(using):
            _, per_model = Event.objects.using(using).filter(pk__in=[r[0] for r in rows]).delete()
            transaction.on_commit(lambda rows=rows: delete_blobs(rows), using=using)
        deleted += per_model.get(Event._meta.label, 0)
        if progress:
            progress(len(rows))
    return deleted


def delete_issues(issues: QuerySet) -> int:
    """Delete issues with their events (rows and blobs), hashes, tags and hourly counts."""
    ids = list(issues.values_list("pk", flat=True))
    delete_events(Event.objects.filter(issue_id__in=ids))
    Issue.objects.filter(pk__in=ids).delete()
    Counter.objects.filter(name__in=[alerts.counter_name(pk) for pk in ids]).delete()
    return len(ids)


def delete_blobs(rows: Iterable[tuple[str, datetime, str]]) -> None:
    """Delete blobs given ``(event_id, timestamp, backend kind)`` rows, one call per backend."""
    by_kind = defaultdict(list)
    for event_id, timestamp, kind in rows:
        by_kind[kind].append(blob_key(event_id, timestamp))
    for kind, keys in by_kind.items():
        get_backend_for_kind(kind).delete_blobs(keys)
