"""prepare() groups through the process's grouping cache, with grouping's own answers."""

import uuid

from minisentry.grouping import get_grouping
from minisentry.grouping.cache import cache
from minisentry.processing import codec
from minisentry.processing.prepare import prepare


def event(value: str) -> dict:
    frames = [{"function": "charge", "module": "shop.billing", "lineno": 42, "in_app": True,
               "context_line": "    gateway.charge(order)"}]  # fmt: skip
    return {"event_id": uuid.uuid4().hex, "platform": "python", "exception": {"values": [
        {"type": "PaymentError", "value": value, "stacktrace": {"frames": frames}}
    ]}}  # fmt: skip


def test_a_known_code_site_is_grouped_from_the_cache_as_grouping_would():
    cache.clear()
    records = [prepare(payload) for payload in (event("card 1 declined"), codec.dumps(event("card 2 declined")))]
    expected = get_grouping(event("anything"))
    assert [(r.hashes, r.grouped_by) for r in records] == [(expected.hashes, expected.description)] * 2
    assert (cache.misses, cache.hits) == (1, 1)
