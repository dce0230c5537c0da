"""Cursor pages in Sentry's manner: a cursor names the last row shown (``<time>:<id>:<is_prev>``),
so a page stays right while rows arrive; a cursor that is not ours is a 400."""

from datetime import UTC, datetime

from django.db.models import Q, QuerySet

PER_PAGE = 100


class BadCursor(ValueError):
    pass


def parse(cursor: str) -> tuple[datetime, str, bool] | None:
    """``(time, id, backwards)`` of a cursor; None for the first page. Raises BadCursor."""
    if not cursor:
        return None
    parts = cursor.split(":")
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 20 or parts[2] not in ("0", "1") \
            or not parts[1].isalnum() or len(parts[1]) > 32:
        raise BadCursor(cursor[:60])
    try:
        moment = datetime.fromtimestamp(int(parts[0]) / 1_000_000, UTC)
    except (OverflowError, OSError, ValueError):
        raise BadCursor(cursor[:60]) from None
    return moment, parts[1], parts[2] == "1"


def cursor_of(moment: datetime, key, backwards: bool = False) -> str:
    return f"{int(moment.timestamp() * 1_000_000)}:{key}:{int(backwards)}"


def page(rows: QuerySet, time_field: str, key_field: str, cursor: str, key_type=str, per_page: int = PER_PAGE):
    """One page of ``rows`` newest first by ``(time_field, key_field)`` after (or, backwards, before)
    the cursor's row: ``(rows, previous cursor, next cursor)``, a cursor None when no row lies that way."""
    found = parse(cursor)
    backwards = bool(found and found[2])
    if found:
        moment, key = found[0], key_type(found[1])
        older = Q(**{f"{time_field}__lt": moment}) | Q(**{time_field: moment, f"{key_field}__lt": key})
        newer = Q(**{f"{time_field}__gt": moment}) | Q(**{time_field: moment, f"{key_field}__gt": key})
        rows = rows.filter(newer if backwards else older)
    order = (time_field, key_field) if backwards else (f"-{time_field}", f"-{key_field}")
    chunk = list(rows.order_by(*order)[:per_page + 1])
    more = len(chunk) > per_page
    chunk = chunk[:per_page]
    if backwards:
        chunk.reverse()
    if not chunk:
        return [], None, None

    def at(row, back: bool) -> str:
        return cursor_of(getattr(row, time_field), getattr(row, key_field), back)

    previous = at(chunk[0], True) if (more if backwards else found) else None
    following = at(chunk[-1], False) if (found if backwards else more) else None
    return chunk, previous, following


def key_int(value: str) -> int:
    if not value.isdigit():
        raise BadCursor(value)
    return int(value)
