"""minisentry: keep sentry-sdk events in your own Django database and blob store."""

from .capture import store
from .writer import flush

__version__ = "2026.11.26"
__all__ = ["__version__", "flush", "get_backend", "store"]


def get_backend(alias: str = "default"):
    """The configured blob store backend (imported lazily: ``store()`` works in settings.py)."""
    from .backends import get_backend

    return get_backend(alias)


def stats() -> dict:
    """This process's capture counters: events dropped and spooled since it started."""
    from .writer import writer

    return {"dropped": writer.dropped, "spooled": writer.spooled}
