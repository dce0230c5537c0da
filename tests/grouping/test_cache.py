"""The grouping cache: a hit gives what grouping gives, the cache stays bounded, and hits are used.

Loaded without Django, like test_grouping.py (its package ``minisentry_grouping``).
"""

import copy
import importlib
import random

import pytest

from .test_grouping import CASES, CORPUS, CORPUS_MISSING, corpus_event, grouping

cache_module = importlib.import_module("minisentry_grouping.cache")

SITES = 20
MODULES = ["shop.views", "shop.models", "django.core.handlers.base", "billing.api", "lib.util"]
FINGERPRINTS = [
    None, ["{{ default }}"], ["{{ default }}", "tenant-a"], ["db-timeout"], ["{{ type }}", "{{ value }}"],
    ["{{ message }}"], ["{{ tags.shard }}"], ["{{ transaction }}", "{{ default }}"], ["{{ level }}", "{{ logger }}"],
]  # fmt: skip
PROJECT_RULES = [
    None,
    [{"matchers": [["value", "*timeout*"]], "fingerprint": ["timeouts"]}],
    [{"matchers": [["message", "*disk*"]], "fingerprint": ["disk"]}],
    [{"matchers": [["release", "shop@2*"], ["type", "KeyError"]], "fingerprint": ["keys"]}],
    [{"matchers": [["tags.shard", "7"]], "fingerprint": ["shard-7", "{{ default }}"]}],
]


def site_frames(rng: random.Random, site: int) -> list[dict]:
    """The frames of a code site; line numbers and in-app flags sometimes vary from event to event."""
    site_rng = random.Random(site)
    frames = []
    for depth in range(site_rng.randrange(1, 8)):
        module = site_rng.choice(MODULES)
        frames.append({
            "function": f"f{site}_{depth}", "module": module, "filename": module.replace(".", "/") + ".py",
            "abs_path": "/srv/" + module.replace(".", "/") + ".py", "lineno": 10 + depth + rng.choice((0, 0, 0, 5)),
            "context_line": f"    call_{depth}(x)", "in_app": rng.random() < 0.8 if site % 3 else None,
        })  # fmt: skip
    if rng.random() < 0.1:
        frames.append(dict(frames[-1]))  # recursion
    return frames


def exception(rng: random.Random, site: int, stack: bool = True) -> dict:
    kind = ["ValueError", "KeyError", "TimeoutError", "OSError"][site % 4]
    value = rng.choice([f"order {rng.randrange(10**6)} failed", f"read timeout after {rng.random():.3f}s",
                        "disk full", f"user {rng.randrange(100)} not found", ""])  # fmt: skip
    exc = {"type": kind, "value": value, "mechanism": {"type": "generic", "handled": rng.random() < 0.5}}
    if rng.random() < 0.05:
        exc = {"value": f"{kind}: {value}", "mechanism": {}}  # no type: it is read from the value
    if stack:
        exc["stacktrace"] = {"frames": site_frames(rng, site)}
    return exc


def generated_event(rng: random.Random) -> dict:
    site = rng.randrange(SITES)
    shape = rng.random()
    event: dict = {"platform": rng.choice(["python", "python", "python", "javascript"]), "level": "error"}
    if shape < 0.5:
        event["exception"] = {"values": [exception(rng, site)]}
    elif shape < 0.6:  # stackless: the value counts
        event["exception"] = {"values": [exception(rng, site, stack=False)]}
    elif shape < 0.7:  # a chain, or an exception group
        chain = [exception(rng, site + n, stack=rng.random() < 0.7) for n in range(rng.randrange(2, 4))]
        if rng.random() < 0.5:
            for index, exc in enumerate(chain):
                exc["mechanism"].update(exception_id=index, parent_id=0 if index else None,
                                        is_exception_group=index == 0)
        event["exception"] = {"values": chain}
    elif shape < 0.8:
        event["threads"] = {"values": [
            {"id": n, "crashed": n == 1 and rng.random() < 0.7, "current": n == 0,
             "stacktrace": {"frames": site_frames(rng, site + n)}} for n in range(rng.randrange(1, 4))
        ]}  # fmt: skip
    elif shape < 0.95:
        user = rng.randrange(50)
        if rng.random() < 0.5:
            event["logentry"] = {"message": f"site {site} user %s failed", "params": [user],
                                 "formatted": f"site {site} user {user} failed"}  # fmt: skip
        else:
            event["logentry"] = {"formatted": f"site {site} user {user} failed"}
        if rng.random() < 0.3:
            event["exception"] = {"values": [exception(rng, site)]}
    else:
        event["message"] = f"legacy message {rng.randrange(20)}"
    if rng.random() < 0.3:
        event["fingerprint"] = rng.choice(FINGERPRINTS)
    if rng.random() < 0.1:
        event["_fingerprinting_rules"] = rng.choice(PROJECT_RULES)
    if rng.random() < 0.05:
        event["_grouping"] = {"enhancements": "module:shop.* +app\nfunction:f1_* -group"}
    event["tags"] = {"shard": str(rng.randrange(10))}
    event["release"] = rng.choice(["shop@1.0", "shop@2.0"])
    event["transaction"] = f"/orders/{rng.randrange(5)}"
    event["logger"] = rng.choice(["app", "django.request"])
    event["sdk"] = {"name": "sentry.python", "version": rng.choice(["2.75.0", "3.0.0"])}
    return event


