"""The storage figures shown by ``minisentry_stats`` and the browse UI's Storage page."""

from dataclasses import asdict, dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Min, Sum
from django.db.models.functions import Coalesce

from ..backends import InvalidBackendError, get_backend
from ..capture import spool
from ..models import Counter, Event, Issue, Segment

INGEST = "ingest:"  # the prefix of the ingest endpoint's counters


@dataclass
class BackendStats:
    alias: str  # the store's (see minisentry.backends)
    events: int
    blob_bytes: int  # the events' compressed bytes (live bytes)
    raw_bytes: int  # the events' JSON
    segments: int = 0
    segment_bytes: int = 0  # bytes of its segments, deleted events' not yet compacted included
    kind: str = ""  # of the store configured under the alias (filesystem, s3, database); "" if none is


@dataclass
class StorageStats:
    issues: int
    events: int
    blob_bytes: int
    raw_bytes: int
    oldest_event: datetime | None
    newest_event: datetime | None
    spooled_events: int
    spooled_bytes: int
    spool_free_bytes: int | None  # free space on the spool's file system
    dropped_events: int
    sampled_out_events: int  # counted on their issue during error storms, stored without a row
    alerts_failed: int  # alert e-mails and webhook posts that did not go out
    # the ingest endpoint's counts by item type (accepted, not stored), and of its refusals
    # (rate_limited, queue_full) and invalid events: the counters named ingest:<name>
    ingest: dict[str, int] = field(default_factory=dict)
    backends: list[BackendStats] = field(default_factory=list)
    segments: int = 0
    segment_bytes: int = 0

    @property
    def compression_ratio(self) -> float | None:
        """Raw bytes per stored byte."""
        return round(self.raw_bytes / self.blob_bytes, 2) if self.blob_bytes else None

    def as_json(self) -> dict:
        data = asdict(self) | {"compression_ratio": self.compression_ratio}
        for name in ("oldest_event", "newest_event"):
            data[name] = data[name] and data[name].isoformat()
        return data


def kind_of(alias: str) -> str:
    try:
        return get_backend(alias).kind
    except InvalidBackendError:
        return ""


def collect() -> StorageStats:
    """Figures from the index (blob sizes are recorded on the rows), the spool and the counters."""
    per_store = (
        Event.objects.annotate(store=Coalesce("segment__backend", "backend")).order_by("store").values("store")
        .annotate(events=Count("pk"), blob_bytes=Sum("blob_size"), raw_bytes=Sum("raw_size"))
    )
    backends = {r["store"]: BackendStats(r["store"], r["events"], r["blob_bytes"], r["raw_bytes"]) for r in per_store}
    segments = Segment.objects.order_by("backend").values("backend").annotate(n=Count("pk"), size=Sum("size"))
    for row in segments:
        stats = backends.setdefault(row["backend"], BackendStats(row["backend"], 0, 0, 0))
        stats.segments, stats.segment_bytes = row["n"], row["size"]
    backends = sorted(backends.values(), key=lambda b: b.alias)
    for stats in backends:
        stats.kind = kind_of(stats.alias)
    times = Event.objects.aggregate(oldest=Min("timestamp"), newest=Max("timestamp"))
    spooled, spooled_bytes = spool.size()
    names = ("dropped", "sampled_out", "alerts_failed")
    counters = dict(Counter.objects.filter(name__in=names).values_list("name", "value"))
    ingest = Counter.objects.filter(name__startswith=INGEST).order_by("name").values_list("name", "value")
    return StorageStats(
        issues=Issue.objects.count(),
        events=sum(b.events for b in backends),
        blob_bytes=sum(b.blob_bytes for b in backends),
        raw_bytes=sum(b.raw_bytes for b in backends),
        oldest_event=times["oldest"],
        newest_event=times["newest"],
        spooled_events=spooled,
        spooled_bytes=spooled_bytes,
        spool_free_bytes=spool.free_bytes(),
        dropped_events=counters.get("dropped", 0),
        sampled_out_events=counters.get("sampled_out", 0),
        alerts_failed=counters.get("alerts_failed", 0),
        ingest={name.removeprefix(INGEST): value for name, value in ingest},
        backends=backends,
        segments=sum(b.segments for b in backends),
        segment_bytes=sum(b.segment_bytes for b in backends),
    )
