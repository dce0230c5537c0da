"""Who sends: the public key, from the ``X-Sentry-Auth`` (or ``Authorization: Sentry …``) header,
the query's ``sentry_key``, or the envelope header's ``dsn`` (Relay's ``request_meta.rs``). Two
that disagree are refused; so is a key that is not 32 hex digits."""

import re
from urllib.parse import urlsplit

from .errors import bad, unauthorized

KEY = re.compile(r"[0-9a-f]{32}")


def _pairs(header: str) -> dict[str, str]:
    """``Sentry sentry_key=…, sentry_version=7, sentry_client=…`` as ``{"key": …, "version": …}``."""
    pairs = {}
    for part in header[7:].split(","):
        name, _, value = part.strip().partition("=")
        name = name.strip()
        pairs[name.removeprefix("sentry_")] = value.strip()
    return pairs


def given_key(request) -> str | None:
    """The public key the request's headers or query name, or None."""
    keys = set()
    for header in ("HTTP_X_SENTRY_AUTH", "HTTP_AUTHORIZATION"):
        value = request.META.get(header, "")
        if value[:7].lower() == "sentry ":
            keys.add(_pairs(value).get("key", ""))
    if "sentry_key" in request.GET:
        keys.add(request.GET["sentry_key"])
    if len(keys) > 1:
        raise unauthorized("multiple authorization payloads detected")
    return _checked(keys.pop()) if keys else None


def dsn_key(envelope_header: dict, project_id: int) -> str | None:
    """The public key of the envelope header's ``dsn``; its project must be the URL's."""
    dsn = envelope_header.get("dsn")
    if dsn is None:
        return None
    try:
        parts = urlsplit(dsn) if isinstance(dsn, str) else None
        path_project = parts.path.rstrip("/").rpartition("/")[2] if parts else ""
        key = parts.username if parts else None
    except ValueError:
        parts = None
    if not parts or not key:
        raise bad("invalid envelope authentication header (dsn)")
    if path_project != str(project_id):
        raise bad("project id header mismatch between envelope and request")
    return _checked(key)


def _checked(key: str) -> str:
    key = key.strip().lower()
    if not KEY.fullmatch(key):
        raise unauthorized("bad sentry DSN public key")
    return key
