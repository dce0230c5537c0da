"""Bearer tokens in Sentry's user-token shape (``sntryu_`` + 64 hex digits): only their SHA-256 is
kept; each request acts as the token's user, within a per-token rate limit."""

import hashlib
import secrets
import time

from django.core.cache import cache
from django.utils import timezone

from .. import conf
from ..models import ApiToken

PREFIX = "sntryu_"
SHOWN = len(PREFIX) + 6  # characters of a token kept to recognise it in lists


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_token(user, scope: str = ApiToken.Scope.READ, label: str = "") -> tuple[ApiToken, str]:
    """A new token of ``user``: its row and the token itself, which is never shown again."""
    raw = PREFIX + secrets.token_hex(32)
    token = ApiToken.objects.create(user=user, digest=digest(raw), prefix=raw[:SHOWN], scope=scope, label=label)
    return token, raw


def bearer(header: str) -> str:
    """The token of an ``Authorization: Bearer …`` header ("" when there is none)."""
    kind, _, value = header.partition(" ")
    return value.strip() if kind.lower() == "bearer" and value.strip().isascii() else ""


def token_of(raw: str) -> ApiToken | None:
    """The token named ``raw``, with its user, if it exists; marks it used (once a minute at most)."""
    if not raw.startswith(PREFIX) or len(raw) != len(PREFIX) + 64:
        return None
    token = ApiToken.objects.select_related("user").filter(digest=digest(raw)).first()
    if token is not None:
        now = timezone.now()
        if token.last_used is None or (now - token.last_used).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token


def over_limit(token: ApiToken) -> int:
    """Seconds until the token may call again when it went past ``MINISENTRY_API_RATE_LIMIT``
    requests in this minute; 0 while within it (and without a limit)."""
    limit = conf.get("API_RATE_LIMIT")
    if not limit:
        return 0
    now = time.time()
    key = f"minisentry-api:{token.digest[:32]}:{int(now // 60)}"
    cache.add(key, 0, 120)
    try:
        used = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, 120)
        used = 1
    return 0 if used <= limit else max(1, 60 - int(now % 60))
