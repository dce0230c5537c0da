"""Alerts: e-mail and webhook on new issues and regressions, from the alerts' own thread, rate-limited."""

import json
import socket
import threading
import time
from datetime import timedelta
from unittest import mock

from django.core import mail
from django.test import override_settings

import minisentry
from minisentry.capture.writer import writer
from minisentry.models import Counter, Event, Issue
from minisentry.ops import alerts
from minisentry.ops.outbox import outbox
from minisentry.ops.stats import collect

from ..conftest import single_backend
from ..opshelpers import NOW, Sink, capture, make_event


def alerting(sink: Sink, **options):
    return override_settings(MINISENTRY_ALERTS={
        "emails": ["ops@example.com"], "webhook_url": f"{sink.url}/hooks/abc",
        "base_url": "https://errors.example.com/", **options,
    })


def capture_in_one_batch(n: int, issue: str) -> None:
    """``n`` events the writer takes in one batch: it cannot start one while the test holds its lock."""
    hook = minisentry.store()
    with writer._work:
        for i in range(n):
            hook(make_event(issue, NOW - timedelta(seconds=n - i)), {})
    assert minisentry.flush(60) and outbox.flush(30)


def capture_and_alert(n: int, issue: str) -> None:
    capture(n, issue)
    assert outbox.flush(30)


@single_backend
def test_new_issue_and_regression_alerts(backend, mailoutbox):
    threads = []
    real_post = alerts.post

    def spy(*args, **kwargs):
        threads.append(threading.current_thread().name)
        return real_post(*args, **kwargs)

    with Sink() as sink, alerting(sink), mock.patch("minisentry.ops.alerts.post", spy):
        capture_in_one_batch(3, "a")
        capture_and_alert(1, "a")  # not new: no alert
        issue = Issue.objects.get()
        assert threads == ["minisentry-alerts"]
        [mail] = mailoutbox
        assert mail.subject == "[minisentry] New issue: issue a" and mail.to == ["ops@example.com"]
        assert f"https://errors.example.com/admin/_minisentry/issues/{issue.pk}/" in mail.body
        assert "Events: 3" in mail.body
        [(path, headers, body)] = sink.requests
        assert path == "/hooks/abc" and headers["Content-Type"] == "application/json"
        payload = json.loads(body)
        assert payload["text"].startswith("*New issue*: issue a <https://errors.example.com/")
        assert payload["minisentry"]["event"] == "new_issue" and payload["minisentry"]["issue"] == issue.pk

        Issue.objects.update(status=Issue.Status.RESOLVED)
        capture_and_alert(1, "a")  # a regression within the rate limit: no alert
        assert len(mailoutbox) == 1 and len(sink.requests) == 1
        Issue.objects.update(status=Issue.Status.RESOLVED)
        with alerting(sink, rate_limit_seconds=0):
            capture_and_alert(1, "a")
        assert mailoutbox[-1].subject == "[minisentry] Regression: issue a"
        assert json.loads(sink.requests[-1][2])["minisentry"]["event"] == "regression"
        assert len(mailoutbox) == 2 and len(sink.requests) == 2


@single_backend
def test_failing_webhook_is_logged_counted_and_never_stops_the_writer(backend, mailoutbox, caplog):
    before = minisentry.stats()["alerts_failed"]
    with Sink(status=500) as sink, alerting(sink, timeout=1):
        capture_and_alert(2, "a")
    with override_settings(MINISENTRY_ALERTS={"webhook_url": "http://127.0.0.1:9/nothing-listens", "timeout": 1}):
        capture_and_alert(2, "b")
    assert Issue.objects.get(title="issue a").event_count == 2
    assert Issue.objects.get(title="issue b").event_count == 2
    assert len(mailoutbox) == 1  # the e-mail of issue a still went out
    assert caplog.text.count("could not post the alert") == 2
    assert minisentry.stats()["alerts_failed"] - before == 2
    assert Counter.objects.get(name="alerts_failed").value == 2


@single_backend
def test_no_alerts_without_settings(backend, mailoutbox):
    capture(1, "a")
    assert mailoutbox == [] and not Counter.objects.filter(name__startswith="alert:").exists()


def test_rate_limit_is_per_issue_and_shared(db):
    assert alerts.claim(1, 300) and not alerts.claim(1, 300)
    assert alerts.claim(2, 300)
    Counter.objects.filter(name="alert:1").update(value=0)
    assert alerts.claim(1, 300)


class BlackHole:
    """A local TCP port that accepts connections and never answers."""

    def __enter__(self) -> int:
        self.sock, self.held = socket.create_server(("127.0.0.1", 0)), []
        threading.Thread(target=self._accept, daemon=True).start()
        return self.sock.getsockname()[1]

    def _accept(self) -> None:
        while True:
            try:
                self.held.append(self.sock.accept()[0])
            except OSError:  # closed
                return

    def __exit__(self, *exc_info):
        self.sock.close()
        for connection in self.held:
            connection.close()


def smtp(host: str, port: int) -> dict:
    """Settings sending mail by SMTP: ``MAILERS`` where Django has it (6.1), else ``EMAIL_*``."""
    backend = "django.core.mail.backends.smtp.EmailBackend"
    if hasattr(mail, "mailers"):
        return {"MAILERS": {"default": {"BACKEND": backend, "OPTIONS": {"host": host, "port": port}}}}
    return {"EMAIL_BACKEND": backend, "EMAIL_HOST": host, "EMAIL_PORT": port}


@single_backend
def test_a_mail_server_that_never_answers_cannot_hold_the_writer(backend, caplog):
    """1,000 events of 20 new issues: flush() returns in its usual time with every event stored; the
    e-mails time out on the alerts' thread, and are logged and counted."""
    before = minisentry.stats()["alerts_failed"]
    events = [make_event(f"i{i % 20}", NOW - timedelta(seconds=1000 - i)) for i in range(1000)]
    with BlackHole() as port, override_settings(
        **smtp("127.0.0.1", port), MINISENTRY_ALERTS={"emails": ["ops@example.com"], "timeout": 1},
    ):
        hook = minisentry.store()
        start = time.monotonic()
        for event in events:
            hook(event, {})
        assert minisentry.flush(30)
        print(f"flush after 1,000 events: {time.monotonic() - start:.2f} s")
        assert Event.objects.count() == 1000 and Issue.objects.count() == 20
        assert outbox.flush(30)
    assert minisentry.stats()["alerts_failed"] - before == 20
    assert Counter.objects.get(name="alerts_failed").value == 20 == collect().alerts_failed
    assert "could not e-mail" in caplog.text
