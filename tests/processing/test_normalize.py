"""Each rule of ``processing.normalize`` on an event received from outside the site: what is stored,
and the note in ``_meta`` that says what changed (Relay's shape, as the event page reads it)."""

import uuid
from datetime import UTC, datetime

import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from minisentry.browse.display import meta_at, meta_note
from minisentry.processing import codec, legacy
from minisentry.processing.normalize import normalize
from minisentry.processing.normalize.trimming import deeper_than

RECEIVED = datetime(2026, 12, 1, 12, 0, tzinfo=UTC).timestamp()
META = {"project": 1, "received": RECEIVED, "client_ip": "203.0.113.7", "item": "event", "untrusted": True}


def received(event: dict, **meta) -> dict:
    """``event`` as the endpoint hands it over (JSON bytes), with modern keys, normalized."""
    return normalize(legacy.modernize(codec.loads(codec.dumps(event))), {**META, **meta})


def note(event: dict, *path) -> dict:
    return meta_at(event.get("_meta"), *path, "")


def test_a_valid_event_keeps_its_values_and_gets_no_notes():
    event = {"event_id": uuid.uuid4().hex, "timestamp": RECEIVED - 5, "level": "warning", "platform": "python",
             "logentry": {"formatted": "tea"}, "tags": [["shop", "north"]], "user": {"id": "42"}}
    out = received(event)
    assert {k: out[k] for k in event} == event
    assert out["received"] == RECEIVED and "_meta" not in out


@pytest.mark.parametrize("given", ["not-an-id", 42, ["a"]])
def test_a_malformed_event_id_is_replaced_and_noted(given):
    out = received({"event_id": given})
    assert len(out["event_id"]) == 32 and int(out["event_id"], 16) >= 0
    assert note(out, "event_id") == {"err": [["invalid_data", {"reason": "not a UUID"}]]}


def test_an_event_id_in_uuid_form_is_stored_as_32_hex():
    given = uuid.uuid4()
    assert received({"event_id": str(given).upper()})["event_id"] == given.hex


def test_a_missing_timestamp_is_the_time_received():
    assert received({})["timestamp"] == RECEIVED


def test_a_timestamp_from_the_future_is_the_time_received_and_moves_the_others():
    ahead = 2 * 86_400
    event = {"timestamp": RECEIVED + ahead, "start_timestamp": RECEIVED + ahead - 3,
             "breadcrumbs": {"values": [{"timestamp": RECEIVED + ahead - 10, "message": "clicked"}]}}
    out = received(event)
    assert out["timestamp"] == RECEIVED
    assert out["start_timestamp"] == RECEIVED - 3
    assert out["breadcrumbs"]["values"][0]["timestamp"] == RECEIVED - 10
    [[kind, data]] = note(out, "timestamp")["err"]
    assert kind == "future_timestamp"
    assert datetime.fromisoformat(data["sdk_time"]).timestamp() == RECEIVED + ahead
    assert datetime.fromisoformat(data["server_time"]).timestamp() == RECEIVED


def test_a_timestamp_within_a_minute_ahead_is_kept():
    assert received({"timestamp": RECEIVED + 30})["timestamp"] == RECEIVED + 30


def test_a_timestamp_older_than_thirty_days_is_the_time_received():
    out = received({"timestamp": "2026-10-01T00:00:00Z"})
    assert out["timestamp"] == RECEIVED
    assert note(out, "timestamp")["err"][0][0] == "past_timestamp"


def test_the_retention_bounds_how_old_a_timestamp_may_be():
    event = {"timestamp": RECEIVED - 3 * 86_400}
    assert received(event)["timestamp"] == RECEIVED - 3 * 86_400
    with override_settings(MINISENTRY_RETENTION={"max_age_days": 2}):
        assert received(event)["timestamp"] == RECEIVED


@pytest.mark.parametrize("given", ["yesterday", {"t": 1}, 1e300, True])
def test_an_unreadable_timestamp_is_removed_and_noted(given):
    out = received({"timestamp": given})
    assert out["timestamp"] == RECEIVED
    assert note(out, "timestamp") == {"err": [["invalid_data", {"reason": "not a timestamp"}]]}


@pytest.mark.parametrize(("given", "stored"), [("WARNING", "warning"), ("warn", "warning"), ("critical", "fatal"),
                                               ("log", "info"), ("debug", "debug"), (40, "error"), (10, "debug")])
def test_levels_as_relay_reads_them(given, stored):
    out = received({"level": given})
    assert out["level"] == stored and not note(out, "level")


