"""This process's copy of the projects and their keys, so that a request never waits on the
database: the whole (small) table is loaded at once by a thread of its own, trusted for
``MINISENTRY_INGEST_KEY_CACHE_SECONDS``, and reloaded when a project or key is saved or deleted
in this process. A request waits at most ``MINISENTRY_INGEST_DB_TIMEOUT`` for a load; when the
database does not answer in time it goes on with the copy it has (and without one, is answered
503). A key not in the copy triggers a reload at most once a second (a new key works at once; a
flood of made-up keys costs the database one query a second)."""

import logging
import os
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as WaitedTooLong
from dataclasses import dataclass

from django.db import connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .. import conf
from ..models import Project, ProjectKey
from .errors import Refused

logger = logging.getLogger("minisentry")

UNKNOWN_RELOAD = 1.0  # seconds between two reloads for an unknown key
RETRY_AFTER = 10  # what a 503 asks the client to wait


@dataclass(frozen=True)
class ProjectInfo:
    id: int
    origins: frozenset[str] | None  # None: the site's ALLOWED_HOSTS; "*" in it: any origin
    rate_limit: int | None  # events per minute


@dataclass(frozen=True)
class KeyInfo:
    public_key: str
    project_id: int
    active: bool
    rate_limit: int | None


@dataclass(frozen=True)
class Snapshot:
    projects: dict[int, ProjectInfo]
    keys: dict[str, KeyInfo]
    loaded: float  # time.monotonic()


def _origins(text: str) -> frozenset[str] | None:
    lines = {line.strip().rstrip("/").lower() for line in (text or "").splitlines()}
    return frozenset(lines - {""}) or None


def load() -> Snapshot:
    """Read every project and key (in the loading thread, on its own connection)."""
    try:
        projects = {p.id: ProjectInfo(p.id, _origins(p.allowed_origins), p.rate_limit) for p in Project.objects.all()}
        keys = {
            k.public_key: KeyInfo(k.public_key, k.project_id, k.is_active, k.rate_limit)
            for k in ProjectKey.objects.all()
        }
        return Snapshot(projects, keys, time.monotonic())
    finally:
        connection.close()


def _run(future: Future) -> None:
    try:
        future.set_result(load())
    except BaseException as error:  # handed to the waiting request
        future.set_exception(error)


class Keys:
    def __init__(self):
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._loading: Future | None = None
        self._loading_since = 0.0
        self._snapshot: Snapshot | None = None
        self._stale = False  # a project or key was saved since the copy was loaded
        self._unknown_at = 0.0  # when an unknown key last triggered a reload
        self._failed_at = -UNKNOWN_RELOAD  # when a load last failed

    def invalidate(self) -> None:
        self._stale = True

    def snapshot(self, unknown_key: bool = False) -> Snapshot:
        """A copy recent enough (see the module's doc); ``unknown_key``: the current copy lacks a key."""
        now = time.monotonic()
        current = self._snapshot
        due = current is None or self._stale or now - current.loaded >= conf.get("INGEST_KEY_CACHE_SECONDS")
        if unknown_key and now - self._unknown_at >= UNKNOWN_RELOAD:
            self._unknown_at, due = now, True
        if not due or current is not None and now - self._failed_at < UNKNOWN_RELOAD:
            return current
        future = self._start()
        waited = now - self._loading_since
        try:
            if waited < conf.get("INGEST_DB_TIMEOUT") or current is None:
                self._snapshot = future.result(max(conf.get("INGEST_DB_TIMEOUT") - waited, 0))
                self._stale = False
        except WaitedTooLong:
            self._failed_at = now
            logger.warning("minisentry: the database did not give the ingest keys in time")
        except Exception:
            self._failed_at = now
            logger.warning("minisentry: the database did not give the ingest keys", exc_info=True)
        if self._snapshot is None:
            raise Refused(503, "the service is unavailable (its database does not answer)",
                          {"Retry-After": str(RETRY_AFTER)})
        return self._snapshot

    def _start(self) -> Future:
        """The load under way, or a new one on a daemon thread (a hung database never holds the
        process at exit)."""
        with self._lock:
            if self._loading is None or self._loading.done():
                future = self._loading = Future()
                self._loading_since = time.monotonic()
                threading.Thread(target=_run, args=(future,), name="minisentry-keys", daemon=True).start()
            return self._loading

    def key(self, public_key: str) -> tuple[KeyInfo | None, Snapshot]:
        snapshot = self.snapshot()
        if public_key not in snapshot.keys:
            snapshot = self.snapshot(unknown_key=True)
        return snapshot.keys.get(public_key), snapshot


keys = Keys()


@receiver(post_save, sender=Project)
@receiver(post_delete, sender=Project)
@receiver(post_save, sender=ProjectKey)
@receiver(post_delete, sender=ProjectKey)
def _changed(**kwargs) -> None:
    keys.invalidate()
