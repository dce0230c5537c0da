"""Narrower event rows: on SQLite, event ids as 16-byte BLOBs and times as integer microseconds
(rows written as text before are converted here); the issue/time index ascending."""

from django.db import migrations, models
from django.utils.dateparse import parse_datetime

import minisentry.fields
from minisentry.fields import EPOCH, MICROSECOND, micros


def _text_micros(value: str) -> int:
    """What Django's SQLite backend wrote for a datetime (naive UTC text), as microseconds."""
    return micros(parse_datetime(value))


def _micros_text(value: int) -> str:
    return str((EPOCH + value * MICROSECOND).replace(tzinfo=None))


def _convert(schema_editor, id_sql: str, time_sql: str, functions: dict) -> None:
    connection = schema_editor.connection
    if connection.vendor != "sqlite":  # PostgreSQL's uuid and timestamptz columns stay
        return
    connection.ensure_connection()
    for name, function in functions.items():
        connection.connection.create_function(name, 1, function, deterministic=True)
    with connection.cursor() as cursor:
        cursor.execute(id_sql)
        cursor.execute(time_sql)


def narrow(apps, schema_editor) -> None:
    _convert(
        schema_editor,
        "UPDATE minisentry_event SET event_id = minisentry_unhex(event_id) WHERE typeof(event_id) = 'text'",
        "UPDATE minisentry_event SET timestamp = minisentry_micros(timestamp) WHERE typeof(timestamp) = 'text'",
        {"minisentry_unhex": bytes.fromhex, "minisentry_micros": _text_micros},
    )


def widen(apps, schema_editor) -> None:
    _convert(
        schema_editor,
        "UPDATE minisentry_event SET event_id = lower(hex(event_id)) WHERE typeof(event_id) = 'blob'",
        "UPDATE minisentry_event SET timestamp = minisentry_text(timestamp) WHERE typeof(timestamp) = 'integer'",
        {"minisentry_text": _micros_text},
    )


class Migration(migrations.Migration):

    dependencies = [
        ('minisentry', '0004_segments'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='event',
            name='ms_event_issue_time',
        ),
        migrations.AlterField(
            model_name='event',
            name='timestamp',
            field=minisentry.fields.EventTimeField(),
        ),
        migrations.RunPython(narrow, widen),
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['issue', 'timestamp'], name='ms_event_issue_time'),
        ),
    ]
