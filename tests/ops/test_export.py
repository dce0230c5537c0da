"""minisentry_export: JSON Lines to stdout or a file, filters, and --to-dsn through sentry-sdk."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from sentry_sdk.envelope import Envelope

from minisentry.models import Event, Issue

from ..conftest import single_backend
from ..opshelpers import NOW, Sink, capture


def export(*args: str) -> str:
    out = io.StringIO()
    call_command("minisentry_export", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_json_lines_with_filters(backend, tmp_path):
    old = capture(3, "a", days_ago=5)
    recent_a, recent_b = capture(2, "a"), capture(2, "b")
    lines = export().splitlines()
    by_time = sorted(old + recent_a + recent_b, key=lambda e: (e["timestamp"], e["event_id"]))
    assert [json.loads(line) for line in lines] == by_time

    issue_b = Issue.objects.get(title="issue b").pk
    assert [json.loads(x)["event_id"] for x in export("--issue", str(issue_b)).splitlines()] == [
        e["event_id"] for e in recent_b]
    since = (NOW - timedelta(days=1)).date().isoformat()
    assert len(export("--since", since).splitlines()) == 4
    assert len(export("--until", since).splitlines()) == 3

    target = tmp_path / "events.jsonl"
    assert export("-o", str(target), "--issue", str(issue_b), "--since", since) == ""
    assert [json.loads(x) for x in target.read_text().splitlines()] == recent_b


@single_backend
def test_forward_to_a_dsn(backend):
    events = capture(150, "a")  # more than the transport's queue at once
    with Sink() as sink:
        call_command("minisentry_export", "--to-dsn", f"http://public@{sink.url.split('//')[1]}/42",
                     stdout=io.StringIO(), stderr=io.StringIO())
    paths = {path for path, _, _ in sink.requests}
    assert paths == {"/api/42/envelope/"}
    sent = [item.payload.json for _, _, body in sink.requests for item in Envelope.deserialize(body).items
            if item.type == "event"]
    assert sorted(e["event_id"] for e in sent) == sorted(e["event_id"] for e in events)
    assert sent[0] == Event.objects.get(pk=sent[0]["event_id"]).load()


@single_backend
def test_invalid_dsn_is_an_error(backend):
    with pytest.raises(CommandError, match="Invalid DSN"):
        export("--to-dsn", "not a dsn")
