"""Helpers of the operations tests: events with chosen times, and a loopback HTTP sink."""

import gzip
import http.server
import threading
import uuid
from datetime import UTC, datetime, timedelta

import brotli

import minisentry
from minisentry.backends.keys import blob_key
from minisentry.models import Event, Segment

NOW = datetime.now(UTC)


def make_event(issue: str = "a", when: datetime | None = None, **extra) -> dict:
    return {
        "event_id": uuid.uuid4().hex, "message": f"issue {issue}", "fingerprint": [f"issue-{issue}"],
        "level": "error", "timestamp": (when or datetime.now(UTC)).isoformat(), **extra,
    }


def capture(n: int, issue: str = "a", days_ago: float = 0, step: timedelta = timedelta(seconds=1)) -> list[dict]:
    """Store ``n`` events of ``issue``, one ``step`` apart, the last ``days_ago`` days ago."""
    last = NOW - timedelta(days=days_ago)
    events = [make_event(issue, last - step * (n - 1 - i)) for i in range(n)]
    hook = minisentry.store()
    for event in events:
        hook(event, {})
    assert minisentry.flush(60)
    return events


class Sink(http.server.ThreadingHTTPServer):
    """A loopback HTTP server keeping every request: ``(path, headers, decompressed body)``."""

    def __init__(self, status: int = 200):
        self.requests, self.status = [], status
        super().__init__(("127.0.0.1", 0), _Handler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def __exit__(self, *exc_info):
        self.shutdown()
        super().__exit__(*exc_info)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        elif self.headers.get("Content-Encoding") == "br":  # sentry-sdk's choice where brotli is installed
            body = brotli.decompress(body)
        self.server.requests.append((self.path, dict(self.headers), body))
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


def unpack(backend) -> None:
    """Store every event as a blob of its own, as versions before segments did (the old layout)."""
    for event in Event.objects.filter(segment__isnull=False).select_related("segment"):
        data = backend.read_range(event.segment.key, event.blob_offset, event.blob_size)
        backend.write_blobs({blob_key(event.event_id, event.timestamp): data})
        Event.objects.filter(pk=event.pk).update(segment=None, blob_offset=None, backend=backend.alias)
    keys = list(Segment.objects.values_list("key", flat=True))
    Segment.objects.all().delete()
    backend.delete_blobs(keys)