@pytest.mark.parametrize("given", ["verbose", 45, 40.0, True, {"x": 1}])
def test_an_unknown_level_is_error_and_noted(given):
    out = received({"level": given})
    assert out["level"] == "error" and note(out, "level")["err"][0][0] == "invalid_data"


def test_a_platform_outside_relays_list_is_other():
    assert received({"platform": "javascript"})["platform"] == "javascript"
    out = received({"platform": "cobol"})
    assert out["platform"] == "other" and note(out, "platform")["err"][0][0] == "invalid_data"
    assert received({})["platform"] == "other"


def test_an_unknown_top_level_attribute_is_removed_and_noted():
    out = received({"message": "tea", "my_own_key": {"a": 1}})
    assert "my_own_key" not in out
    assert note(out, "my_own_key") == {"err": ["invalid_attribute"]}


def test_tags_become_pairs_of_strings_trimmed_to_200_characters():
    out = received({"tags": {"shop": "north", "count": 3, "k" * 250: "v" * 300}})
    assert out["tags"][:2] == [["shop", "north"], ["count", "3"]]
    key, value = out["tags"][2]
    assert key == "k" * 197 + "..." and value == "v" * 197 + "..."
    assert note(out, "tags", 2, 0) == {"rem": [["!limit", "s", 197, 200]], "len": 250}
    assert meta_note(meta_at(out["_meta"], "tags", 2, 1)) == "truncated (original length 300)"


@pytest.mark.parametrize(("tag", "reason"), [
    (["release", "1.0"], "'release' is derived from the event"),
    (["shop", {"a": 1}], "expected a string key and value"),
    ([1, "x"], "expected a string key and value"),
    (["shop", ""], "an empty key or value"),
    ("shop=north", "expected a [key, value] pair"),
])
def test_a_tag_that_cannot_be_stored_is_null_with_its_reason(tag, reason):
    out = received({"tags": [["kept", "yes"], tag]})
    assert out["tags"] == [["kept", "yes"], None]
    assert note(out, "tags", 1) == {"err": [["invalid_data", {"reason": reason}]]}


def test_a_repeated_tag_key_keeps_the_first():
    out = received({"tags": [["shop", "north"], ["shop", "south"]]})
    assert out["tags"] == [["shop", "north"], None]


def test_an_environment_tag_is_the_environment_when_none_is_given():
    assert received({"tags": {"environment": "staging"}})["environment"] == "staging"


def test_messages_are_cut_to_8192_characters():
    out = received({"logentry": {"formatted": "m" * 9000, "message": "short"}, "message": "x" * 8300})
    assert out["logentry"]["formatted"] == "m" * 8189 + "..."
    assert out["logentry"]["message"] == "short"
    assert out["message"] == "x" * 8300  # within Relay's allowance of 200
    assert meta_note(meta_at(out["_meta"], "logentry", "formatted")) == "truncated (original length 9000)"


def test_exception_values_are_cut_and_an_object_value_is_its_json():
    out = received({"exception": {"values": [
        {"type": "T" * 300, "value": "v" * 9000}, {"type": "E", "value": {"code": 3}}, {"module": "m"}, "oops"]}})
    first, second, third, fourth = out["exception"]["values"]
    assert first["type"] == "T" * 253 + "..." and first["value"] == "v" * 8189 + "..."
    assert second["value"] == '{"code":3}'
    assert third is None and fourth is None
    assert note(out, "exception", "values", 2) == {"err": [["missing_attribute", {"attribute": "type or value"}]]}


def test_culprit_transaction_release_and_environment_are_cut_to_relays_lengths():
    out = received({"culprit": "c" * 300, "transaction": "t" * 300, "release": "r" * 300, "environment": "e" * 100,
                    "logger": "l" * 100, "server_name": "s" * 270})
    lengths = [len(out[k]) for k in ("culprit", "transaction", "release", "environment", "logger")]
    assert lengths == [200, 200, 200, 64, 64]
    assert out["server_name"] == "s" * 270  # 256 and an allowance of 20


def test_a_text_field_of_another_type_is_removed_and_a_number_release_is_text():
    out = received({"culprit": ["a"], "transaction": {"a": 1}, "release": 2.5})
    assert "culprit" not in out and "transaction" not in out and out["release"] == "2.5"
    assert note(out, "culprit") == {"err": [["invalid_data", {"reason": "expected a string"}]]}


