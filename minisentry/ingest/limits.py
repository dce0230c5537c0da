"""Rate limits per key and per project (``rate_limit``: events a minute; None: none), counted by
this process in one-minute windows as Relay's quotas are: past a limit, 429 with ``Retry-After``
(the seconds left in the window) and ``X-Sentry-Rate-Limits`` in Relay's format
(``retry_after:categories:scope:reason_code``), which the SDKs obey. Each worker process counts
its own events: under N processes a site accepts up to N times a limit."""

import math
import os
import threading
import time

from .errors import Refused
from .keys import KeyInfo, ProjectInfo

WINDOW = 60  # seconds
CATEGORIES = "error;default;security"


def refusal(retry_after: int, scope: str, reason: str, detail: str) -> Refused:
    return Refused(429, detail, {
        "Retry-After": str(retry_after),
        "X-Sentry-Rate-Limits": f"{retry_after}:{CATEGORIES}:{scope}:{reason}",
    })


class Windows:
    def __init__(self, clock=time.time):
        self.clock = clock
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[tuple[str, object], list[int]] = {}  # (scope, id) -> [window, events]

    def take(self, key: KeyInfo, project: ProjectInfo) -> None:
        """Count one event of ``key``; 429 (nothing counted) if the key or its project is at its limit."""
        now = self.clock()
        window = int(now // WINDOW)
        limited = [(scope, ident, limit) for scope, ident, limit in (
            ("key", key.public_key, key.rate_limit), ("project", project.id, project.rate_limit)) if limit is not None]
        with self._lock:
            counts = []
            for scope, ident, limit in limited:
                count = self._counts.setdefault((scope, ident), [window, 0])
                if count[0] != window:
                    count[:] = window, 0
                if count[1] >= limit:
                    retry = max(math.ceil((window + 1) * WINDOW - now), 1)
                    raise refusal(retry, scope, f"{scope}_quota",
                                  f"the {scope}'s rate limit of {limit} events a minute is reached")
                counts.append(count)
            for count in counts:
                count[1] += 1


windows = Windows()
