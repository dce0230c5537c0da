"""minisentry: keep sentry-sdk events in your own Django database and blob store.

Importable from ``settings.py`` (before Django's apps are ready): nothing here or in what it
imports touches the models; the writer gets its stages from ``apps.py`` once they are."""

from .backends import get_backend
from .capture.hook import store
from .capture.writer import flush, writer
from .ops.outbox import outbox
from .pipeline.storm import sampler

__version__ = "2026.11.26"
__all__ = ["__version__", "flush", "get_backend", "stats", "store"]


def stats() -> dict:
    """This process's capture counters since it started: events dropped, spooled, and counted
    without being stored during an error storm (``sampled_out``, see ``MINISENTRY_STORM``),
    alerts that could not go out (``alerts_failed``, see ``MINISENTRY_ALERTS``), and the ingest
    endpoint's counts (``ingest``: items accepted and not stored, by type; ``rate_limited``,
    ``queue_full`` and ``invalid`` events)."""

    return {
        "dropped": writer.dropped, "spooled": writer.spooled, "sampled_out": sampler.sampled_out,
        "alerts_failed": outbox.failed, "ingest": writer.counted("ingest:"),
    }
