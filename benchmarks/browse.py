"""Browse speed at scale: server time of the UI's pages over 10,000 issues and 1,000,000 events.

``python -m benchmarks.browse --db postgres --issues 10000 --events 1000000``: fills the database
in bulk, not through the SDK (COPY on PostgreSQL, executemany on SQLite: issues, hashes, events,
tags, hourly counts; blobs only for the events opened), then requests each page with Django's
test client as a staff user. Baseline: the same pages over an empty-ish database (100 issues,
1,000 events) in the same run.
"""

import argparse
import os
import random
import time
import uuid
from datetime import UTC, datetime, timedelta

from . import common

LEVELS = ("error", "error", "error", "warning", "fatal", "info")
ENVIRONMENTS = ("production", "staging", "development")
SAMPLED = 20  # issues whose latest event gets a blob and whose pages are requested


class Bulk:
    """Rows into a table: COPY on PostgreSQL, executemany over chunks on SQLite."""

    def __init__(self, cursor, table: str, columns: str):
        from django.db import connection

        self.cursor, self.vendor, self.chunk = cursor.cursor, connection.vendor, []
        columns = ", ".join(f'"{name.strip()}"' for name in columns.split(","))  # "transaction" is a keyword
        if self.vendor == "postgresql":
            self.copy = self.cursor.copy(f"COPY {table} ({columns}) FROM STDIN")
            self.writer = self.copy.__enter__()
        else:
            marks = ", ".join("?" * len(columns.split(",")))
            self.sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"

    def write_row(self, row: tuple) -> None:
        if self.vendor == "postgresql":
            self.writer.write_row(row)
            return
        self.chunk.append(tuple(sqlite_value(v) for v in row))
        if len(self.chunk) >= 10_000:
            self.flush()

    def flush(self) -> None:
        self.cursor.executemany(self.sql, self.chunk)
        self.chunk = []

    def __enter__(self) -> "Bulk":
        return self

    def __exit__(self, *exc_info) -> None:
        if self.vendor == "postgresql":
            self.copy.__exit__(*exc_info)
        elif not exc_info[0]:
            self.flush()


def sqlite_value(value):
    """What Django's SQLite backend stores: UUIDs as hex, datetimes as naive UTC text."""
    if isinstance(value, uuid.UUID):
        return value.hex
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return value


