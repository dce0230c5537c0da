"""Deleting many events with ``minisentry_cleanup --max-age-days 0`` (SQLite + filesystem).

``python benchmarks/cleanup.py --events 1000000 [--dir DIR] [--layout segments|events]``: stores N
events (rows and compressed blobs, spread over ten days and ten issues) straight through the index
and the blob store — in segments of SEGMENT events (the writer's batch size), or one blob per event
as before segments — then times the cleanup and prints events/s.
"""

import argparse
import os
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BATCH = 5000
SEGMENT = 500


def seed(n: int, layout: str = "segments") -> None:
    from minisentry import get_backend
    from minisentry.models import Event, Issue
    from minisentry.processing import codec
    from minisentry.storage.blobkeys import blob_key
    from minisentry.storage.segments import pack

    now = datetime.now(UTC)
    issues = [
        Issue.objects.create(fingerprint=uuid.uuid4().hex, title=f"Issue {i}", first_seen=now, last_seen=now,
                             event_count=n // 10)
        for i in range(10)
    ]
    backend = get_backend()
    for start in range(0, n, BATCH):
        rows, blobs = [], {}
        for i in range(start, min(start + BATCH, n)):
            event_id, when = uuid.uuid4().hex, now - timedelta(days=10 * i / n, seconds=1)
            payload = codec.dumps({"event_id": event_id, "message": f"event {i}", "padding": "x" * 500})
            blobs[blob_key(event_id, when)] = blob = codec.compress(payload, 3)
            rows.append(Event(event_id=event_id, issue=issues[i % 10], timestamp=when, backend=backend.kind,
                              blob_size=len(blob), raw_size=len(payload)))
        if layout == "events":
            backend.write_blobs(blobs)
        else:
            for first in range(0, len(rows), SEGMENT):
                part = rows[first : first + SEGMENT]
                segment, data, offsets = pack(backend.kind, [(r.event_id, blobs[blob_key(r.event_id, r.timestamp)])
                                                             for r in part])
                backend.write_blobs({segment.key: data})
                segment.save()
                for row in part:
                    row.backend, row.segment, row.blob_offset = "", segment, offsets[row.event_id]
        Event.objects.bulk_create(rows)


def setup(directory: str | None) -> Path:
    """Django with the test settings on a fresh SQLite database and blob store under ``directory``."""
    work = Path(directory or tempfile.mkdtemp(prefix="minisentry-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    for name in [n for n in os.environ if n.startswith("MINISENTRY_TEST_")]:
        del os.environ[name]
    os.environ.update(DJANGO_SETTINGS_MODULE="tests.settings", MINISENTRY_TEST_WORKDIR=str(work))
    sys.path.insert(0, str(ROOT))

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return work


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--dir", help="Working directory (default: a new temporary one).")
    parser.add_argument("--layout", choices=["segments", "events"], default="segments",
                        help="Segments of SEGMENT events (default), or one blob per event (before segments).")
    args = parser.parse_args()
    setup(args.dir)
    from django.core.management import call_command

    from minisentry import get_backend
    from minisentry.models import Event

    started = time.perf_counter()
    seed(args.events, args.layout)
    print(f"seeded {args.events} events ({args.layout}) in {time.perf_counter() - started:.1f} s")

    started = time.perf_counter()
    call_command("minisentry_cleanup", "--max-age-days", "0", stdout=StringIO())
    elapsed = time.perf_counter() - started
    assert not Event.objects.exists() and next(get_backend().iter_blobs(), None) is None
    print(f"cleanup: {args.events} events in {elapsed:.1f} s, {args.events / elapsed:,.0f} events/s")


if __name__ == "__main__":
    main()
