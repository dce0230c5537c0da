"""Capture through real sentry-sdk into every backend: grouping, counts, blobs, load()."""

import logging
import uuid

import orjson
import pytest
from django.db import DatabaseError, connection, transaction

import minisentry
from minisentry.models import (
    Counter,
    Event,
    Issue,
    IssueHash,
    IssueHourlyCount,
    IssueTag,
)

from ..conftest import single_backend

log = logging.getLogger("tests.app")


def parse_order(n):
    raise ValueError(f"order {n} has an invalid quantity {n * 7}")


def load_user(n):
    raise KeyError(f"user-{uuid.uuid4()}")


def charge(n):
    raise RuntimeError(f"payment {n} declined at {1700000000 + n}")


def capture_from(site, n, sentry):
    try:
        site(n)
    except Exception:
        sentry.capture_exception()


def test_three_code_sites_make_three_issues(sentry):
    for n in range(5):
        for site in (parse_order, load_user, charge):
            capture_from(site, n, sentry)
    assert minisentry.flush(30)

    issues = list(Issue.objects.order_by("title"))
    assert len(issues) == 3
    assert [i.event_count for i in issues] == [5, 5, 5]
    assert Event.objects.count() == 15
    assert {i.title.split(":")[0] for i in issues} == {"ValueError", "KeyError", "RuntimeError"}
    assert all(i.status == Issue.Status.UNRESOLVED and i.grouped_by for i in issues)
    for issue in issues:
        assert issue.first_seen <= issue.last_seen
        assert sum(issue.hourly_counts.values_list("count", flat=True)) == 5
        assert issue.tags.get(key="level").count == 5
        assert IssueHash.objects.filter(issue=issue, hash=issue.fingerprint).exists()
    culprits = {i.culprit for i in issues}
    assert "tests.capture.test_hook in charge" in culprits


def test_events_load_exactly_as_the_sdk_produced_them(sentry, backend):
    produced = []
    sentry.init(before_send=minisentry.store(event_callback=produced.append), include_local_variables=True)
    secret_local = {"cart": [1, 2, 3], "note": "é ✓ \u2028"}  # noqa: F841  (captured as a local)
    capture_from(parse_order, 1, sentry)
    sentry.capture_message("plain message")
    assert minisentry.flush(30)

    assert len(produced) == 2
    for event in produced:
        stored = Event.objects.get(event_id=event["event_id"])
        assert stored.segment.backend == "default" and stored.backend == ""  # the alias is the segment's
        assert stored.load() == orjson.loads(orjson.dumps(event))
        assert stored.blob_size < stored.raw_size
        assert len(backend.read_blob(stored.blob_key)) == stored.segment.size >= stored.blob_size
    exc = Event.objects.get(event_id=produced[0]["event_id"]).load()["exception"]["values"][-1]
    assert exc["type"] == "ValueError"
    assert exc["stacktrace"]["frames"][-1]["function"] == "parse_order"


@single_backend
def test_logging_one_format_string_makes_one_issue(sentry):
    for user_id in (3, 17, 99, 1024):
        log.error("user %s could not log in from %s", user_id, f"10.0.0.{user_id % 250}")
    log.error("a different problem")
    assert minisentry.flush(30)

    issues = {i.title: i for i in Issue.objects.all()}
    assert len(issues) == 2
    login = next(i for i in issues.values() if i.title.startswith("user "))
    assert login.event_count == 4
    assert login.level == "error"
    assert "user %s could not log in from %s" in login.grouped_by


@single_backend
def test_custom_fingerprint_merges_different_errors(sentry):
    for site in (parse_order, load_user, charge):
        with sentry.new_scope() as scope:
            scope.fingerprint = ["payment-backend-down"]
            capture_from(site, 1, sentry)
    capture_from(parse_order, 2, sentry)
    assert minisentry.flush(30)

    merged = Issue.objects.get(event_count=3)
    assert "payment-backend-down" in merged.grouped_by
    assert Issue.objects.count() == 2


@single_backend
def test_default_in_fingerprint_keeps_default_grouping_apart(sentry):
    for tenant in ("a", "b"):
        with sentry.new_scope() as scope:
            scope.fingerprint = ["{{ default }}", tenant]
            capture_from(parse_order, 1, sentry)
            capture_from(parse_order, 2, sentry)
    assert minisentry.flush(30)
    assert sorted(Issue.objects.values_list("event_count", flat=True)) == [2, 2]


