"""Events from outside the site (the ingest endpoint) made safe before the pipeline groups, scrubs
and stores them, the way Relay normalizes events for sentry.io: :func:`normalize`. Events of the
site's own hook never pass here."""

from .event import normalize

__all__ = ["normalize"]
