"""Group sentry-sdk events the way Sentry does, with its grouping config ``newstyle:2023-01-11``.

A standard-library port of Sentry's server-side grouping (``src/sentry/grouping`` in
getsentry/sentry), in the same shape:

1. ``normalization``: the event is cleaned up the way Relay does before Sentry sees it;
2. rules: stack-trace rules (``enhancer/``) decide which frames are in-app and which count
   (``+app``/``-app``, ``+group``/``-group``); fingerprint rules (``fingerprinting``) may replace
   the fingerprint;
3. ``variants``: a tree of grouping components (``component``) is built per variant (``app``:
   in-app frames only, ``system``: all frames, ``default``: message) by the ``strategies/``
   (exception chain, threads, stack trace, message); a fingerprint or a checksum replaces or
   salts them;
4. hashing: a variant's hash is the md5 of its contributing leaf values, concatenated.

``cache`` keeps results keyed on exactly the fields grouping reads (the normalised event keeps
only those), so that events of a known code site are not grouped again.

Project settings that Sentry keeps server-side may be given inside the event, as Sentry's own
test inputs do: ``_grouping.enhancements`` (stack-trace rules, one per line) and
``_fingerprinting_rules`` (a list of ``{"matchers": [[key, pattern], ...], "fingerprint": [...]}``).
"""

from .api import Grouping, get_grouping, get_grouping_hashes
from .normalization import normalize_event

__all__ = ["Grouping", "get_grouping", "get_grouping_hashes", "normalize_event"]
