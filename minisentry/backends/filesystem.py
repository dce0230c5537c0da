"""Blobs as files under ``location``: ``YYYY/MM/DD/ab/<event_id>.zst``, written atomically."""

import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from ..blobkeys import BLOB_KEY_RE, check_key
from .base import BaseBackend, BlobMissing, InvalidBackendError

SUFFIX = ".zst"


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
        self._checked_dirs: set[Path] = set()

    def __repr__(self) -> str:
        return f"<FileSystemBackend {self.location}>"

    def path(self, key: str) -> Path:
        return Path(self._file(key))

    def _file(self, key: str) -> str:
        """The blob's file name as a string (pathlib is slow enough to matter for a million)."""
        return os.path.join(self._root, check_key(key) + SUFFIX)

    def _directory(self, directory: Path) -> None:
        """Create a blob directory (private) and make sure no link leads it outside ``location``."""
        if directory not in self._checked_dirs:
            directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not directory.resolve().is_relative_to(self.location):
                raise ValueError(f"{directory} leads outside {self.location}")
            self._checked_dirs.add(directory)

    def write_blobs(self, blobs: Mapping[str, bytes]) -> None:
        """Files are written by a few threads at once: creating a file is slow on many disks,
        and file system calls release the GIL."""
        paths = {self.path(key): data for key, data in blobs.items()}
        for directory in {path.parent for path in paths}:
            self._directory(directory)
        self.parallel(self._write, paths.items())

    def _write(self, item: tuple[Path, bytes]) -> None:
        path, data = item
        tmp = path.parent / f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
        try:
            fd = os.open(tmp, flags, 0o600)
        except FileNotFoundError:  # a cleanup pruned the (empty) folder since it was made
            self._checked_dirs.discard(path.parent)
            self._directory(path.parent)
            fd = os.open(tmp, flags, 0o600)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                if self.fsync:
                    file.flush()
                    os.fsync(file.fileno())
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def read_blob(self, key: str) -> bytes:
        path = self.path(key)
        if not path.resolve().is_relative_to(self.location):
            raise BlobMissing(key)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise BlobMissing(key) from None

    def delete_blobs(self, keys: Iterable[str]) -> None:
        """Unlinks run on the backend's threads (they release the GIL), each thread on its own run
        of folders (a third faster than interleaving them); then empty folders go."""
        files = sorted(self._file(key) for key in keys)
        step = -(-len(files) // self.max_workers)
        self.parallel(_unlink, [files[i : i + step] for i in range(0, len(files), step)])
        for directory in sorted({os.path.dirname(f) for f in files}, reverse=True):
            self._prune(Path(directory))

    def _prune(self, directory: Path) -> None:
        """Remove ``directory`` and its parents up to ``location`` while they are empty."""
        while directory != self.location and directory.is_relative_to(self.location):
            try:
                directory.rmdir()
            except OSError:  # not empty, or already gone
                return
            self._checked_dirs.discard(directory)
            directory = directory.parent

    def iter_blobs(self) -> Iterator[tuple[str, int]]:
        for root, dirs, files in os.walk(self.location):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(SUFFIX):
                    continue
                path = Path(root, name)
                key = path.relative_to(self.location).with_suffix("").as_posix()
                if BLOB_KEY_RE.fullmatch(key):
                    yield key, path.stat().st_size


def _unlink(names: list[str]) -> None:
    for name in names:
        try:
            os.unlink(name)
        except FileNotFoundError:
            pass
