"""Trained zstd dictionaries: blobs about three times smaller than plain zstd, and cheaper to make.

The writer trains one from the first events it compresses (``samples`` of them), keeps it only if
it makes a held-out tenth of them smaller by ``min_saving`` than plain zstd does, and trains again
after ``retrain_after`` events. Each frame names its dictionary in its header (id 0: none, which is
how every earlier blob reads) and carries zstd's checksum of its content. Ids are random (two
processes each train their own). A dictionary is kept here from its training until storage says
it is stored (:func:`trained`, :func:`stored`); storing and loading dictionaries is storage's
business (``storage.dictionaries``): this module only turns given dictionary bytes into frames
and back (:func:`parse`, :func:`decompress`).
"""

import logging
import os
import random
import threading
from collections import OrderedDict

import zstandard
from django.core.signals import setting_changed
from django.dispatch import receiver

from .. import conf
from . import codec

logger = logging.getLogger("minisentry")

# zstd reserves ids below 32768 and from 2**31 on.
FIRST_ID, LAST_ID = 32768, 2**31 - 1
HELD_OUT = 10  # every HELD_OUT-th sample judges the trained dictionary instead of training it
MIN_SAMPLE = 64  # smaller events are not kept as samples (zstd's trainer crashes on 1-byte ones)
MAX_SAMPLE = 256 * 1024  # larger events are not kept as samples
MAX_SAMPLE_BYTES = 8 * 1024 * 1024  # samples kept in memory at most; training starts there
CACHE_SIZE = 32  # coders kept per thread
# zstd's cover trainer with its segment and d-mer sizes given: searching for them (what it does
# when they are not) took four times as long and made dictionaries no better on SDK events.
SEGMENT, DMER = 1024, 8
# The settings' bounds (check E006): two held-out samples at least, a size zstd can train (256
# bytes) and every reader can hold, and ``retrain_after`` at least ``samples`` (each dictionary is
# stored for good: not one per few events).
BOUNDS = {"samples": (2 * HELD_OUT, None), "retrain_after": (0, None), "size": (256, 2**20)}


