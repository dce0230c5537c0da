"""Grouping: Sentry's golden corpus (``../shared/grouping``) and plain unit tests.

``minisentry/grouping/`` is loaded from its folder, as a package of its own, so that these tests
need neither Django nor the rest of minisentry (``minisentry/__init__.py`` imports the capture
machinery).
"""

import copy
import hashlib
import importlib.util
import json
import random
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "grouping"
CORPUS_MISSING = (
    "../shared/grouping (Sentry's golden grouping corpus) is not present beside the repository; "
    "grouping golden tests skipped"
)
MIN_STRICT_RATE = 0.90
# Corpus cases whose config overrides (_grouping, _fingerprinting_rules) are not supported: none.
UNSUPPORTED_OVERRIDE_CASES: dict[str, str] = {}


def _load_grouping():
    folder = ROOT / "minisentry" / "grouping"
    spec = importlib.util.spec_from_file_location(
        "minisentry_grouping", folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


grouping = _load_grouping()
api = importlib.import_module("minisentry_grouping.api")
parameterization = importlib.import_module("minisentry_grouping.parameterization")


def md5(*values: str) -> str:
    return hashlib.md5("".join(values).encode()).hexdigest()


# --- Golden corpus ------------------------------------------------------------------------------


def corpus_cases() -> dict:
    return json.loads((CORPUS / "expected.json").read_text()) if CORPUS.is_dir() else {}


def corpus_event(name: str) -> dict:
    """The input as stored; its _grouping/_fingerprinting_rules are read by grouping as config."""
    return json.loads((CORPUS / "inputs" / f"{name}.json").read_text())


def case_param(name: str, case: dict):
    reason = UNSUPPORTED_OVERRIDE_CASES.get(name)
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(name, case, id=name, marks=marks)


CASES = corpus_cases()
CASE_PARAMS = [case_param(name, case) for name, case in sorted(CASES.items())] or [
    pytest.param(None, None, id="corpus-missing")
]


@pytest.fixture
def corpus():
    if not CORPUS.is_dir():
        pytest.skip(CORPUS_MISSING)
    return CASES


def strict_match(name: str, case: dict) -> bool:
    return grouping.get_grouping_hashes(corpus_event(name))[0] == case["primary_hash"]


def full_match(name: str, case: dict) -> bool:
    """Same set of hashes, and the same hash for every variant Sentry names."""
    event = corpus_event(name)
    mine = {v.name: v.hash for v in api.calculate_variants(event) if v.hash is not None}
    expected = {k.replace("custom_fingerprint", "custom-fingerprint"): v["hash"] for k, v in case["variants"].items()}
    return set(grouping.get_grouping_hashes(event)) == set(case["all_hashes"]) and mine == expected


@pytest.mark.parametrize(("name", "case"), CASE_PARAMS)
def test_corpus_primary_hash(corpus, name, case):
    assert grouping.get_grouping_hashes(corpus_event(name))[0] == case["primary_hash"]


def test_corpus_match_rate(corpus, capsys):
    plain = {name: case for name, case in corpus.items() if not case["config_overrides_in_input"]}
    strict = sum(strict_match(name, case) for name, case in plain.items())
    full = sum(full_match(name, case) for name, case in plain.items())
    overrides = {name: case for name, case in corpus.items() if case["config_overrides_in_input"]}
    override_strict = sum(strict_match(name, case) for name, case in overrides.items())
    lines = [
        f"grouping golden corpus: strict primary-hash match {strict}/{len(plain)} ({100 * strict / len(plain):.1f} %)",
        f"grouping golden corpus: full (all hashes) match {full}/{len(plain)} ({100 * full / len(plain):.1f} %)",
        f"grouping golden corpus: config-override cases, strict match {override_strict}/{len(overrides)}",
    ]
    print("\n".join(lines))
    with capsys.disabled():
        sys.stderr.write("\n" + "\n".join(lines) + "\n")
    assert strict / len(plain) >= MIN_STRICT_RATE


# --- Unit tests: no corpus needed ----------------------------------------------------------------


def python_error(value="boom", function="handle", lineno=10, exc_type="ValueError", **extra) -> dict:
    frames = [
        {"function": "get_response", "module": "django.core.handlers.base", "lineno": 197,
         "abs_path": "/venv/lib/python3.12/site-packages/django/core/handlers/base.py",
         "filename": "django/core/handlers/base.py", "context_line": "response = wrapped(request)", "in_app": False},
        {"function": function, "module": "shop.views", "lineno": lineno, "abs_path": "/srv/shop/views.py",
         "filename": "shop/views.py", "context_line": "    order = parse(request)", "in_app": True},
    ]  # fmt: skip
    return {
        "platform": "python",
        "exception": {"values": [{"type": exc_type, "value": value, "stacktrace": {"frames": frames}}]},
        **extra,
    }


def log_event(template: str, *params, formatted: str | None = None) -> dict:
    logentry = {"message": template, "params": list(params), "formatted": formatted or template % params}
    return {"platform": "python", "logentry": logentry}


def test_fingerprint_default_expands_to_the_default_grouping():
    default = grouping.get_grouping(python_error())
    salted = grouping.get_grouping(python_error(fingerprint=["{{ default }}", "tenant-a"]))
    assert salted.variant == default.variant == "app"
    assert salted.hashes[0] == md5(*default.components, "tenant-a") != default.hashes[0]
    assert grouping.get_grouping_hashes(python_error(fingerprint=["{{default}}", "tenant-a"])) == salted.hashes
    assert grouping.get_grouping_hashes(python_error(fingerprint=["{{ default }}"])) == default.hashes
    assert grouping.get_grouping_hashes(python_error(fingerprint=["{{ default }}", "tenant-b"])) != salted.hashes


def test_custom_fingerprint_replaces_the_default_grouping():
    result = grouping.get_grouping(python_error(fingerprint=["db-timeout"]))
    assert result == grouping.Grouping(
        [md5("db-timeout")], "custom-fingerprint", 'custom fingerprint ["db-timeout"]', ["db-timeout"]
    )
    other = python_error("other", function="other", fingerprint=["db-timeout"])
    assert grouping.get_grouping_hashes(other) == result.hashes


def test_fingerprint_variables_are_resolved():
    event = python_error(fingerprint=["{{ type }}", "{{ function }}", "{{ tags.shard }}"], tags={"shard": "7"})
    assert grouping.get_grouping(event).components == ["ValueError", "handle", "7"]


def test_messages_are_parameterised():
    first = grouping.get_grouping({"message": "User 42 not found"})
    assert first.variant == "default"
    assert first.description == 'message "User <int> not found"'
    assert grouping.get_grouping_hashes({"message": "User 7 not found"}) == first.hashes
    assert grouping.get_grouping_hashes({"message": "Order 7 not found"}) != first.hashes


def test_log_messages_group_by_their_format_string():
    bob = grouping.get_grouping(log_event("User %s not found", "bob"))
    assert bob.description == 'message template "User %s not found"'
    assert grouping.get_grouping_hashes(log_event("User %s not found", "alice")) == bob.hashes
    assert grouping.get_grouping_hashes(log_event("User %s was deleted", "bob")) != bob.hashes


def test_parameterisation_of_common_values():
    normalize = parameterization.normalize_message
    assert normalize("id 9f1c2b3a-0d4e-4f5a-8b6c-7d8e9f0a1b2c at 2024-05-01T10:00:00Z") == "id <uuid> at <date>"
    assert normalize("mail bob@example.com from 10.1.2.3 via https://x.io/a?b=1") == "mail <email> from <ip> via <url>"
    assert normalize("addr 0xdeadbeef, took 1.5 s, retry=true") == "addr <hex>, took <float> s, retry=<bool>"
    assert normalize("first\n\nsecond\nthird") == "first\nsecond..."


def test_same_code_site_with_different_messages_groups_together():
    first = grouping.get_grouping_hashes(python_error("id 1 is bad"))
    assert first == grouping.get_grouping_hashes(python_error("no such key: 'x'"))


def test_different_functions_or_types_group_apart():
    base = grouping.get_grouping_hashes(python_error())
    assert grouping.get_grouping_hashes(python_error(function="refund")) != base
    assert grouping.get_grouping_hashes(python_error(exc_type="KeyError")) != base


def test_line_numbers_are_not_used():
    first = grouping.get_grouping_hashes(python_error(lineno=10))
    assert first == grouping.get_grouping_hashes(python_error(lineno=99))


def test_in_app_frames_make_the_primary_hash():
    result = grouping.get_grouping(python_error())
    assert result.variant == "app"
    assert result.description == "exception type and in-app stack frames (1 frame)"
    assert result.components == ["shop.views", "handle", "order = parse(request)", "ValueError"]
    assert len(result.hashes) == 2  # the system variant (all frames) is kept as a second hash


def test_site_packages_frames_are_never_in_app():
    event = python_error()
    event["exception"]["values"][0]["stacktrace"]["frames"][0]["in_app"] = True
    assert grouping.get_grouping(event).components == grouping.get_grouping(python_error()).components


def test_exception_without_frames_groups_by_type_and_value():
    event = {"exception": [{"type": "TimeoutError", "value": "after 30 s"}]}
    result = grouping.get_grouping(event)
    assert (result.variant, result.hashes) == ("app", [md5("TimeoutError", "after <int> s")])
    bare = {"exception": {"type": "TimeoutError", "value": "after 5 s"}}
    assert grouping.get_grouping_hashes(bare) == result.hashes


def test_checksum_variants():
    assert grouping.get_grouping_hashes({"checksum": "a" * 32}) == ["a" * 32]
    assert grouping.get_grouping_hashes({"checksum": "abc"}) == [md5("abc"), "abc"]


def test_nothing_to_group_by_falls_back_to_the_md5_of_nothing():
    for event in ({}, {"exception": {"values": []}}, {"stacktrace": {"frames": []}}, {"message": ""}):
        result = grouping.get_grouping(event)
        assert (result.hashes, result.variant) == (["d41d8cd98f00b204e9800998ecf8427e"], "fallback")


def test_normalize_event_does_not_mutate_its_input():
    event = python_error(message="x", stacktrace={"frames": [{"function": "f"}]})
    event["exception"]["values"][0]["stacktrace"]["frames"].append(None)
    original = copy.deepcopy(event)
    normalized = grouping.normalize_event(event)
    grouping.get_grouping(event)
    assert event == original
    assert normalized["logentry"] == {"formatted": "x", "message": None}
    assert normalized["exception"]["values"][0]["stacktrace"]["frames"] == [{"function": "f", **_frame_defaults()}]


def _frame_defaults() -> dict:
    keys = ("raw_function", "module", "package", "filename", "abs_path", "context_line", "platform", "lineno",
            "colno", "in_app")
    return {**dict.fromkeys(keys), "data": {}}


def test_non_dict_events_raise_type_error():
    for event in (None, [], "event", 42):
        with pytest.raises(TypeError):
            grouping.get_grouping(event)


def deeply_nested(depth: int) -> list:
    value: list = []
    for _ in range(depth):
        value = [value, {"x": value}] if depth < 30 else [value]
    return value


GARBAGE_EVENTS = [
    {"exception": None, "stacktrace": None, "threads": None, "logentry": None, "fingerprint": None, "platform": None},
    {"exception": [None, 1, "x", [], {"values": "nope"}], "message": ["not", "a", "string"]},
    {"exception": {"values": [{"type": 1, "value": {"a": [1, 2]}, "mechanism": [], "stacktrace": []}]}},
    {"exception": {"values": [{"type": "E", "stacktrace": {"frames": [None, {}, {"in_app": "yes", "lineno": "1"}]}}]}},
    {"exception": {"values": [{"type": "\ud800", "value": "\udfff lone \ud83d"}]},
     "fingerprint": ["\ud800", None, 1.5, True]},
    {"logentry": {"message": "\ud800 %s", "params": "\udc00"}, "tags": [["a"], None, ["k", "\ud800"]], "sdk": "x"},
    {"threads": {"values": [{"crashed": True, "stacktrace": {"frames": [{"function": None}]}}, 5]}},
    {"threads": [{"current": 1}, {"current": True}], "stacktrace": {"frames": "abc"}},
    {"exception": {"values": [{"value": "x" * 5_000_000,
                               "stacktrace": {"frames": [{"module": "$$" * 500_000, "platform": "java"}]}}]}},
    {"message": deeply_nested(10_000), "exception": {"value": deeply_nested(5_000)}, "extra": deeply_nested(100_000)},
    {"fingerprint": "{{ default }}", "checksum": ["x"], "_grouping": {"enhancements": "[[[ ] | ^^-app function:*"}},
    {"_grouping": "x", "_fingerprinting_rules": [None, {"matchers": [["type"]], "fingerprint": []}, {"matchers": "x"}]},
    {"_fingerprinting_rules": [{"matchers": [["!type", "["], ["tags.x", "*"]], "fingerprint": ["{{ bogus }}"]}]},
    {"exception": {"values": [
        {"type": "A", "mechanism": {"exception_id": 0, "parent_id": 0, "is_exception_group": True}},
        {"type": "B", "mechanism": {"exception_id": 1, "parent_id": 1, "is_exception_group": True}},
        {"type": "C", "mechanism": {"exception_id": "1", "parent_id": -3, "is_exception_group": "yes"}},
    ]}},  # fmt: skip
]


@pytest.mark.parametrize("event", GARBAGE_EVENTS)
def test_garbage_never_raises(event):
    result = grouping.get_grouping(event)
    assert result.hashes and all(isinstance(h, str) and h for h in result.hashes)
    assert isinstance(result.description, str) and isinstance(result.components, list)


def test_random_garbage_never_raises():
    rng = random.Random(20231)
    leaves = [None, True, 0, -1, 2**70, 1.5, float("nan"), "", "x", "\ud800", "{{ default }}", "http://a/b.js?q=1"]
    keys = ["exception", "values", "stacktrace", "frames", "type", "value", "function", "module", "filename",
            "abs_path", "in_app", "mechanism", "exception_id", "parent_id", "is_exception_group", "threads",
            "logentry", "message", "params", "formatted", "fingerprint", "platform", "tags", "checksum",
            "data"]  # fmt: skip

    def garbage(depth: int):
        if depth == 0 or rng.random() < 0.3:
            return rng.choice(leaves + ["javascript", "java", "python", "node", "csharp", "php", "ruby"])
        if rng.random() < 0.5:
            return [garbage(depth - 1) for _ in range(rng.randint(0, 4))]
        return {rng.choice(keys): garbage(depth - 1) for _ in range(rng.randint(0, 5))}

    for _ in range(2000):
        event = {rng.choice(keys): garbage(6) for _ in range(rng.randint(1, 6))}
        assert grouping.get_grouping(event).hashes
