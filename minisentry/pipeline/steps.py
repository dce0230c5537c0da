"""The pipeline's steps. Safe from any thread: preparing shares per-process state (the storm
sampler's windows, caches of grouping and compression), so it runs under a lock, uncontended
while the writer thread is the only caller."""

import logging
import os
import threading
from collections.abc import Iterable

from ..backends import get_backend
from ..models import Issue
from ..processing import prepare as preparing
from ..signals import issue_created, issue_regressed
from ..storage import index
from ..storage.save import save
from . import storm

logger = logging.getLogger("minisentry")

count = index.count  # add to a durable counter (``dropped``, ``alerts_failed``…)

_lock = threading.Lock()


def _after_fork() -> None:
    global _lock
    _lock = threading.Lock()  # another thread of the parent may have held it


os.register_at_fork(after_in_child=_after_fork)


def prepare(payload: bytes | dict) -> preparing.EventRecord:
    """The event's record; under ``MINISENTRY_STORM``, past the rate, one to count only.
    Raises ValueError if the payload is not an event."""
    with _lock:
        return preparing.prepare(payload, storm.keeper())


def store(records: list[preparing.EventRecord]) -> index.Stored:
    """Store the records through the configured backend (events already stored are skipped),
    then tell the receivers of ``minisentry.signals`` what the batch created or reopened.
    Raises what the store raises (nothing is then committed, nothing sent)."""
    stored = save(get_backend(), records)
    with _lock:
        storm.sampler.counted(stored.sampled_out)
    after_store(stored)
    return stored


def after_store(stored: index.Stored) -> None:
    """Send ``issue_created`` and ``issue_regressed``; never raises."""
    for signal, issue_ids in ((issue_created, stored.new_issues), (issue_regressed, stored.regressions)):
        for issue_id in issue_ids:
            try:
                signal.send_robust(Issue, issue_id=issue_id, event_id=stored.first_events.get(issue_id, ""))
            except Exception:  # send_robust logs a receiver's exception; this is anything else
                logger.exception("minisentry: signalling issue %s failed", issue_id)


def run(payloads: Iterable[bytes | dict]) -> index.Stored:
    """Prepare and store a batch in the calling thread; raises ValueError for a payload that is
    not an event (nothing of the batch is then stored)."""
    return store([prepare(payload) for payload in payloads])
