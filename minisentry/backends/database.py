"""Blobs in their own database table: the zero-infrastructure option. The table's model is here,
with the store that owns it (``minisentry.models`` imports it, so Django knows it)."""

from collections.abc import Iterable, Iterator, Mapping

from django.db import models, router
from django.db.models import BinaryField
from django.db.models.functions import Length, Substr

from .base import BaseBackend, BlobMissing, check_length, chunked
from .keys import DICTIONARY_PREFIX, check_key

ROWS_PER_STATEMENT = 500  # blobs written or deleted by one statement


class EventBlob(models.Model):
    """Blob table of :class:`DatabaseBackend`."""

    key = models.CharField(max_length=64, primary_key=True)
    data = models.BinaryField()

    class Meta:
        app_label = "minisentry"


class DatabaseBackend(BaseBackend):
    kind = "database"
    option_names = frozenset()
    in_database = True

    def write_blobs(self, blobs: Mapping[str, bytes]) -> None:
        EventBlob.objects.using(router.db_for_write(EventBlob)).bulk_create(
            (EventBlob(key=check_key(key), data=data) for key, data in blobs.items()),
            batch_size=ROWS_PER_STATEMENT, update_conflicts=True, unique_fields=["key"], update_fields=["data"],
        )

    def read_blob(self, key: str) -> bytes:
        blobs = EventBlob.objects.using(router.db_for_read(EventBlob))
        data = blobs.filter(key=check_key(key)).values_list("data", flat=True).first()
        if data is None:
            raise BlobMissing(key)
        return bytes(data)

    def read_range(self, key: str, offset: int, length: int) -> bytes:
        """The database cuts the range out (SQL's SUBSTR counts from 1)."""
        part = Substr("data", offset + 1, length, output_field=BinaryField())
        rows = EventBlob.objects.using(router.db_for_read(EventBlob)).filter(key=check_key(key))
        data = rows.annotate(part=part).values_list("part", flat=True).first()
        if data is None:
            raise BlobMissing(key)
        return check_length(key, bytes(data), length)

    def delete_blobs(self, keys: Iterable[str]) -> None:
        manager = EventBlob.objects.using(router.db_for_write(EventBlob))
        for chunk in chunked(keys, ROWS_PER_STATEMENT):
            manager.filter(key__in=chunk).delete()

    def iter_blobs(self) -> Iterator[tuple[str, int]]:
        rows = EventBlob.objects.using(router.db_for_read(EventBlob)).exclude(key__startswith=DICTIONARY_PREFIX)
        rows = rows.order_by("key")
        yield from rows.values_list("key", Length("data")).iterator(chunk_size=2000)
