"""Realistic events for the benchmarks: real exceptions captured by sentry-sdk, locals on.

``sample(n, issues=20)`` returns ``n`` JSON payloads of 5–50 KB (log-uniform) from ``issues``
code sites at different call depths, with breadcrumbs and request data, each with its own
event id, timestamp and exception message.
"""

import random
import uuid
from datetime import UTC, datetime, timedelta

TEMPLATES_PER_ISSUE = 8
ERRORS = [ValueError, KeyError, TypeError, RuntimeError, LookupError, OSError, ZeroDivisionError, AttributeError,
          IndexError, PermissionError]
WORDS = ("order customer invoice payment cart session token user account product shipment "
         "refund coupon address report export import queue retry cache").split()


def _raise(site: int, depth: int, n: int, payload: dict):
    """Recurse ``depth`` frames (locals on every frame), then raise the site's error."""
    items = payload["items"][: 3 + depth]
    if depth:
        return _raise(site, depth - 1, n, payload)
    kind = ERRORS[site % len(ERRORS)]
    raise kind(f"{WORDS[site]} {n} failed: {len(items)} item(s), state {payload['state']}")


def _capture(rng: random.Random, site: int, n: int, target: int) -> dict:
    import sentry_sdk

    captured = []
    scope = sentry_sdk.get_isolation_scope()
    scope.clear_breadcrumbs()
    for b in range(min(100, max(0, (target - 6000) // 420))):  # breadcrumbs make up the size
        ids = ", ".join(str(rng.randrange(10**6)) for _ in range(rng.randrange(1, 8)))
        sentry_sdk.add_breadcrumb(
            category="query", level="info",
            message=f"SELECT id, {rng.choice(WORDS)}_id, created_at, status FROM shop_{rng.choice(WORDS)} "
                    f"WHERE id IN ({ids}) AND status = 'open' ORDER BY created_at DESC LIMIT {rng.randrange(1, 100)}",
            data={"duration_ms": round(rng.random() * 30, 3), "rows": rng.randrange(100)},
        )
    scope.set_tag("site", f"shop-{site % 3}")
    scope.set_user({"id": str(rng.randrange(10**5)), "email": f"user{rng.randrange(10**5)}@example.com"})
    payload = {"items": [{"sku": f"SKU-{rng.randrange(10**6)}", "qty": rng.randrange(1, 9),
                          "price": round(rng.random() * 100, 2)} for _ in range(6)],
               "state": rng.choice(WORDS), "note": " ".join(rng.choice(WORDS) for _ in range(12))}
    client = sentry_sdk.get_client()
    client.options["before_send"] = lambda event, hint: captured.append(event)
    try:
        _raise(site, 2 + site % 12, n, payload)
    except Exception:
        sentry_sdk.capture_exception()
    return captured[0]


def sample(n: int, issues: int = 20, seed: int = 1) -> list[bytes]:
    """``n`` payloads (bytes, as ``minisentry.store()`` queues them) over ``issues`` issues."""
    import sentry_sdk

    from minisentry.processing import codec

    rng = random.Random(seed)
    sentry_sdk.init(include_local_variables=True, max_breadcrumbs=100, environment="production",
                    release="shop@2026.11.1", server_name="web-1")
    templates = []
    for i in range(issues * TEMPLATES_PER_ISSUE):
        target = int(5000 * 10 ** rng.random())  # 5–50 KB, log-uniform
        templates.append(_capture(rng, i % issues, i, target))
    sentry_sdk.init()
    start = datetime.now(UTC) - timedelta(hours=1)
    result = []
    for i in range(n):
        event = dict(templates[i % len(templates)])
        event["event_id"] = uuid.UUID(int=rng.getrandbits(128)).hex
        event["timestamp"] = (start + timedelta(seconds=3600 * i / max(n, 1))).isoformat()
        result.append(codec.dumps(event))
    return result
