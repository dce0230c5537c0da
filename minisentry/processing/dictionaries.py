"""Trained zstd dictionaries: blobs about three times smaller than plain zstd, and cheaper to make.

The writer trains one from the first events it compresses (``samples`` of them), keeps it only if
it makes a held-out tenth of them smaller by ``min_saving`` than plain zstd does, and trains again
after ``retrain_after`` events. Each frame names its dictionary in its header (id 0: none, which is
how every earlier blob reads); the dictionary is stored in the blob store beside the events under
``dictionaries/<id as 8 hex>`` before any frame that needs it (:func:`store_needed`), and a reader
loads it from there by id once (:func:`decompress`). Dictionaries are never deleted: a frame of any
age may need one, and they are small. Ids are random (two processes each train their own); one
already stored with other content is refused rather than overwritten.
"""

import logging
import os
import random
import threading
import weakref
from collections import OrderedDict
from collections.abc import Iterable

import zstandard
from django.core.signals import setting_changed
from django.dispatch import receiver

from .. import conf
from ..storage.blobkeys import BlobMissing, dictionary_key
from . import codec

logger = logging.getLogger("minisentry")

# zstd reserves ids below 32768 and from 2**31 on.
FIRST_ID, LAST_ID = 32768, 2**31 - 1
HELD_OUT = 10  # every HELD_OUT-th sample judges the trained dictionary instead of training it
MIN_SAMPLE = 64  # smaller events are not kept as samples (zstd's trainer crashes on 1-byte ones)
MAX_SAMPLE = 256 * 1024  # larger events are not kept as samples
MAX_SAMPLE_BYTES = 8 * 1024 * 1024  # samples kept in memory at most; training starts there
CACHE_SIZE = 32  # dictionaries kept in memory per process


class DictionaryMissing(BlobMissing):
    """A frame needs a dictionary that its blob store does not hold (or holds with other content)."""


def problem(value) -> str | None:
    """What is wrong with a ``MINISENTRY_COMPRESSION_DICTIONARY`` value, or None (check E006)."""
    if value is None or isinstance(value, bool):
        return None
    if not isinstance(value, dict):
        return f"it must be a dict, True, False or None, not {type(value).__name__}"
    defaults = conf.DEFAULTS["COMPRESSION_DICTIONARY"]
    if unknown := set(value) - set(defaults):
        return f"it has unknown key(s) {', '.join(map(repr, sorted(unknown, key=str)))}"
    merged = {**defaults, **value}
    for key, least in (("samples", HELD_OUT), ("retrain_after", 0), ("size", 1)):
        if not isinstance(merged[key], int) or isinstance(merged[key], bool) or merged[key] < least:
            return f"{key!r} must be an integer of at least {least}, not {merged[key]!r}"
    saving = merged["min_saving"]
    if not isinstance(saving, (int, float)) or isinstance(saving, bool) or not 0 <= saving < 1:
        return f"'min_saving' must be a number from 0 to below 1, not {saving!r}"
    return None


def options() -> dict | None:
    """``MINISENTRY_COMPRESSION_DICTIONARY`` over its defaults; None when it is turned off or
    invalid (logged once: compression goes on without a dictionary)."""
    return conf.derived("COMPRESSION_DICTIONARY", _options)


def _options(value) -> dict | None:
    if error := problem(value):
        logger.error("minisentry: MINISENTRY_COMPRESSION_DICTIONARY: %s; compressing without a dictionary", error)
    merged = {**conf.DEFAULTS["COMPRESSION_DICTIONARY"], **(value if isinstance(value, dict) else {})}
    return merged if value and merged["enabled"] and not error else None


def frame_dictionary(frame: bytes) -> int:
    """The dictionary id a zstd frame's header names (0: none); raises ``zstandard.ZstdError``."""
    return zstandard.get_frame_parameters(frame).dict_id


class _Cache:
    """Dictionaries by id: the two this process trained last (kept: they may not be stored yet),
    and those loaded from a store, the least recently used dropped past CACHE_SIZE; and per
    store, the ids known to be stored there."""

    def __init__(self):
        self.lock = threading.Lock()
        self.trained: OrderedDict[int, zstandard.ZstdCompressionDict] = OrderedDict()
        self.dictionaries: OrderedDict[int, zstandard.ZstdCompressionDict] = OrderedDict()
        self.stored: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self.local = threading.local()

    def add(self, dictionary: zstandard.ZstdCompressionDict, trained: bool = False) -> None:
        kept, limit = (self.trained, 2) if trained else (self.dictionaries, CACHE_SIZE)
        with self.lock:
            kept[dictionary.dict_id()] = dictionary
            while len(kept) > limit:
                kept.popitem(last=False)

    def get(self, dict_id: int, store) -> zstandard.ZstdCompressionDict:
        """The dictionary ``dict_id``, from memory or else from ``store``; raises DictionaryMissing."""
        with self.lock:
            if dict_id in self.trained:
                return self.trained[dict_id]
            if dict_id in self.dictionaries:
                self.dictionaries.move_to_end(dict_id)
                return self.dictionaries[dict_id]
        try:
            data = store.read_blob(dictionary_key(dict_id))
        except BlobMissing:
            raise DictionaryMissing(f"zstd dictionary {dict_id:#010x} is missing from {store!r}") from None
        dictionary = zstandard.ZstdCompressionDict(data, dict_type=zstandard.DICT_TYPE_FULLDICT)
        if dictionary.dict_id() != dict_id:
            raise DictionaryMissing(f"{dictionary_key(dict_id)} in {store!r} is not zstd dictionary {dict_id:#010x}")
        self.add(dictionary)
        return dictionary

    def decompressor(self, dictionary: zstandard.ZstdCompressionDict) -> zstandard.ZstdDecompressor:
        """This thread's decompressor for ``dictionary`` (zstd's are not shared between threads)."""
        return self._own("decompressors", dictionary, lambda: zstandard.ZstdDecompressor(dict_data=dictionary))

    def compressor(self, level: int, dictionary: zstandard.ZstdCompressionDict) -> zstandard.ZstdCompressor:
        return self._own(
            f"compressors{level}", dictionary,
            lambda: zstandard.ZstdCompressor(level=level, dict_data=dictionary, write_dict_id=True),
        )

    def _own(self, kind: str, dictionary, make):
        made = self.local.__dict__.setdefault(kind, {})
        key = dictionary.dict_id()
        if key not in made:
            if len(made) >= CACHE_SIZE:
                made.clear()
            made[key] = make()
        return made[key]


