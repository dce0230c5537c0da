import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import sentry_sdk
from django.core.management.base import BaseCommand, CommandError
from sentry_sdk.envelope import Envelope
from sentry_sdk.utils import BadDsn, format_timestamp

from ...backends import BlobMissing
from ...fields import parse_time
from ...models import Event
from ...ops.deletion import pages
from ...processing import codec
from ...storage.reader import READ_FIELDS, Reader, locate

logger = logging.getLogger("minisentry")
PAGE = 100  # events read per query; also how many envelopes wait in sentry-sdk's transport queue at most


class Command(BaseCommand):
    help = (
        "Write stored events, oldest first, as JSON Lines (one event as the SDK produced it per "
        "line) to a file or stdout, or forward them to a Sentry-compatible DSN."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="Write to this file instead of stdout.")
        parser.add_argument("--issue", type=int, action="append", help="Only this issue's events (repeatable).")
        parser.add_argument("--since", type=moment, help="Only events at or after this date or ISO time (UTC).")
        parser.add_argument("--until", type=moment, help="Only events before this date or ISO time (UTC).")
        parser.add_argument(
            "--to-dsn", metavar="DSN",
            help="Send the events to this Sentry / GlitchTip / Bugsink project through sentry-sdk's transport.",
        )

    def handle(self, *args, output=None, issue=None, since=None, until=None, to_dsn=None, **options):
        events = Event.objects.all()
        if issue:
            events = events.filter(issue_id__in=issue)
        if since:
            events = events.filter(timestamp__gte=since)
        if until:
            events = events.filter(timestamp__lt=until)
        skipped = []
        if to_dsn:
            n = forward(stored(events, skipped), to_dsn)
            self.stderr.write(f"Sent {n} event(s) to {to_dsn.rsplit('@', 1)[-1]}.")
        elif output:
            with open(output, "w", encoding="utf-8") as file:
                n = write(stored(events, skipped), file)
            self.stderr.write(f"Wrote {n} event(s) to {output}.")
        else:
            write(stored(events, skipped), self.stdout)
        if skipped:
            self.stderr.write(f"Skipped {len(skipped)} event(s) whose JSON is missing or unreadable: "
                              + ", ".join(skipped[:10]) + (", …" if len(skipped) > 10 else ""))


def write(lines: Iterator[bytes], file) -> int:
    n = 0
    for n, line in enumerate(lines, 1):
        file.write(line.decode() + "\n")
    return n


def moment(value: str) -> datetime:
    """A date (midnight UTC) or an ISO time (UTC unless it says otherwise)."""
    if isinstance(parsed := parse_time(value), datetime):
        return parsed
    raise ValueError(f"not an ISO time: {value!r}")


def stored(events, skipped: list[str]) -> Iterator[bytes]:
    """Each event's JSON exactly as stored (one line: the SDK's JSON has no raw newlines); the ids
    of events whose JSON is missing or unreadable are added to ``skipped``."""
    reader = Reader(keep=4)
    for rows in pages(events, PAGE, *READ_FIELDS[2:]):
        for row in rows:
            try:
                yield reader.json(locate(*row))
            except BlobMissing as exc:  # its blob, the dictionary its blob needs, or bytes that do not decode
                logger.warning("minisentry: event %s not exported: %s", row[0], exc)
                skipped.append(row[0])


def forward(lines: Iterator[bytes], dsn: str) -> int:
    """Send each event in an envelope of its own; wait for the transport after every PAGE."""
    try:
        client = sentry_sdk.Client(dsn, default_integrations=False, transport_queue_size=PAGE + 1)
    except BadDsn as exc:
        raise CommandError(f"Invalid DSN: {exc}") from exc
    sent = 0
    try:
        for line in lines:
            event = codec.loads(line)
            sent_at = format_timestamp(datetime.now(UTC))
            envelope = Envelope(headers={"event_id": event.get("event_id"), "sent_at": sent_at})
            envelope.add_event(event)
            client.transport.capture_envelope(envelope)
            sent += 1
            if sent % PAGE == 0:
                client.flush(timeout=60)
    finally:
        client.close(timeout=60)
    return sent
