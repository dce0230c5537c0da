"""Storage cost per event: database bytes (tables and indexes, PostgreSQL) and blob bytes.

``python -m benchmarks.storage --events 5000``: stores realistic events (events.py) through the
writer into PostgreSQL + filesystem, then measures. Baselines: the raw JSON and a naive store
(the JSON uncompressed in a table). Also tries zstd levels and a trained dictionary.
"""

import argparse
import statistics

from . import common

TABLES = ("minisentry_issue", "minisentry_issuehash", "minisentry_event", "minisentry_issuetag",
          "minisentry_issuehourlycount")


def relation_bytes(cursor, table: str) -> int:
    cursor.execute("VACUUM ANALYZE " + table)
    cursor.execute("SELECT pg_total_relation_size(%s)", [table])
    return cursor.fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    args = parser.parse_args()
    common.setup("postgres", "filesystem")
    try:
        import zstandard
        from django.db import connection

        import minisentry
        from minisentry.capture import writer
        from minisentry.models import Event
        from minisentry.processing import codec

        from .events import sample

        payloads = sample(args.events, seed=3)
        for i in range(0, len(payloads), 1000):
            for payload in payloads[i:i + 1000]:
                writer.enqueue(payload)
            minisentry.flush(600)
        assert Event.objects.count() == len(payloads)
        raw = sum(map(len, payloads))
        blobs = sum(size for _, size in minisentry.get_backend().iter_blobs())
        with connection.cursor() as cursor:
            connection.ensure_connection()
            connection.connection.autocommit = True
            db = {table: relation_bytes(cursor, table) / len(payloads) for table in TABLES}
            cursor.execute("CREATE TABLE naive (id serial PRIMARY KEY, data jsonb)")
            cursor.executemany("INSERT INTO naive (data) VALUES (%s)", [[p.decode()] for p in payloads])
            naive = relation_bytes(cursor, "naive") / len(payloads)
        levels = {level: sum(len(codec.compress(p, level)) for p in payloads) / raw for level in (1, 3, 6, 19)}
        train, test = payloads[: len(payloads) // 2], payloads[len(payloads) // 2:]
        dictionary = zstandard.train_dictionary(110_000, train)
        compressor = zstandard.ZstdCompressor(level=3, dict_data=dictionary)
        with_dictionary = sum(len(compressor.compress(p)) for p in test) / sum(map(len, test))
        common.emit({"benchmark": "storage", "events": len(payloads), "db_bytes_per_event": sum(db.values()),
                     "db_by_table": db, "raw_bytes_per_event": raw / len(payloads),
                     "raw_median": statistics.median(map(len, payloads)),
                     "blob_bytes_per_event": blobs / len(payloads), "blob_ratio": blobs / raw,
                     "naive_jsonb_bytes_per_event": naive, "ratio_by_level": levels,
                     "ratio_with_dictionary_level3": with_dictionary})
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