def test_extra_is_cut_to_relays_depth_and_size():
    nested = {"l1": {"l2": {"l3": {"l4": {"l5": {"l6": {"l7": "deep"}}}}}}}
    out = received({"extra": {"nested": nested, "big": "b" * 20_000, "list": list(range(5000))}})
    assert out["extra"]["nested"]["l1"]["l2"]["l3"]["l4"] == {"l5": '{"l6":{"l7":"deep"}}'}
    assert out["extra"]["big"] == "b" * 16_381 + "..."
    assert note(out, "extra", "list")["len"] == 5000 and len(out["extra"]["list"]) < 5000


def test_contexts_must_be_objects_each_cut_to_8192_bytes():
    out = received({"contexts": {"os": {"name": "Linux"}, "broken": "yes", "huge": {"blob": "x" * 10_000}}})
    assert out["contexts"]["os"] == {"name": "Linux"} and "broken" not in out["contexts"]
    assert len(out["contexts"]["huge"]["blob"]) < 8192
    assert note(out, "contexts", "broken")["err"][0][1] == {"reason": "expected an object"}


def test_request_parts_are_cut_to_their_bag_sizes():
    out = received({"request": {"url": "https://shop.example/" + "p" * 400, "query_string": {"q": "x" * 2000},
                                "headers": {"X-Big": "h" * 9000}, "cookies": "c=" + "c" * 3000}})
    request = out["request"]
    assert len(request["url"]) == 256 and request["url"].endswith("...")
    assert len(request["query_string"]["q"]) < 1024
    assert len(request["headers"]["X-Big"]) < 8192
    assert len(request["cookies"]) == 2048 and request["cookies"].endswith("...")


def test_only_the_newest_100_breadcrumbs_are_kept():
    crumbs = [{"message": f"step {i}"} for i in range(130)]
    meta = {"breadcrumbs": {"values": {"129": {"message": {"": {"len": 9999}}}, "3": {"message": {"": {}}}}}}
    out = received({"breadcrumbs": {"values": crumbs}, "_meta": meta})
    values = out["breadcrumbs"]["values"]
    assert [c["message"] for c in values] == [f"step {i}" for i in range(30, 130)]
    assert note(out, "breadcrumbs", "values") == {"len": 130}
    assert note(out, "breadcrumbs", "values", 99, "message") == {"len": 9999}  # the SDK's note moved with it


def test_a_breadcrumb_of_the_wrong_shape_is_null_and_its_data_a_small_bag():
    out = received({"breadcrumbs": [{"data": {"k": "d" * 3000}, "level": "loud"}, "text"]})
    first, second = out["breadcrumbs"]["values"]
    assert second is None and "level" not in first and len(first["data"]["k"]) < 2048


def test_a_breadcrumbs_level_is_read_as_the_events_is():
    """The browser SDK's console crumbs say "log": Relay reads it as info, and so is it shown."""
    out = received({"breadcrumbs": [{"level": "log"}, {"level": "Warning"}, {"level": 30}, {"level": "info"}]})
    assert [c["level"] for c in out["breadcrumbs"]["values"]] == ["info", "warning", "warning", "info"]
    assert "breadcrumbs" not in out.get("_meta", {})


def test_a_stack_trace_keeps_its_newest_250_frames_and_50_keep_their_variables():
    frames = [{"function": f"f{i}", "vars": {"i": i}, "pre_context": ["a"], "in_app": i % 2 == 0} for i in range(300)]
    out = received({"exception": {"values": [{"type": "E", "stacktrace": {"frames": frames}}]}})
    kept = out["exception"]["values"][0]["stacktrace"]["frames"]
    assert [f["function"] for f in kept] == [f"f{i}" for i in range(50, 300)]
    # Relay strips the system frames first, then app frames from the middle: 25 app frames each end keep theirs
    assert [f["function"] for f in kept if "vars" in f] == [f"f{i}" for i in [*range(50, 100, 2), *range(250, 300, 2)]]
    assert note(out, "exception", "values", 0, "stacktrace", "frames") == {"len": 300}
    middle = kept[125]
    assert "vars" not in middle and note(out, "exception", "values", 0, "stacktrace", "frames", 125, "vars") == {
        "rem": [["!limit", "x"]]}