class _Trainer:
    """The process's current dictionary and the samples for the next one."""

    def __init__(self):
        self.lock = threading.Lock()
        self.current: zstandard.ZstdCompressionDict | None = None
        self.samples: list[bytes] = []
        self.sample_bytes = 0
        self.wait = 0  # events to compress before collecting samples again
        self.failed = False  # a training failure is logged once as a warning

    def choose(self, data: bytes, settings: dict) -> zstandard.ZstdCompressionDict | None:
        """The dictionary to compress ``data`` with; keeps it as a sample, trains when enough are kept."""
        with self.lock:
            current = self.current
            if self.wait > 0:
                self.wait -= 1
                return current
            if MIN_SAMPLE <= len(data) <= MAX_SAMPLE:
                self.samples.append(data)
                self.sample_bytes += len(data)
            if len(self.samples) >= max(settings["samples"], HELD_OUT) or self.sample_bytes >= MAX_SAMPLE_BYTES:
                samples, self.samples, self.sample_bytes = self.samples, [], 0
                self.wait = settings["retrain_after"]
                self.current = current = self.train(samples, settings)
            return current

    def drop(self, dict_id: int) -> None:
        """Stop using dictionary ``dict_id`` (another process stored one under its id): train another."""
        with self.lock:
            if self.current is not None and self.current.dict_id() == dict_id:
                self.current, self.wait = None, 0

    def train(self, samples: list[bytes], settings: dict) -> zstandard.ZstdCompressionDict | None:
        """A dictionary trained on ``samples`` if it pays on the held-out ones, else None."""
        level = conf.get("COMPRESSION_LEVEL")
        held_out = samples[::HELD_OUT]
        training = [s for i, s in enumerate(samples) if i % HELD_OUT]
        try:
            dictionary = zstandard.train_dictionary(
                settings["size"], training, dict_id=random.randint(FIRST_ID, LAST_ID), level=level,
            )
        except zstandard.ZstdError as exc:  # too few or too similar samples
            log = logger.debug if self.failed else logger.warning
            self.failed = True
            log("minisentry: training a zstd dictionary failed (%s); compressing without one", exc)
            return None
        dictionary.precompute_compress(level=level)  # else each frame loads it again (~25 µs)
        plain = sum(len(codec.compress(s, level)) for s in held_out)
        trained = sum(len(cache.compressor(level, dictionary).compress(s)) for s in held_out)
        if trained > plain * (1 - settings["min_saving"]):
            logger.info("minisentry: a trained zstd dictionary saves too little (%d against %d bytes); "
                        "compressing without one", trained, plain)
            return None
        cache.add(dictionary, trained=True)
        logger.info("minisentry: compressing with zstd dictionary %#010x (%d against %d bytes on %d events)",
                    dictionary.dict_id(), trained, plain, len(held_out))
        return dictionary


cache = _Cache()
trainer = _Trainer()


def compress(data: bytes) -> bytes:
    """``data`` as one zstd frame at ``COMPRESSION_LEVEL``, with the current dictionary if any."""
    settings = options()
    dictionary = trainer.choose(data, settings) if settings else None
    level = conf.get("COMPRESSION_LEVEL")
    return codec.compress(data, level) if dictionary is None else cache.compressor(level, dictionary).compress(data)


def decompress(frame: bytes, store) -> bytes:
    """A frame's bytes; a dictionary it needs is loaded from ``store`` (raises DictionaryMissing)."""
    dict_id = frame_dictionary(frame)
    if not dict_id:
        return codec.decompress(frame)
    return cache.decompressor(cache.get(dict_id, store)).decompress(frame)


def store_needed(store, frames: Iterable[bytes], source=None) -> None:
    """Write to ``store`` the dictionaries ``frames`` need that it does not hold yet: call it before
    writing the frames. They come from memory or ``source`` (a store holding them). A dictionary
    stored with other content under the same id raises DictionaryMissing (the frames then fail
    to store, and the writer spools their events)."""
    needed = {frame_dictionary(frame) for frame in frames} - {0}
    with cache.lock:
        known = set() if store.in_database else cache.stored.setdefault(store, set())
    for dict_id in sorted(needed - known):
        data = cache.get(dict_id, source or store).as_bytes()
        key = dictionary_key(dict_id)
        try:
            stored = store.read_blob(key)
        except BlobMissing:
            store.write_blobs({key: data})
        else:
            if stored != data:
                trainer.drop(dict_id)
                raise DictionaryMissing(f"{store!r} holds another zstd dictionary under {key}")
        # A database store's write commits (or rolls back) with its batch: it is checked every time.
        known.add(dict_id)


def _after_fork() -> None:
    """A forked child's locks are its own (the parent's writer may have held one)."""
    cache.lock, trainer.lock = threading.Lock(), threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs) -> None:
    """New settings (a new store, say): start over with no dictionary."""
    global cache, trainer
    if setting.startswith("MINISENTRY_"):
        cache, trainer = _Cache(), _Trainer()
