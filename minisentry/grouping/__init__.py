"""Group sentry-sdk events the way Sentry does (a port of ``src/sentry/grouping``)."""

from .api import Grouping, get_grouping, get_grouping_hashes, normalize_event

__all__ = ["Grouping", "get_grouping", "get_grouping_hashes", "normalize_event"]