def assert_same_grouping(cache, event: dict) -> None:
    expected = grouping.get_grouping(copy.deepcopy(event))
    assert cache.grouping(copy.deepcopy(event)) == expected
    assert cache.grouping(copy.deepcopy(event)) == expected  # the second time from the cache, if at all


def test_cached_and_uncached_grouping_agree_on_generated_events():
    cache = cache_module.GroupingCache()
    rng = random.Random(12)
    for _ in range(4000):
        assert_same_grouping(cache, generated_event(rng))
    assert cache.hits > 4000  # every second call at least, and many first ones
    assert cache.misses > SITES


def test_cached_and_uncached_grouping_agree_on_the_golden_corpus():
    if not CORPUS.is_dir():
        pytest.skip(CORPUS_MISSING)
    cache = cache_module.GroupingCache()
    for name in sorted(CASES):
        assert_same_grouping(cache, corpus_event(name))
        assert cache.grouping(corpus_event(name)).hashes[0] == CASES[name]["primary_hash"]


def test_one_code_site_with_unique_values_is_grouped_once(monkeypatch):
    calls = []
    monkeypatch.setattr(cache_module, "group", lambda event, reads: calls.append(event) or grouping_group(event, reads))
    cache = cache_module.GroupingCache()
    frames = [{"function": f"f{n}", "module": f"shop.m{n}", "lineno": n, "in_app": True} for n in range(5)]
    results = set()
    for n in range(200):
        event = {"platform": "python", "exception": {"values": [
            {"type": "ValueError", "value": f"order {n} failed", "stacktrace": {"frames": copy.deepcopy(frames)}}
        ]}}  # fmt: skip
        results.add(tuple(cache.grouping(event).hashes))
    assert len(results) == 1
    assert len(calls) == 1 and cache.hits == 199


def test_values_grouping_reads_are_part_of_the_key():
    cache = cache_module.GroupingCache()
    for value in ("order 1 failed", "disk full", "order 2 failed", "disk full"):
        stackless = {"platform": "python", "exception": {"values": [{"type": "OSError", "value": value}]}}
        assert cache.grouping(stackless) == grouping.get_grouping(stackless)
    first, second = ({"message": text, "tags": {"shard": shard}, "fingerprint": ["{{ tags.shard }}", "{{ default }}"]}
                     for text, shard in (("disk full", "1"), ("disk full", "2")))  # fmt: skip
    assert cache.grouping(first).hashes != cache.grouping(second).hashes
    assert cache.hits == 1  # "disk full" the second time


def test_the_cache_is_bounded():
    cache = cache_module.GroupingCache(max_entries=50)
    rng = random.Random(5)
    for n in range(1000):
        event = generated_event(rng)
        event["fingerprint"] = [f"fp-{n}"]
        cache.grouping(event)
    assert len(cache) == 50


def test_events_the_key_cannot_tell_apart_are_grouped_without_the_cache():
    cache = cache_module.GroupingCache()
    frames = [{"function": "f", "module": "m", "in_app": True, "lineno": 1}]
    as_list = {"exception": {"values": [{"type": "E", "stacktrace": {"frames": frames}}]}}
    odd = copy.deepcopy(as_list)
    odd["exception"]["values"][0]["stacktrace"]["frames"][0]["lineno"] = 1.0
    for event in (as_list, odd, {"message": "lone \ud800 surrogate"}, {"exception": "x", "platform": ("python",)}):
        assert cache.grouping(event) == grouping.get_grouping(event)
    assert cache.uncacheable == 3


def grouping_group(event, reads):
    return importlib.import_module("minisentry_grouping.api").group(event, reads)
