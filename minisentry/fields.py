"""An event's id and time: read from an event (:func:`event_id`, :func:`parse_time`), and the
event row's narrow columns, where what Python sees stays a 32-hex str and an aware datetime.

On SQLite an event id is a 16-byte BLOB (not 32 characters) and a time an integer of
microseconds since the epoch (8 bytes, not 26 characters of text), in the row and in every index
holding them; on PostgreSQL they are the native ``uuid`` and ``timestamptz``."""

import re
import uuid
from datetime import UTC, datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models.functions import Extract, TruncDate
from django.db.models.functions.datetime import TruncBase
from django.utils.translation import gettext_lazy as _

# An event id as stored: 32 lowercase hex. Events and URLs may give any case, or a UUID's dashes.
EVENT_ID_RE = re.compile(r"[0-9a-f]{32}")
GIVEN_EVENT_ID_RE = re.compile(r"[0-9a-f]{32}|[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", re.IGNORECASE)

# The widths of the index's text columns, in characters: the models declare their columns with
# them, and processing trims what it takes from an event to them (it may not import the models).
LENGTH = {"level": 16, "platform": 32, "environment": 64, "release": 200, "server_name": 128, "transaction": 200,
          "title": 255, "culprit": 255, "grouped_by": 255, "user": 200, "event_message": 200,
          "tag_key": 32, "tag_value": 200}

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
DAY_US = 86_400_000_000


class Level(models.TextChoices):
    """An event's level (also its issue's), as Sentry names them."""

    FATAL = "fatal", _("fatal")
    ERROR = "error", _("error")
    WARNING = "warning", _("warning")
    INFO = "info", _("info")
    DEBUG = "debug", _("debug")


def event_id(value) -> str | None:
    """``value`` as a stored event id (32 lowercase hex) if it is one in any case or a UUID, else None."""
    if isinstance(value, str) and GIVEN_EVENT_ID_RE.fullmatch(value):
        return value.replace("-", "").lower()
    return None


def parse_time(value) -> datetime | None:
    """An event's or breadcrumb's time (ISO 8601, UTC unless it says otherwise, or Unix seconds)
    as an aware UTC datetime; None when it is neither."""
    try:
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value)
            return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return EPOCH + timedelta(seconds=value)
    except (ValueError, OverflowError):
        pass
    return None


def id_to_db(connection):
    """The function turning a validated 32-hex event id into ``connection``'s column value."""
    return bytes.fromhex if connection.vendor == "sqlite" else str


def time_to_db(connection):
    """The function turning an aware datetime into ``connection``'s value of an
    :class:`EventTimeField` (what the bulk insert writes)."""
    return micros if connection.vendor == "sqlite" else connection.ops.adapt_datetimefield_value


def micros(moment: datetime) -> int:
    """Microseconds since the epoch (a naive datetime is taken as UTC)."""
    return ((moment if moment.tzinfo else moment.replace(tzinfo=UTC)) - EPOCH) // MICROSECOND


class EventIdField(models.UUIDField):
    """A UUID column (16 bytes: ``uuid`` on PostgreSQL, a BLOB on SQLite) that Python sees as
    32 lowercase hex characters.

    Its internal type is its own so that backends skip their UUIDField converters (SQLite's
    made a ``uuid.UUID`` of every id it read, a cost that showed in deletions of a million events)."""

    def get_internal_type(self) -> str:
        return "EventIdField"

    def db_type(self, connection):
        return "blob" if connection.vendor == "sqlite" else models.UUIDField().db_type(connection)

    def from_db_value(self, value, expression, connection):
        """SQLite returns the 16 bytes this field wrote, PostgreSQL a ``uuid.UUID``."""
        if isinstance(value, bytes):
            return value.hex()
        return value.hex if isinstance(value, uuid.UUID) else value

    def to_python(self, value):
        if isinstance(value, str) and EVENT_ID_RE.fullmatch(value):
            return value
        value = super().to_python(value)
        return value.hex if isinstance(value, uuid.UUID) else value

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor == "sqlite":
            return None if value is None else bytes.fromhex(self.to_python(value))
        if value is not None and not isinstance(value, uuid.UUID):
            value = models.UUIDField.to_python(self, value)
        return super().get_db_prep_value(value, connection, prepared)


class EventTimeField(models.DateTimeField):
    """A :class:`~django.db.models.DateTimeField` stored on SQLite as integer microseconds since
    the epoch (comparisons and ordering stay those of the times; read back as aware UTC).

    Lookups through Django's date transforms (``timestamp__date``, ``__year``, ``__hour``…) read
    the column as the text datetime Django's SQLite functions expect (:class:`AsDateTime`); a
    ``Trunc``/``Extract`` written by hand on SQLite wraps it in :class:`AsDateTime` itself."""

    def get_transform(self, name):
        found = super().get_transform(name)
        return _on_datetime(found) if isinstance(found, type) and issubclass(found, (TruncBase, Extract)) else found

    def get_internal_type(self) -> str:
        return "EventTimeField"

    def db_type(self, connection):
        return "integer" if connection.vendor == "sqlite" else models.DateTimeField().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if connection.vendor != "sqlite":
            return super().get_db_prep_value(value, connection, prepared)
        if not prepared:
            value = self.get_prep_value(value)
        return None if value is None else micros(value)

    def from_db_value(self, value, expression, connection):
        if isinstance(value, int):
            value = EPOCH + value * MICROSECOND
        elif isinstance(value, datetime) and value.tzinfo is None and settings.USE_TZ:  # MySQL
            value = value.replace(tzinfo=UTC)
        if isinstance(value, datetime) and not settings.USE_TZ:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value


class UTCDay(TruncDate):
    """The UTC day of an :class:`EventTimeField`, for ordering (on SQLite, the day's number)."""

    def __init__(self, expression, **extra):
        super().__init__(expression, tzinfo=UTC, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.lhs)
        return f"({sql} / {DAY_US})", params


class AsDateTime(models.Func):
    """An :class:`EventTimeField` as a datetime expression: on SQLite, its integer microseconds
    as the ``YYYY-MM-DD HH:MM:SS.ffffff`` text Django writes (in integers, so no rounding moves
    a time across a day); elsewhere the column itself."""

    output_field = models.DateTimeField()

    def as_sql(self, compiler, connection, **extra):
        return compiler.compile(self.source_expressions[0])

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        fraction = f"((({sql}) % 1000000 + 1000000) % 1000000)"
        text = (f"strftime('%Y-%m-%d %H:%M:%S', (({sql}) - {fraction}) / 1000000, 'unixepoch')"
                f" || '.' || printf('%06d', {fraction})")
        return text, [*params, *params, *params, *params]


@cache
def _on_datetime(transform: type) -> type:
    """``transform`` (a date transform Django registers on datetimes) applied to :class:`AsDateTime`."""

    def __init__(self, expression, *args, **kwargs):
        transform.__init__(self, AsDateTime(expression), *args, **kwargs)

    return type(transform.__name__, (transform,), {"__init__": __init__, "__module__": __name__})
