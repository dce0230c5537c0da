"""Alerts show event text literally: no Slack mention or link from a title, no e-mail header from it."""

import json

import pytest
from django.test import override_settings

from minisentry.models import Issue
from minisentry.testing import store_events

from ..opshelpers import Sink, make_event
from .test_alerts import alerting


@pytest.fixture
def store(tmp_path, db):
    with override_settings(MINISENTRY_BACKEND={"BACKEND": "minisentry.backends.database.DatabaseBackend"}):
        yield


def raise_(kind: str, value: str) -> None:
    store_events([make_event("a", exception={"values": [{"type": kind, "value": value}]})])


def test_webhook_text_cannot_mention_or_link(store, mailoutbox):
    value = "<!channel> <https://evil.example|click> & <@U123>"
    with Sink() as sink, alerting(sink):
        raise_("ValueError", value)
    issue = Issue.objects.get()
    [(_, _, body)] = sink.requests
    payload = json.loads(body)
    assert payload["text"] == (
        "*New issue*: ValueError: &lt;!channel&gt; &lt;https://evil.example|click&gt; &amp; &lt;@U123&gt;"
        f" <https://errors.example.com/admin/_minisentry/issues/{issue.pk}/>"
    )
    assert "<!" not in payload["text"] and "<@" not in payload["text"] and "<https://evil" not in payload["text"]
    assert payload["minisentry"]["title"] == f"ValueError: {value}"  # the data itself, unchanged


def test_a_newline_in_the_title_cannot_add_a_mail_header(store, mailoutbox, caplog):
    with Sink() as sink, alerting(sink):
        raise_("Evil\r\nBcc: victim@example.com", "boom")
    [mail] = mailoutbox
    assert mail.subject == "[minisentry] New issue: Evil Bcc: victim@example.com: boom"
    assert mail.to == ["ops@example.com"] and mail.bcc == []
    message = mail.message()
    assert message["Bcc"] is None and message["Subject"] == mail.subject
    assert "could not e-mail" not in caplog.text
    assert len(sink.requests) == 1