def test_capture_inside_rolled_back_transaction_is_stored(sentry):
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Counter.objects.create(name="rolled-back")
        try:
            1 / 0
        except ZeroDivisionError:
            sentry.capture_exception()
            if connection.vendor == "postgresql":
                # The writer commits on its own connection while this one is still open.
                # (SQLite has one writer at a time: there it waits for this rollback.)
                assert minisentry.flush(30)
                assert Event.objects.count() == 1
            raise
    assert minisentry.flush(30)
    assert not Counter.objects.filter(name="rolled-back").exists()
    assert list(Issue.objects.values_list("title", flat=True)) == ["ZeroDivisionError: division by zero"]
    assert Event.objects.count() == 1


def test_capture_inside_aborted_transaction_is_stored(sentry):
    with transaction.atomic():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT * FROM table_that_does_not_exist")
        except DatabaseError:
            sentry.capture_exception()
        if connection.vendor == "postgresql":  # the transaction is aborted; the writer is not
            assert minisentry.flush(30)
        transaction.set_rollback(True)
    assert minisentry.flush(30)
    assert Event.objects.count() == 1
    assert Issue.objects.get().event_count == 1


@single_backend
def test_resolved_issue_reopens_as_regression(sentry):
    capture_from(charge, 1, sentry)
    assert minisentry.flush(30)
    Issue.objects.update(status=Issue.Status.RESOLVED)
    capture_from(charge, 2, sentry)
    assert minisentry.flush(30)
    issue = Issue.objects.get()
    assert (issue.status, issue.is_regression, issue.event_count) == ("unresolved", True, 2)


@single_backend
def test_tags_and_hourly_counts(sentry):
    for n in range(3):
        with sentry.new_scope() as scope:
            scope.set_tag("customer", "acme" if n < 2 else "globex")
            capture_from(charge, n, sentry)
    assert minisentry.flush(30)
    issue = Issue.objects.get()
    assert dict(issue.tags.filter(key="customer").values_list("value", "count")) == {"acme": 2, "globex": 1}
    assert IssueTag.objects.filter(key="handled", value="yes").get().count == 3
    assert IssueHourlyCount.objects.get().count == 3


@single_backend
def test_send_true_returns_the_event_and_ignore_errors_skips(backend):
    hook = minisentry.store(send=True, ignore_errors=(KeyError, "builtins.RuntimeError"))
    event = {"event_id": uuid.uuid4().hex, "message": "kept", "level": "warning"}
    assert hook(event, {}) is event
    ignored = {"event_id": uuid.uuid4().hex, "message": "ignored"}
    for exc in (KeyError("k"), RuntimeError("r")):
        assert hook(ignored, {"exc_info": (type(exc), exc, None)}) is ignored
    assert minisentry.store()(dict(event, event_id=uuid.uuid4().hex), {}) is None
    assert minisentry.flush(30)
    assert Event.objects.count() == 2
    assert Issue.objects.get().level == "warning"


@single_backend
def test_events_the_sdk_keeps_using_are_stored_as_they_were_captured(backend):
    sent = {"event_id": uuid.uuid4().hex, "message": "as sent", "level": "warning"}
    assert minisentry.store(send=True)(sent, {}) is sent
    sent["message"] = "changed after capture"
    kept = []
    called_back = {"event_id": uuid.uuid4().hex, "message": "as captured"}
    minisentry.store(event_callback=kept.append)(called_back, {})
    kept[0]["message"] = "changed by the callback's owner"
    assert minisentry.flush(30)
    assert sorted(e.load()["message"] for e in Event.objects.all()) == ["as captured", "as sent"]


@single_backend
def test_callback_errors_are_swallowed(backend, caplog):
    def broken(_):
        raise RuntimeError("callback bug")

    hook = minisentry.store(event_callback=broken, hint_callback=broken)
    assert hook({"message": "still stored"}, {}) is None
    assert minisentry.flush(30)
    assert Event.objects.count() == 1
    assert "callback bug" in caplog.text
