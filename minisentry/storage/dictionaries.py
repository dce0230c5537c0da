"""zstd dictionaries in the blob stores: each stored under ``dictionaries/<id as 8 hex>`` before
any frame that needs it (:func:`store_needed`), loaded by id when a frame needs one
(:func:`loaded`), and kept in memory only once a frame decoded with it (:func:`verified`).

Dictionaries are never deleted: a frame of any age may need one, and they are small. One already
stored under an id with other content is refused rather than overwritten.
"""

import os
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable
from functools import partial

import zstandard
from django.core.signals import setting_changed
from django.db import router, transaction
from django.dispatch import receiver

from ..backends import BaseBackend, BlobMissing
from ..backends.database import EventBlob
from ..backends.keys import dictionary_key
from ..processing import dictionaries as coding

CACHE_SIZE = 32  # verified dictionaries kept in memory per process


class DictionaryMissing(BlobMissing):
    """A frame needs a dictionary that its blob store does not hold (or holds with other content)."""


class _Known:
    """Dictionaries verified by a frame they decoded (the least recently used dropped past
    CACHE_SIZE), and per store, the ids known to be stored there."""

    def __init__(self):
        self.lock = threading.Lock()
        self.dictionaries: OrderedDict[int, zstandard.ZstdCompressionDict] = OrderedDict()
        self.stored: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


known = _Known()


def cached(dict_id: int) -> zstandard.ZstdCompressionDict | None:
    """The dictionary ``dict_id`` if this process trained it or verified it."""
    with known.lock:
        if dict_id in known.dictionaries:
            known.dictionaries.move_to_end(dict_id)
            return known.dictionaries[dict_id]
    return coding.trained(dict_id)


def loaded(dict_id: int, store: BaseBackend) -> zstandard.ZstdCompressionDict:
    """The dictionary ``dict_id`` from memory, else read from ``store`` (not kept: see
    :func:`verified`); raises DictionaryMissing when it is not there or not that dictionary."""
    if (dictionary := cached(dict_id)) is not None:
        return dictionary
    try:
        return coding.parse(store.read_blob(dictionary_key(dict_id)), dict_id)
    except BlobMissing:
        raise DictionaryMissing(f"zstd dictionary {dict_id:#010x} is missing from {store!r}") from None
    except ValueError as exc:
        raise DictionaryMissing(f"{dictionary_key(dict_id)} in {store!r}: {exc}") from None


def verified(dictionary: zstandard.ZstdCompressionDict) -> None:
    """Keep ``dictionary`` in memory: a frame naming it decoded with it and passed its checksum.
    A dictionary read but never verified is read again next time (a repaired one is then used)."""
    with known.lock:
        known.dictionaries[dictionary.dict_id()] = dictionary
        known.dictionaries.move_to_end(dictionary.dict_id())
        while len(known.dictionaries) > CACHE_SIZE:
            known.dictionaries.popitem(last=False)


def store_needed(store: BaseBackend, frames: Iterable[bytes], source: BaseBackend | None = None) -> None:
    """Write to ``store`` the dictionaries ``frames`` need that it does not hold yet: call it before
    writing the frames. They come from memory or ``source`` (a store holding them). A dictionary
    stored with other content under the same id raises DictionaryMissing (the frames then fail
    to store, and the writer spools their events)."""
    needed = {coding.frame_dictionary(frame) for frame in frames} - {0}
    with known.lock:
        done = set() if store.in_database else known.stored.setdefault(store, set())
    for dict_id in sorted(needed - done):
        dictionary = loaded(dict_id, source or store)
        data = dictionary.as_bytes()
        key = dictionary_key(dict_id)
        try:
            stored = store.read_blob(key)
        except BlobMissing:
            store.write_blobs({key: data})
        else:
            if stored != data:
                coding.drop(dict_id)
                raise DictionaryMissing(f"{store!r} holds another zstd dictionary under {key}")
        # A database store's write commits (or rolls back) with its batch: it is checked every time,
        # and the trainer lets go of the dictionary once that commits.
        if dictionary is coding.trained(dict_id):  # this process's own: right by construction
            verified(dictionary)
        if store.in_database:
            transaction.on_commit(partial(coding.stored, dict_id), using=router.db_for_write(EventBlob))
        else:
            coding.stored(dict_id)
        done.add(dict_id)


def _after_fork() -> None:
    """A forked child's lock is its own (the parent's writer may have held it)."""
    known.lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs) -> None:
    """New settings (a new store, say): nothing known."""
    global known
    if setting.startswith("MINISENTRY_"):
        known = _Known()
