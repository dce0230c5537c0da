"""An issue's grouping hashes as unmerging shows them, and what an event adds to tag counts (read
again from its stored JSON, as the writer read it)."""

from dataclasses import dataclass

from django.db.models import Count, Max

from ..backends import BlobMissing, InvalidBackendError
from ..grouping.cache import cached_grouping
from ..models import Event, Issue, IssueHash
from ..processing.legacy import modernized
from ..processing.prepare import index_fields, tags

MAX_HASHES = 100  # listed on the unmerge page


@dataclass
class HashSummary:
    hash: str
    events: int  # stored events grouped by it first (their primary hash)
    latest: Event | None  # the newest of them
    grouped_by: str  # what grouping said of that event


def hash_summaries(issue: Issue) -> list[HashSummary]:
    """The issue's hashes (the first ``MAX_HASHES``) with their events, primary first."""
    hashes = list(IssueHash.objects.filter(issue=issue).order_by("pk").values_list("hash", flat=True)[:MAX_HASHES])
    hashes.sort(key=lambda h: h != issue.fingerprint)
    counts = {row["grouping_hash"]: row for row in Event.objects.filter(issue=issue, grouping_hash__in=hashes)
              .values("grouping_hash").annotate(n=Count("pk"), newest=Max("timestamp"))}
    summaries = []
    for h in hashes:
        row = counts.get(h)
        latest = row and Event.objects.select_related("segment").filter(
            issue=issue, grouping_hash=h, timestamp=row["newest"]).first()
        summaries.append(HashSummary(h, row["n"] if row else 0, latest, grouping_of(latest) if latest else ""))
    return summaries


def unhashed_events(issue: Issue) -> int:
    """The issue's stored events whose primary hash was not recorded (stored before it was)."""
    return Event.objects.filter(issue=issue, grouping_hash="").count()


def stored_event(event: Event) -> dict | None:
    """The event's JSON with modern keys, as the writer read it; None when it is no longer readable."""
    try:
        return modernized(event.load())[0]
    except (BlobMissing, InvalidBackendError):
        return None


def grouping_of(event: Event) -> str:
    data = stored_event(event)
    return cached_grouping(data).description if data is not None else ""


def event_tags(event: Event) -> list[tuple[str, str]]:
    """The tag pairs the event added to its issue's counts: from its JSON, else (JSON gone) from the
    columns of its row."""
    data = stored_event(event)
    if data is not None:
        return tags(data)
    pairs = [("user", event.user), ("level", event.level), ("environment", event.environment),
             ("release", event.release), ("server_name", event.server_name), ("transaction", event.transaction)]
    return [(key, value) for key, value in pairs if value]


def describe(event: Event) -> dict:
    """The fields of a new issue whose newest event is ``event`` (title, culprit…): from its JSON,
    else from its row."""
    fields = {"level": event.level, "environment": event.environment, "release": event.release,
              "message": event.message}
    data = stored_event(event)
    if data is not None:
        record = index_fields(data, cached_grouping(data))
        fields.update(title=record.title, culprit=record.culprit, message=record.message,
                      platform=record.platform, grouped_by=record.grouped_by)
    return fields