class FrameTooLarge(ValueError):
    """A frame holds more bytes than it may."""


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
    for key, (least, most) in BOUNDS.items():
        value = merged[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < least or (most and value > most):
            bounds = f"from {least:,} to {most:,}" if most else f"of at least {least:,}"
            return f"{key!r} must be an integer {bounds}, not {value!r}"
    if merged["retrain_after"] < merged["samples"]:
        return f"'retrain_after' must be at least 'samples' ({merged['samples']:,}), not {merged['retrain_after']!r}"
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


class _Coders:
    """The dictionaries this process trained and not yet stored (:func:`trained`), and per thread,
    zstd's compressors and decompressors for dictionaries (they are not shared between threads)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.trained: OrderedDict[int, zstandard.ZstdCompressionDict] = OrderedDict()
        self.local = threading.local()

    def decompressor(self, dictionary: zstandard.ZstdCompressionDict | None) -> zstandard.ZstdDecompressor:
        if dictionary is None:
            return self._own("decompressors", 0, zstandard.ZstdDecompressor)
        return self._own("decompressors", dictionary, lambda: zstandard.ZstdDecompressor(dict_data=dictionary))

    def compressor(self, level: int, dictionary: zstandard.ZstdCompressionDict) -> zstandard.ZstdCompressor:
        return self._own(
            f"compressors{level}", dictionary,
            lambda: zstandard.ZstdCompressor(level=level, dict_data=dictionary, write_dict_id=True,
                                             write_checksum=True),
        )

    def _own(self, kind: str, dictionary, make):
        """This thread's coder for ``dictionary`` (that very object: one loaded again after a
        repair gets a new coder)."""
        made = self.local.__dict__.setdefault(kind, {})
        key = dictionary if isinstance(dictionary, int) else dictionary.dict_id()
        if key not in made or made[key][0] is not dictionary:
            if len(made) >= CACHE_SIZE:
                made.clear()
            made[key] = dictionary, make()
        return made[key][1]


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
                k=min(SEGMENT, settings["size"]), d=DMER,
            )
        except zstandard.ZstdError as exc:  # too few or too similar samples
            log = logger.debug if self.failed else logger.warning
            self.failed = True
            log("minisentry: training a zstd dictionary failed (%s); compressing without one", exc)
            return None
        dictionary.precompute_compress(level=level)  # else each frame loads it again (~25 µs)
        plain = sum(len(codec.compress(s, level)) for s in held_out)
        trained = sum(len(coders.compressor(level, dictionary).compress(s)) for s in held_out)
        if trained > plain * (1 - settings["min_saving"]):
            logger.info("minisentry: a trained zstd dictionary saves too little (%d against %d bytes); "
                        "compressing without one", trained, plain)
            return None
        with coders.lock:  # kept until stored (see trained()): a batch may need several
            coders.trained[dictionary.dict_id()] = dictionary
        logger.info("minisentry: compressing with zstd dictionary %#010x (%d against %d bytes on %d events)",
                    dictionary.dict_id(), trained, plain, len(held_out))
        return dictionary


coders = _Coders()
trainer = _Trainer()


def compress(data: bytes) -> bytes:
    """``data`` as one zstd frame (with its content checksum) at ``COMPRESSION_LEVEL``, with the
    current dictionary if any."""
    settings = options()
    dictionary = trainer.choose(data, settings) if settings else None
    level = conf.get("COMPRESSION_LEVEL")
    return codec.compress(data, level) if dictionary is None else coders.compressor(level, dictionary).compress(data)


def trained(dict_id: int) -> zstandard.ZstdCompressionDict | None:
    """A dictionary this process trained: its current one, or one not yet stored (:func:`stored`)."""
    current = trainer.current
    if current is not None and current.dict_id() == dict_id:
        return current
    with coders.lock:
        return coders.trained.get(dict_id)


def stored(dict_id: int) -> None:
    """Dictionary ``dict_id`` is in the store new frames go to: this process need not keep it."""
    with coders.lock:
        coders.trained.pop(dict_id, None)


def drop(dict_id: int) -> None:
    """Another process stored another dictionary under ``dict_id``: stop using ours."""
    stored(dict_id)
    trainer.drop(dict_id)


def parse(data: bytes, dict_id: int) -> zstandard.ZstdCompressionDict:
    """Stored dictionary bytes as the dictionary ``dict_id``; raises ValueError if they are not."""
    try:
        dictionary = zstandard.ZstdCompressionDict(data, dict_type=zstandard.DICT_TYPE_FULLDICT)
        found = dictionary.dict_id()
    except zstandard.ZstdError as exc:
        raise ValueError(f"not a zstd dictionary: {exc}") from None
    if found != dict_id:
        raise ValueError(f"zstd dictionary {found:#010x}, not {dict_id:#010x}")
    return dictionary


def decompress(frame: bytes, dictionary: zstandard.ZstdCompressionDict | None, limit: int) -> bytes:
    """The bytes of one zstd frame (decompressed with ``dictionary``, the one it names), at most
    ``limit`` of them; raises ValueError for a frame that is damaged, fails its checksum, has
    bytes after it, or holds more than ``limit`` bytes (nothing that large is allocated)."""
    try:
        size = zstandard.get_frame_parameters(frame).content_size
        if size != zstandard.CONTENTSIZE_UNKNOWN and size > limit:
            raise FrameTooLarge(f"the frame holds {size:,} bytes, more than the {limit:,} expected")
        return coders.decompressor(dictionary).decompress(frame, max_output_size=limit, allow_extra_data=False)
    except zstandard.ZstdError as exc:
        raise ValueError(f"not a readable zstd frame: {exc}") from None


def _after_fork() -> None:
    """A forked child's locks are its own (the parent's writer may have held one)."""
    coders.lock, trainer.lock = threading.Lock(), threading.Lock()


os.register_at_fork(after_in_child=_after_fork)


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs) -> None:
    """New settings (a new store, say): start over with no dictionary."""
    global coders, trainer
    if setting.startswith("MINISENTRY_"):
        coders, trainer = _Coders(), _Trainer()
