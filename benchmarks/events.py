"""Realistic events for the benchmarks: real exceptions captured by sentry-sdk, locals on.

``sample(n, issues=20)`` returns ``n`` JSON payloads of 5–50 KB (log-uniform; ``sizes``) from
``issues`` code sites at different call depths, with breadcrumbs and request data, each with its
own event id, timestamp and exception message. ``fresh(payloads)`` turns them into the dicts the
SDK hands ``before_send``, one new copy per event (the hook takes them over).
"""

import random
import uuid
from datetime import UTC, datetime, timedelta

import orjson

TEMPLATES_PER_ISSUE = 8
SMALL = 6000  # events asked all smaller than this are ~5 KB: 1-2 frames, no "modules"
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


def _capture(rng: random.Random, site: int, n: int, target: int, small: bool) -> dict:
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
        _raise(site, site % 2 if small else 2 + site % 12, n, payload)
    except Exception:
        sentry_sdk.capture_exception()
    if small:  # a small event: shallow, without the list of installed packages
        del captured[0]["modules"]
    return captured[0]


def sample(n: int, issues: int = 20, seed: int = 1, sizes: tuple[int, int] = (5000, 50_000)) -> list[bytes]:
    """``n`` payloads (JSON bytes) over ``issues`` issues, of ``sizes`` bytes (log-uniform; events without
    breadcrumbs are 9–21 KB; ``sizes`` both < 6,000 B gives ~5 KB events)."""
    import sentry_sdk

    rng = random.Random(seed)
    sentry_sdk.init(include_local_variables=True, max_breadcrumbs=100, environment="production",
                    release="shop@2026.11.1", server_name="web-1")
    templates = []
    for i in range(issues * TEMPLATES_PER_ISSUE):
        target = int(sizes[0] * (sizes[1] / sizes[0]) ** rng.random())
        templates.append(_capture(rng, i % issues, i, target, sizes[1] < SMALL))
    sentry_sdk.init()
    start = datetime.now(UTC) - timedelta(hours=1)
    result = []
    for i in range(n):
        event = dict(templates[i % len(templates)])
        event["event_id"] = uuid.UUID(int=rng.getrandbits(128)).hex
        event["timestamp"] = (start + timedelta(seconds=3600 * i / max(n, 1))).isoformat()
        result.append(orjson.dumps(event))
    return result


def fresh(payloads: list[bytes], now: bool = False) -> list[dict]:
    """A new dict per payload, as the SDK gives ``before_send``, with a new event id (payloads can
    be stored again); ``now``: timestamped now, so that they arrive as a storm (whether the storm
    is judged by arrival or by event time)."""
    events = [orjson.loads(payload) for payload in payloads]
    stamp = datetime.now(UTC).isoformat()
    for event in events:
        event["event_id"] = uuid.uuid4().hex
        if now:
            event["timestamp"] = stamp
    return events