def test_anything_nested_deeper_than_any_field_is_removed():
    deep = current = {}
    for _ in range(40):
        current["d"] = current = {}
    out = received({"debug_meta": {"images": [deep]}})
    stored = codec.dumps({k: v for k, v in out.items() if k != "_meta"})
    assert stored.count(b'"d"') == 20  # below debug_meta, images and the list's object: 24 levels
    path = ["debug_meta", "images", 0, *["d"] * 21]
    assert note(out, *path) == {"err": [["invalid_data", {"reason": "nested deeper than 24 levels"}]]}


def test_the_sdks_meta_of_another_shape_is_replaced():
    out = received({"_meta": ["not", "an", "object"], "platform": "cobol"})
    assert out["_meta"] == {"platform": {"": {"err": [["invalid_data", {"reason": "not a platform"}]]}}}


@pytest.mark.parametrize("ask", [{"user": {"ip_address": "{{auto}}"}},
                                 {"sdk": {"settings": {"infer_ip": "auto"}}},
                                 {"request": {"env": {"REMOTE_ADDR": "{{auto}}"}}}])
def test_the_client_ip_is_stored_only_where_asked_and_allowed(ask):
    assert "ip_address" not in received(ask).get("user", {})
    with override_settings(MINISENTRY_INGEST_STORE_IP=True):
        out = received(ask)
        assert out["user"]["ip_address"] == "203.0.113.7"
        assert "ip_address" not in received({"user": {"id": "1"}})["user"]  # not asked
        assert received(ask, client_ip=None).get("user", {}).get("ip_address") is None


def test_auto_is_removed_and_noted_when_the_setting_is_off():
    out = received({"user": {"id": "1", "ip_address": "{{auto}}"}, "request": {"env": {"REMOTE_ADDR": "{{auto}}"}}})
    assert out["user"] == {"id": "1"} and out["request"]["env"] == {}
    assert "MINISENTRY_INGEST_STORE_IP" in note(out, "user", "ip_address")["err"][0][1]["reason"]


def test_an_ip_address_that_is_none_is_removed():
    out = received({"user": {"ip_address": "999.1.1.1"}})
    assert "ip_address" not in out["user"]


def test_a_given_ip_address_is_kept():
    assert received({"user": {"ip_address": "198.51.100.1"}})["user"]["ip_address"] == "198.51.100.1"


@pytest.mark.parametrize("given", [[1, True, "x"], "abc", [{"a": 1}]])
def test_a_fingerprint_is_a_list_of_strings(given):
    out = received({"fingerprint": given})
    if isinstance(given, list) and all(not isinstance(v, dict) for v in given):
        assert out["fingerprint"] == ["1", "True", "x"]
    else:
        assert "fingerprint" not in out and note(out, "fingerprint")["err"][0][0] == "invalid_data"


def test_a_secret_inside_a_value_made_text_is_filtered_first():
    deep = {"l1": {"l2": {"l3": {"l4": {"l5": {"password": "hunter2"}}}}}}
    out = received({"extra": {"deep": deep}, "exception": {"values": [{"type": "E", "value": {"api_key": "k-123"}}]}})
    stored = codec.dumps(out)
    assert b"hunter2" not in stored and b"k-123" not in stored and b"[Filtered]" in stored


def test_notes_stop_at_a_thousand_and_say_so():
    out = received({**{f"mine_{i}": i for i in range(5000)}, "message": "tea"})
    assert not any(k.startswith("mine_") for k in out)
    assert len(out["_meta"]) == 1001
    assert note(out) == {"err": [["invalid_data", {"reason": "more changes than the 1,000 noted"}]]}


@pytest.mark.parametrize("setting", ["never", "sometimes", 1])
def test_infer_ip_never_or_unknown_stores_no_address_even_for_auto(setting):
    with override_settings(MINISENTRY_INGEST_STORE_IP=True):
        out = received({"user": {"ip_address": "{{auto}}"}, "sdk": {"settings": {"infer_ip": setting}}})
    assert "ip_address" not in out["user"]


def test_an_environment_from_a_tag_is_cut_as_an_environment():
    assert received({"tags": {"environment": "e" * 100}})["environment"] == "e" * 61 + "..."


def depth(value) -> int:
    """How deep lists and objects with items nest in ``value``."""
    if isinstance(value, (dict, list)) and value:
        return 1 + max(map(depth, value.values() if isinstance(value, dict) else value))
    return 0


JSON_VALUES = st.recursive(
    st.none() | st.integers() | st.text(st.sampled_from('ab[]{}"\\\n')),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3), max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_how_deep_a_value_nests_is_read_from_its_indented_json(value):
    assert [deeper_than(value, limit) for limit in range(8)] == [depth(value) > limit for limit in range(8)]
