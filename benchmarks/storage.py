"""Storage cost per event: database bytes (tables and indexes) and blob bytes on disk (``du``).

``python -m benchmarks.storage --db sqlite --events 5000``: stores ~5 KB events (events.py, 20
issues) through ``minisentry.store()`` with storm sampling off into the database and the
filesystem store, then measures what the database grew by (PostgreSQL: ``pg_total_relation_size``
after ``VACUUM ANALYZE``; SQLite: ``dbstat`` pages) and the blob folder's allocated blocks
(``st_blocks``, as ``du``; apparent sizes beside). Baselines: the raw JSON, and a naive store's
table (the JSON in one text column) in the same database. Also tries zstd levels and a trained
dictionary on the same events.
"""

import argparse
import os

import zstandard

from . import common
from .events import fresh, sample

SQLITE_SIZES = """SELECT m.tbl_name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m ON d.name = m.name
                  WHERE m.tbl_name LIKE %s GROUP BY m.tbl_name"""


def table_bytes(pattern: str) -> dict[str, int]:
    """Bytes of each table whose name is LIKE ``pattern``, its indexes included."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_SIZES, [pattern])
            return dict(cursor.fetchall())
        tables = [name for name in connection.introspection.table_names(cursor) if _like(name, pattern)]
        connection.ensure_connection()
        connection.connection.autocommit = True
        sizes = {}
        for table in tables:
            cursor.execute(f'VACUUM ANALYZE "{table}"')
            cursor.execute("SELECT pg_total_relation_size(%s)", [table])
            sizes[table] = cursor.fetchone()[0]
        return sizes


def _like(name: str, pattern: str) -> bool:
    return name.startswith(pattern.rstrip("%")) if pattern.endswith("%") else name == pattern


def apparent_bytes(path) -> int:
    return sum(os.lstat(os.path.join(folder, name)).st_size for folder, _, files in os.walk(path) for name in files)


def compression(payloads: list[bytes]) -> dict:
    """Compressed / raw for zstd levels, and for level 3 with a dictionary trained on half the events."""
    raw = sum(map(len, payloads))
    levels = {level: sum(len(zstandard.ZstdCompressor(level=level).compress(p)) for p in payloads) / raw
              for level in (1, 3, 6, 19)}
    train, test = payloads[: len(payloads) // 2], payloads[len(payloads) // 2:]
    compressor = zstandard.ZstdCompressor(level=3, dict_data=zstandard.train_dictionary(110_000, train))
    return {"ratio_by_level": levels,
            "ratio_with_dictionary_level3": sum(len(compressor.compress(p)) for p in test) / sum(map(len, test))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgres")
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()
    work = common.setup(args.db, "filesystem")
    try:
        from minisentry.models import Event

        common.unbounded_queue()
        payloads = sample(args.events, seed=3, sizes=(5000, 5000))
        before = table_bytes("minisentry_%")
        with common.settings(storm=None):
            for i in range(0, len(payloads), 1000):
                common.ingest(fresh(payloads[i:i + 1000]))
        assert Event.objects.count() == len(payloads)
        after = table_bytes("minisentry_%")
        db = {table: (size - before.get(table, 0)) / len(payloads) for table, size in after.items()}
        common.naive_ingest(fresh(payloads))
        naive = sum(table_bytes("bench_naive").values()) / len(payloads)
        raw = sum(map(len, payloads))
        disk = common.disk_bytes(work / "blobs") / len(payloads)
        common.emit({"benchmark": "storage", "db": args.db, "events": len(payloads),
                     "db_bytes_per_event": sum(db.values()),
                     "db_by_table": {table: size for table, size in db.items() if size},
                     "naive_row_bytes_per_event": naive, "raw_bytes_per_event": raw / len(payloads),
                     "disk_bytes_per_event": disk, "disk_vs_raw": disk * len(payloads) / raw,
                     "apparent_blob_bytes_per_event": apparent_bytes(work / "blobs") / len(payloads),
                     **compression(payloads)})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
