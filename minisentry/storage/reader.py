"""The one reader of events' bytes, for the pages (``Event.load``), the export, compaction and moves.

An event's frame is found by its :class:`Location` (the alias of its store, its blob's key, where it
starts in its segment, its size, the segment's size), read within its segment's bounds, decoded
with the zstd dictionary it names (read from the same store), at most its recorded size and at
most :data:`MAX_EVENT_BYTES`, and checked against its checksum. A frame that cannot be read as the
event it was raises :class:`Unreadable`, a :class:`BlobMissing`: the pages say the event is no
longer readable and the export skips it, as for a blob that is gone.
"""

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

import zstandard

from ..backends import BlobMissing, aliases, get_backend
from ..backends.base import check_length
from ..backends.keys import blob_key
from ..processing import codec
from ..processing import dictionaries as coding
from .dictionaries import cached, loaded, verified

MAX_EVENT_BYTES = 128 * 2**20  # an event's JSON at most, whatever its row says


class Unreadable(BlobMissing):
    """The event's bytes are not the frame written: out of their segment, damaged (they fail to
    decode or their checksum), too large, or not JSON."""


class TooLarge(Unreadable):
    """The frame decodes to more than its event's recorded size (or MAX_EVENT_BYTES)."""


@dataclass(frozen=True)
class Location:
    alias: str  # the store's, as configured (see minisentry.backends)
    key: str
    offset: int | None  # where the frame starts in its segment; None: the blob is the frame
    size: int  # the frame's bytes
    segment_size: int | None
    raw_size: int  # the event's JSON's bytes


# What locate() takes, in its order: the columns to read with values_list().
READ_FIELDS = ("event_id", "timestamp", "backend", "segment__backend", "segment__key", "segment__size",
               "blob_offset", "blob_size", "raw_size")


def locate(event_id: str, timestamp: datetime, backend: str, segment_backend: str | None, segment_key: str | None,
           segment_size: int | None, offset: int | None, size: int, raw_size: int) -> Location:
    """Where an event row (its READ_FIELDS) says its frame is."""
    if segment_key is None:  # stored one blob each by earlier versions
        return Location(backend, blob_key(event_id, timestamp), None, size, None, raw_size)
    return Location(segment_backend, segment_key, offset, size, segment_size, raw_size)


class Reader:
    """Reads events; with ``keep``, each segment is read whole once and the ``keep`` most recent
    ones are kept for their next events (the export, compaction); without, only the frame's
    bytes are read (a ranged read)."""

    def __init__(self, keep: int = 0):
        self._keep, self._segments = keep, OrderedDict()

    def frame(self, where: Location) -> bytes:
        """The event's compressed bytes; raises BlobMissing."""
        return self._found(where)[0]

    def _found(self, where: Location) -> tuple[bytes, str]:
        """The frame and the alias of the store holding it: the one its row records, else (the
        way earlier versions switched stores: the old one listed under any alias) another
        configured store that holds its blob."""
        try:
            return self._read(where, where.alias), where.alias
        except Unreadable:
            raise
        except BlobMissing:
            for alias in aliases():
                if alias != where.alias:
                    try:
                        return self._read(where, alias), alias
                    except Unreadable:
                        raise
                    except BlobMissing:
                        continue
            raise

    def _read(self, where: Location, alias: str) -> bytes:
        store = get_backend(alias)
        if where.offset is None:
            return check_length(where.key, store.read_blob(where.key), where.size)
        if not (0 <= where.offset and 0 < where.size <= (where.segment_size or 0) - where.offset):
            raise Unreadable(f"{where.key} has no {where.size} bytes at {where.offset}")
        if not self._keep:
            return store.read_range(where.key, where.offset, where.size)
        segment = alias, where.key
        if segment not in self._segments:
            self._segments[segment] = store.read_blob(where.key)
            if len(self._segments) > self._keep:
                self._segments.popitem(last=False)
        data = self._segments[segment]
        return check_length(where.key, data[where.offset : where.offset + where.size], where.size)

    def json(self, where: Location) -> bytes:
        """The event's JSON, as stored; raises BlobMissing (:class:`Unreadable` for bad bytes)."""
        frame, alias = self._found(where)
        try:
            header = zstandard.get_frame_parameters(frame)
        except zstandard.ZstdError as exc:
            raise Unreadable(f"{where.key}: not a zstd frame ({exc})") from None
        dictionary = fresh = None
        if header.dict_id:
            fresh = cached(header.dict_id) is None
            dictionary = loaded(header.dict_id, get_backend(alias))
        limit = min(where.raw_size, MAX_EVENT_BYTES)
        try:
            data = coding.decompress(frame, dictionary, limit)
        except coding.FrameTooLarge as exc:
            raise TooLarge(f"{where.key}: {exc}") from None
        except ValueError as exc:
            raise Unreadable(f"{where.key}: {exc}") from None
        if fresh and (header.has_checksum or _parses(data)):
            verified(dictionary)  # a frame decoded with it: kept from now on
        return data

    def load(self, where: Location) -> dict:
        """The event as the SDK produced it (less what scrubbing replaced); raises BlobMissing."""
        data = self.json(where)
        try:
            return codec.loads(data)
        except ValueError as exc:
            raise Unreadable(f"{where.key}: not JSON ({exc})") from None


def _parses(data: bytes) -> bool:
    try:
        codec.loads(data)
    except ValueError:
        return False
    return True
