"""Blobs as files under ``location``: segments ``segments/YYYY/MM/DD/<name>.zst`` (and events
stored one blob each, ``YYYY/MM/DD/ab/<event_id>.zst``), written atomically.

Below ``location`` nothing is reached by path: each level is opened (or made, ``0700``) relative
to its parent's descriptor with ``O_NOFOLLOW``, and files likewise, so a symbolic link planted in
the store is refused instead of followed, and nothing is ever made outside it.
"""

import errno
import logging
import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from .base import BaseBackend, BlobMissing, InvalidBackendError, check_length
from .keys import BLOB_KEY_RE, check_key

SUFFIX = ".zst"
FOLDER = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
BLOB = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC  # O_NONBLOCK: a planted FIFO never blocks
REFUSED = (errno.ELOOP, errno.ENOTDIR)  # a link, or not a folder, where a folder should be

logger = logging.getLogger("minisentry")


class FileSystemBackend(BaseBackend):
    kind = "filesystem"
    option_names = frozenset({"location", "fsync", "max_workers"})

    def __init__(self, location=None, fsync: bool = False, max_workers: int = 8, **options):
        super().__init__(**options)
        self.max_workers = max_workers
        if not location:
            raise InvalidBackendError("FileSystemBackend needs OPTIONS['location'], a directory.")
        self.location = Path(location).resolve()
        self._root = str(self.location)
        self.fsync = fsync
        try:
            mode = stat.S_IMODE(os.stat(self._root).st_mode)
        except OSError:  # made private by the first write
            mode = 0
        if mode & 0o077:  # the user's own folder: left as it is, its contents are private anyway
            logger.warning("minisentry: the blob location %s is open to other users (mode %o)", self._root, mode)

    def __repr__(self) -> str:
        return f"<FileSystemBackend {self.location}>"

    def path(self, key: str) -> Path:
        return Path(self._root, check_key(key) + SUFFIX)

    def _open_location(self, create: bool) -> int:
        """A descriptor of ``location``, made (with its missing parents, all ``0700``) if ``create``."""
        try:
            return os.open(self._root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except FileNotFoundError:
            if not create:
                raise
        for path in reversed([p for p in (self.location, *self.location.parents) if not p.exists()]):
            try:
                os.mkdir(path, 0o700)
            except FileExistsError:
                pass
        return os.open(self._root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)

    def _open_folder(self, parts: Sequence[str], create: bool = False) -> int:
        """A descriptor of the folder ``parts`` below ``location``, each level made ``0700`` if missing
        and ``create``; raises ValueError where a level is a link or not a folder."""
        fd = self._open_location(create)
        try:
            for name in parts:
                try:
                    child = os.open(name, FOLDER, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        raise
                    try:
                        os.mkdir(name, 0o700, dir_fd=fd)  # never through a link: a link makes it EEXIST
                    except FileExistsError:
                        pass
                    child = os.open(name, FOLDER, dir_fd=fd)
                os.close(fd)
                fd = child
        except OSError as exc:
            os.close(fd)
            if exc.errno in REFUSED:
                raise ValueError(f"{'/'.join(parts)} is a link or not a folder in {self._root}") from exc
            raise
        return fd

    def write_blobs(self, blobs: Mapping[str, bytes]) -> None:
        """Files are written by a few threads at once: creating a file is slow on many disks,
        and file system calls release the GIL. Each folder is opened once per batch."""
        files = [(*_split(key), data) for key, data in blobs.items()]
        folders: dict[tuple, int] = {}
        errors: list[BaseException] = []

        def write(item: tuple) -> None:
            try:
                self._write(folders[item[0]], *item)
            except Exception as exc:  # kept: raising would close the folders under running threads
                errors.append(exc)

        try:
            for parts, _, _ in files:
                if parts not in folders:
                    folders[parts] = self._open_folder(parts, create=True)
            self.parallel(write, files)
        finally:
            for fd in folders.values():
                os.close(fd)
        if errors:
            raise errors[0]

    def _write(self, folder: int, parts: tuple, name: str, data: bytes) -> None:
        try:
            self._write_file(folder, name, data)
        except FileNotFoundError:  # a cleanup pruned the (empty) folder since it was opened
            folder = self._open_folder(parts, create=True)
            try:
                self._write_file(folder, name, data)
            finally:
                os.close(folder)

    def _write_file(self, folder: int, name: str, data: bytes) -> None:
        tmp = _temp_name(name)
        fd = os.open(tmp, NEW_FILE, 0o600, dir_fd=folder)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                if self.fsync:
                    file.flush()
                    os.fsync(file.fileno())
            os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)  # replaces a link, never follows it
        except BaseException:
            try:
                os.unlink(tmp, dir_fd=folder)
            except FileNotFoundError:
                pass
            raise

    def read_blob(self, key: str) -> bytes:
        with os.fdopen(self._open_blob(key), "rb") as file:
            return file.read()

    def read_range(self, key: str, offset: int, length: int) -> bytes:
        fd = self._open_blob(key)
        try:
            return check_length(key, os.pread(fd, length, offset), length)
        finally:
            os.close(fd)

    def _open_blob(self, key: str) -> int:
        """A descriptor of the regular file of ``key``, never reached through a link."""
        parts, name = _split(key)
        try:
            folder = self._open_folder(parts)
            try:
                fd = os.open(name, BLOB, dir_fd=folder)
            finally:
                os.close(folder)
        except (FileNotFoundError, ValueError):
            raise BlobMissing(key) from None
        except OSError as exc:
            if exc.errno in REFUSED:
                raise BlobMissing(key) from None
            raise
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise BlobMissing(key)
        return fd

    def delete_blobs(self, keys: Iterable[str]) -> None:
        """Unlinks run on the backend's threads (they release the GIL), each thread on its own run
        of folders (a third faster than interleaving them); then empty folders go."""
        files = [_split(key) for key in sorted(keys)]  # fixed-width keys: the folders' order
        if not files:
            return
        step = -(-len(files) // self.max_workers)
        self.parallel(self._unlink, [files[i : i + step] for i in range(0, len(files), step)])
        for parts in sorted({parts for parts, _ in files}, reverse=True):
            self._prune(parts)

    def _unlink(self, files: list[tuple[tuple, str]]) -> None:
        for parts, names in groupby(files, key=itemgetter(0)):
            try:
                folder = self._open_folder(parts)
            except (FileNotFoundError, ValueError):  # gone already, or a link: nothing of the store
                continue
            try:
                for _, name in names:
                    try:
                        os.unlink(name, dir_fd=folder)
                    except FileNotFoundError:
                        pass
            finally:
                os.close(folder)

    def _prune(self, parts: tuple) -> None:
        """Remove the folder ``parts`` and its parents up to ``location`` while they are empty."""
        for depth in range(len(parts), 0, -1):
            try:
                parent = self._open_folder(parts[: depth - 1])
            except (OSError, ValueError):
                return
            try:
                os.rmdir(parts[depth - 1], dir_fd=parent)
            except OSError:  # not empty, already gone, or a link
                return
            finally:
                os.close(parent)

    def iter_blobs(self) -> Iterator[tuple[str, int]]:
        for root, dirs, files in os.walk(self.location):  # never descends into a linked folder
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(SUFFIX):
                    continue
                path = Path(root, name)
                key = path.relative_to(self.location).with_suffix("").as_posix()
                info = path.lstat()
                if BLOB_KEY_RE.fullmatch(key) and stat.S_ISREG(info.st_mode):
                    yield key, info.st_size


def _split(key: str) -> tuple[tuple, str]:
    """A blob key as its folder's levels and its file name."""
    *parts, name = check_key(key).split("/")
    return tuple(parts), name + SUFFIX


def _temp_name(name: str) -> str:
    """A fresh, unguessable name beside ``name`` for writing it atomically."""
    return f".{name}.{os.urandom(8).hex()}.tmp"
