"""Storage cost per event: database bytes (tables and indexes) and blob bytes on disk (``du``).

``python -m benchmarks.storage --db sqlite --events 5000``: stores ~5 KB events (events.py, 20
issues) through ``minisentry.store()`` with storm sampling off into the database and the
filesystem store, twice ``--events`` of them. The database figure is the marginal growth of a
database in use: what the second half added (the 20 issues, their first pages and the tables'
fixed pages are there already), per event, per table and index (PostgreSQL: ``pg_table_size``
and each index's ``pg_total_relation_size`` after ``VACUUM ANALYZE``; SQLite: ``dbstat`` pages).
``db_first_bytes_per_event`` is the older figure: the first half's growth from empty. Also the
blob folder's allocated blocks (``st_blocks``, as ``du``; apparent sizes beside), baselines (the
raw JSON, and a naive store's table: the JSON in one text column, in the same database), zstd
levels and a trained dictionary on the same events.
"""

import argparse
import os

import zstandard

from . import common
from .events import fresh, sample

SQLITE_SIZES = """SELECT m.tbl_name, d.name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m ON d.name = m.name
                  WHERE m.tbl_name LIKE %s GROUP BY m.tbl_name, d.name"""
PG_SIZES = """SELECT c.relname, c.relname, pg_table_size(c.oid) FROM pg_class c WHERE c.oid = %s::regclass
              UNION ALL SELECT c.relname, i.relname, pg_total_relation_size(i.oid) FROM pg_class c
              JOIN pg_index x ON x.indrelid = c.oid JOIN pg_class i ON i.oid = x.indexrelid
              WHERE c.oid = %s::regclass"""


def relation_bytes(pattern: str) -> dict[str, dict[str, int]]:
    """Bytes of each table whose name is LIKE ``pattern`` and of each of its indexes:
    ``{table: {table or index name: bytes}}``."""
    from django.db import connection

    sizes = {}
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(SQLITE_SIZES, [pattern])
            rows = cursor.fetchall()
        else:
            tables = [name for name in connection.introspection.table_names(cursor) if _like(name, pattern)]
            connection.ensure_connection()
            connection.connection.autocommit = True
            rows = []
            for table in tables:
                cursor.execute(f'VACUUM ANALYZE "{table}"')
                cursor.execute(PG_SIZES, [table, table])
                rows += cursor.fetchall()
    for table, name, size in rows:
        sizes.setdefault(table, {})[name] = size
    return sizes


def table_bytes(pattern: str) -> dict[str, int]:
    """Bytes of each table whose name is LIKE ``pattern``, its indexes included."""
    return {table: sum(names.values()) for table, names in relation_bytes(pattern).items()}


def growth(before: dict, after: dict, n: int) -> dict[str, dict[str, float]]:
    """Bytes per event that each table and index grew by, those that grew only."""
    grown = {}
    for table, names in after.items():
        for name, size in names.items():
            if delta := size - before.get(table, {}).get(name, 0):
                grown.setdefault(table, {})[name] = delta / n
    return grown


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


def _store(payloads: list[bytes]) -> None:
    with common.settings(storm=None):
        for i in range(0, len(payloads), 1000):
            common.ingest(fresh(payloads[i:i + 1000]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="postgres")
    parser.add_argument("--events", type=int, default=5000, help="stored twice over: the figure is the second half's")
    args = parser.parse_args()
    work = common.setup(args.db, "filesystem")
    try:
        from minisentry.models import Event

        common.unbounded_queue()
        payloads = sample(2 * args.events, seed=3, sizes=(5000, 5000))
        first, second = payloads[:args.events], payloads[args.events:]
        empty = relation_bytes("minisentry_%")
        _store(first)
        middle = relation_bytes("minisentry_%")
        _store(second)
        assert Event.objects.count() == len(payloads)
        full = relation_bytes("minisentry_%")
        marginal, from_empty = growth(middle, full, len(second)), growth(empty, middle, len(first))
        common.naive_ingest(fresh(payloads))
        naive = sum(table_bytes("bench_naive").values()) / len(payloads)
        raw = sum(map(len, payloads))
        disk = common.disk_bytes(work / "blobs") / len(payloads)
        common.emit({"benchmark": "storage", "db": args.db, "events": len(second),
                     "db_bytes_per_event": sum(sum(t.values()) for t in marginal.values()),
                     "db_by_table": {table: sum(names.values()) for table, names in marginal.items()},
                     "db_by_relation": marginal,
                     "db_first_bytes_per_event": sum(sum(t.values()) for t in from_empty.values()),
                     "db_first_by_table": {table: sum(names.values()) for table, names in from_empty.items()},
                     "naive_row_bytes_per_event": naive, "raw_bytes_per_event": raw / len(payloads),
                     "disk_bytes_per_event": disk, "disk_vs_raw": disk * len(payloads) / raw,
                     "apparent_blob_bytes_per_event": apparent_bytes(work / "blobs") / len(payloads),
                     **compression(payloads)})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
