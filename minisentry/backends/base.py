"""The interface every blob store implements: bytes in and out under checked keys, nothing more
(what the bytes hold is storage's business)."""

import logging
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, wait
from itertools import islice

from django.core.exceptions import ImproperlyConfigured

from .keys import check_key

logger = logging.getLogger("minisentry")

STALL_WARNING = 10.0  # seconds a blob store may take for a batch before the writer logs it


def chunked(items: Iterable, size: int) -> Iterator[list]:
    """Successive lists of at most ``size`` items."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class BlobMissing(LookupError):
    """The blob store holds no blob under that key (or not the bytes that were written there)."""


class InvalidBackendError(ImproperlyConfigured):
    """``MINISENTRY_BACKEND`` names a backend that cannot be loaded or configured."""


class DaemonPool:
    """A few daemon threads running calls. A ``ThreadPoolExecutor``'s threads are joined when the
    interpreter exits, before any ``atexit`` handler: one upload hanging on a store that never
    answers would keep the process from exiting and from spooling its queue."""

    def __init__(self, size: int, name: str):
        self._size, self._name = size, name
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def submit(self, function: Callable, item) -> Future:
        future = Future()
        self._tasks.put((future, function, item))
        with self._lock:
            if len(self._threads) < self._size:
                thread = threading.Thread(target=self._work, name=f"{self._name}-{len(self._threads)}", daemon=True)
                thread.start()  # RuntimeError once the interpreter is shutting down
                self._threads.append(thread)
        return future

    def _work(self) -> None:
        while True:
            future, function, item = self._tasks.get()
            if future.set_running_or_notify_cancel():
                try:
                    future.set_result(function(item))
                except BaseException as exc:
                    future.set_exception(exc)


class BaseBackend:
    """A blob store, keyed by :mod:`minisentry.backends.keys`.

    Subclasses set ``kind`` (what ``minisentry_stats`` calls it) and ``option_names``, and provide
    the four blob methods; :func:`minisentry.storage.save.save` writes each batch as one blob (a
    segment) through them before its index rows. ``read_range`` reads one event of a segment; its
    default reads the whole blob and slices it. ``alias`` is the name the store is configured
    under (see :func:`minisentry.backends.get_backend`), which rows record.
    """

    kind = ""
    alias: str | None = None
    option_names: frozenset[str] = frozenset()
    # Blobs live in the index's database: delete them on the caller's connection, not a thread's.
    in_database = False
    max_workers = 1  # threads writing blobs in parallel (see parallel())
    _pool: DaemonPool | None = None
    _pool_pid = 0

    def __init__(self, **options):
        unknown = set(options) - self.option_names
        if unknown:
            raise InvalidBackendError(
                f"Invalid option(s) {', '.join(sorted(unknown))} for {type(self).__name__}; "
                f"it accepts: {', '.join(sorted(self.option_names)) or 'none'}."
            )

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>" if self.alias is None else f"<{type(self).__name__} {self.alias!r}>"

    def parallel(self, function: Callable, items: Iterable) -> None:
        """Call ``function`` on every item from ``max_workers`` threads of this process; raise the
        first error. A store that takes longer than ``STALL_WARNING`` seconds is logged."""
        items = list(items)  # one item (a batch's segment) goes to a thread too: a stall is logged
        if not items or self.max_workers < 2:
            list(map(function, items))
            return
        if self._pool_pid != os.getpid():  # a forked child cannot use its parent's threads
            self._pool = DaemonPool(self.max_workers, f"minisentry-{self.kind}")
            self._pool_pid = os.getpid()
        try:
            futures = [self._pool.submit(function, item) for item in items]
        except RuntimeError:  # no new threads once the interpreter is shutting down
            list(map(function, items))
            return
        waited = 0.0
        while (pending := wait(futures, timeout=STALL_WARNING).not_done):
            waited += STALL_WARNING
            logger.warning("minisentry: %r has not answered for %.0f s (%d of %d blob operations waiting)",
                           self, waited, len(pending), len(futures))
        for future in futures:
            future.result()

    def write_blobs(self, blobs: Mapping[str, bytes]) -> None:
        raise NotImplementedError("subclasses of BaseBackend must provide a write_blobs() method")

    def read_blob(self, key: str) -> bytes:
        """The blob's bytes; raises :class:`BlobMissing`."""
        raise NotImplementedError("subclasses of BaseBackend must provide a read_blob() method")

    def read_range(self, key: str, offset: int, length: int) -> bytes:
        """``length`` bytes of the blob from ``offset`` (one event of a segment); raises
        :class:`BlobMissing`, also when the blob is shorter. Stores override it to read only those."""
        return check_length(key, self.read_blob(check_key(key))[offset : offset + length], length)

    def delete_blobs(self, keys: Iterable[str]) -> None:
        """Delete the blobs; keys without a blob are ignored."""
        raise NotImplementedError("subclasses of BaseBackend must provide a delete_blobs() method")

    def iter_blobs(self) -> Iterator[tuple[str, int]]:
        """Every stored event blob as ``(key, size in bytes)`` (dictionaries are not listed)."""
        raise NotImplementedError("subclasses of BaseBackend must provide an iter_blobs() method")


def check_length(key: str, data: bytes, length: int) -> bytes:
    """``data`` if it has ``length`` bytes; a shorter read means the blob is not the one written."""
    if len(data) != length:
        raise BlobMissing(f"{key} has no {length} bytes there")
    return data