def fill(issues: int, events: int) -> list[tuple[int, str]]:
    """Bulk-insert the rows; return (issue id, latest event id) of the sampled issues."""
    from django.db import connection, transaction

    from minisentry import get_backend
    from minisentry.backends.keys import blob_key
    from minisentry.fields import id_to_db, time_to_db
    from minisentry.processing import codec

    rng = random.Random(4)
    now = datetime.now(UTC)
    span = timedelta(days=30).total_seconds()
    first_id = None
    from minisentry.models import default_project_id

    project = default_project_id()
    with transaction.atomic(), connection.cursor() as cursor:
        columns = ("project_id, fingerprint, title, culprit, message, level, status, is_regression, "
                   "platform, grouped_by, first_seen, last_seen, event_count, environment, release, first_release, "
                   "regressed_release, user_count, sampled_out, resolved_in, resolved_release")
        with Bulk(cursor, "minisentry_issue", columns) as copy:
            for i in range(issues):
                last = now - timedelta(seconds=rng.random() * span / 10)
                copy.write_row((project, uuid.uuid4().hex, f"{rng.choice(['ValueError', 'KeyError', 'TypeError'])}: "
                                f"order {i} failed", f"shop.views.checkout_{i % 500} in handle", f"order {i} failed",
                                rng.choice(LEVELS), "resolved" if i % 10 == 0 else "unresolved", False, "python",
                                "exception type and in-app stack frames", last - timedelta(days=20), last,
                                events // issues, rng.choice(ENVIRONMENTS), f"shop@1.{i % 30}", "shop@1.0", "",
                                rng.randrange(1, 100), 0, "", ""))
        cursor.execute("SELECT min(id), max(id) FROM minisentry_issue")
        first_id, last_id = cursor.fetchone()
        ids = range(first_id, last_id + 1)
        with Bulk(cursor, "minisentry_issuehash", "project_id, hash, issue_id") as copy:
            for pk in ids:
                copy.write_row((project, uuid.uuid4().hex, pk))
        latest = {}
        to_id, to_time = id_to_db(connection), time_to_db(connection)
        with Bulk(cursor, "minisentry_event", "event_id, issue_id, timestamp, level, environment, release, "
                  "server_name, transaction, user, message, grouping_hash, backend, blob_size, raw_size") as copy:
            for n in range(events):
                pk = ids[n % len(ids)]
                event_id, when = uuid.UUID(int=rng.getrandbits(128)), now - timedelta(seconds=rng.random() * span)
                if pk - first_id < SAMPLED and when > latest.get(pk, (None, now - timedelta(days=99)))[1]:
                    latest[pk] = (event_id.hex, when)
                copy.write_row((to_id(event_id.hex), pk, to_time(when), "error", rng.choice(ENVIRONMENTS),
                                f"shop@1.{n % 30}", f"web-{n % 8}", f"/checkout/{n % 50}/", f"id:{n % 1000}",
                                f"order {n % len(ids)} failed", f"{pk:032x}", "default", 5000, 20000))
        with Bulk(cursor, "minisentry_issuetag", "issue_id, key, value, count") as copy:
            for pk in ids:
                for key, values in (("environment", ENVIRONMENTS), ("server_name", [f"web-{k}" for k in range(8)]),
                                    ("release", [f"shop@1.{k}" for k in range(30)]), ("level", ["error"])):
                    for value in values:
                        copy.write_row((pk, key, value, events // issues // len(values) + 1))
        start = now.replace(minute=0, second=0, microsecond=0)
        with Bulk(cursor, "minisentry_issuehourlycount", "issue_id, hour, count") as copy:
            for pk in ids:
                for h in range(0, 48, 2):
                    copy.write_row((pk, start - timedelta(hours=h), rng.randrange(1, 20)))
    with connection.cursor() as cursor:  # what autovacuum does after a bulk load (outside a transaction)
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    backend = get_backend()
    from .events import sample

    payload = sample(1, issues=1)[0]
    backend.write_blobs({blob_key(e, when): codec.compress(payload, 3) for e, when in latest.values()})
    return [(pk, e) for pk, (e, _) in sorted(latest.items())]


def time_pages(sampled: list[tuple[int, str]], repeat: int) -> dict:
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    user = User.objects.create_superuser(f"bench{uuid.uuid4().hex[:6]}", "", "x")
    client = Client()
    client.force_login(user)
    lst = reverse("minisentry:issue_list")
    pages = {
        "issue_list (unresolved, last seen)": lambda i: lst,
        "issue_list sort=count": lambda i: lst + "?sort=count",
        "issue_list sort=first_seen": lambda i: lst + "?sort=first_seen",
        "issue_list status=all level=warning": lambda i: lst + "?status=all&level=warning",
        "issue_list environment=staging": lambda i: lst + "?environment=staging",
        "issue_list page 50": lambda i: lst + "?page=50",
        "search text": lambda i: lst + f"?query=order+{sampled[i][0] * 7 % 9000}",
        "search tag server_name:web-3": lambda i: lst + "?query=server_name:web-3",
        "issue_detail": lambda i: reverse("minisentry:issue_detail", args=[sampled[i][0]]),
        "event_detail": lambda i: reverse("minisentry:event_detail", args=[sampled[i][1]]),
        "issue_events (events list)": lambda i: reverse("minisentry:issue_events", args=[sampled[i][0]]),
    }
    results = {}
    for name, url in pages.items():
        times = []
        for n in range(repeat + 3):
            started = time.perf_counter()
            response = client.get(url(n % len(sampled)))
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (name, response.status_code)
            if n >= 3:  # the first requests warm caches
                times.append(elapsed)
        results[name] = common.summary(times)
    from minisentry.browse import frequency

    times = []
    ids = [pk for pk, _ in sampled] * 3
    for _ in range(repeat):
        started = time.perf_counter()
        frequency.sparklines(ids[:50])
        times.append((time.perf_counter() - started) * 1000)
    results["sparklines (50 issues)"] = common.summary(times)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--issues", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    os.environ["MINISENTRY_TEST_CONN_MAX_AGE"] = "600"  # persistent connections, as in production
    common.setup(args.db, "filesystem")
    try:
        from django.core.management import call_command
        from django.db import connection

        from minisentry.models import (
            Event,
            Issue,
            IssueHash,
            IssueHourlyCount,
            IssueTag,
        )

        baseline = time_pages(fill(min(100, args.issues), min(1000, args.events)), args.repeat)
        with connection.cursor() as cursor:
            for model in (IssueHourlyCount, IssueTag, Event, IssueHash, Issue):
                cursor.execute(f"DELETE FROM {model._meta.db_table}")
        call_command("migrate", verbosity=0)
        started = time.perf_counter()
        sampled = fill(args.issues, args.events)
        fill_seconds = time.perf_counter() - started
        common.emit({"benchmark": "browse", "db": args.db, "issues": args.issues, "events": args.events,
                     "fill_seconds": fill_seconds, "pages": time_pages(sampled, args.repeat),
                     "baseline_small": baseline})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
