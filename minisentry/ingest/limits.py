"""Rate limits per key and per project (``rate_limit``: events a minute; None: none), counted in
one-minute windows as Relay's quotas are: past a limit, 429 with ``Retry-After`` (the seconds left in
the window) and ``X-Sentry-Rate-Limits`` in Relay's format (``retry_after:categories:scope:reason_code``),
which the SDKs obey. With ``MINISENTRY_INGEST_RATE_LIMIT_CACHE`` naming a cache the processes share
(Redis, Memcached: its ``incr`` is atomic), the windows are counted there, for the whole site; else
(or while that cache cannot be reached, logged once a minute) each process counts its own, and under
N processes a site accepts up to N times a limit."""

import logging
import math
import os
import threading
import time

from django.core.cache import caches

from .. import conf
from .errors import Refused
from .keys import KeyInfo, ProjectInfo

logger = logging.getLogger("minisentry")

WINDOW = 60  # seconds
CATEGORIES = "error;default;security"


def refusal(retry_after: int, scope: str, reason: str, detail: str) -> Refused:
    return Refused(429, detail, {
        "Retry-After": str(retry_after),
        "X-Sentry-Rate-Limits": f"{retry_after}:{CATEGORIES}:{scope}:{reason}",
    })


def _refused(scope: str, limit: int, window: int, now: float) -> Refused:
    retry = max(math.ceil((window + 1) * WINDOW - now), 1)
    return refusal(retry, scope, f"{scope}_quota", f"the {scope}'s rate limit of {limit} events a minute is reached")


class Windows:
    def __init__(self, clock=time.time):
        self.clock = clock
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, object], list[int]] = {}  # (scope, id) -> [window, events]
        self._warned = 0  # the window of the last warning that the shared cache failed

    def take(self, key: KeyInfo, project: ProjectInfo) -> None:
        """Count one event of ``key``; 429 (nothing counted) if the key or its project is at its limit."""
        limited = [(scope, ident, limit) for scope, ident, limit in (
            ("key", key.public_key, key.rate_limit), ("project", project.id, project.rate_limit)) if limit is not None]
        if not limited:
            return
        now = self.clock()
        window = int(now // WINDOW)
        if (alias := conf.get("INGEST_RATE_LIMIT_CACHE")) is not None:
            try:
                return self._take_shared(caches[alias], limited, window, now)
            except Refused:
                raise
            except Exception as error:  # unreachable, or misconfigured (check E008 says so)
                if self._warned != window:
                    self._warned = window
                    logger.warning("minisentry: rate limits counted by this process alone: cache %r failed (%s)",
                                   alias, error)
        self._take_here(limited, window, now)

    def _take_shared(self, cache, limited: list, window: int, now: float) -> None:
        taken = []
        for scope, ident, limit in limited:
            name = f"minisentry:ingest-rate:{scope}:{ident}:{window}"
            cache.add(name, 0, timeout=2 * WINDOW)
            taken.append(name)
            if cache.incr(name) > limit:
                for counted in taken:  # a refused event counts against no limit
                    cache.decr(counted)
                raise _refused(scope, limit, window, now)

    def _take_here(self, limited: list, window: int, now: float) -> None:
        with self._lock:
            counts = []
            for scope, ident, limit in limited:
                count = self._counts.setdefault((scope, ident), [window, 0])
                if count[0] != window:
                    count[:] = window, 0
                if count[1] >= limit:
                    raise _refused(scope, limit, window, now)
                counts.append(count)
            for count in counts:
                count[1] += 1


windows = Windows()
