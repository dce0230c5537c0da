from django.core.management.base import BaseCommand, CommandError

from ...backends import InvalidBackendError
from ...ops import compaction, retention
from ...ops.deletion import delete_events
from ..progress import Progress


class Command(BaseCommand):
    help = (
        "Delete stored events (rows and blobs) past the retention limits; the limits default to "
        "MINISENTRY_RETENTION. Issue and hourly counts stay as they are. Safe to run while events "
        "are written, and to interrupt and run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--max-age-days", type=float, help="Delete events older than this.")
        parser.add_argument(
            "--max-events-per-issue", type=int,
            help="Keep at most this many events per issue (at least 2): its first and its most recent ones.",
        )
        parser.add_argument(
            "--max-total-bytes", type=int, help="Delete the oldest events until the stored blobs fit in this.",
        )
        parser.add_argument(
            "--orphans", action="store_true",
            help="Remove blobs without an index row, and rows whose blob is missing.",
        )
        parser.add_argument(
            "--compact-below", type=float, metavar="SHARE",
            help=f"Rewrite segments whose live events take less than this share of their bytes "
            f"(default {compaction.THRESHOLD:g} after deleting events; 0: never).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only report what would be deleted.")

    def handle(self, *args, orphans=False, dry_run=False, compact_below=None, **options):
        self.dry_run = dry_run
        limits = {
            name: default if options[name] is None else options[name]
            for name, default in retention.defaults().items()
        }
        age, per_issue, size = limits["max_age_days"], limits["max_events_per_issue"], limits["max_total_bytes"]
        if per_issue is not None and per_issue < 2:
            raise CommandError(
                "--max-events-per-issue must be at least 2: each issue keeps its first and latest event."
            )
        if compact_below is not None and not 0 <= compact_below <= 1:
            raise CommandError("--compact-below is a share of a segment's bytes, from 0 to 1.")
        if age is None and per_issue is None and size is None and not orphans and compact_below is None:
            self.stdout.write(
                "Nothing to do: give --max-age-days, --max-events-per-issue, --max-total-bytes, "
                "--orphans or --compact-below, or set MINISENTRY_RETENTION."
            )
            return
        if age is not None:
            self.purge(f"older than {age:g} days", [retention.older_than(age)])
            if not dry_run:
                forgotten = retention.forget_sampled(age)
                self.stdout.write(f"Forgot {forgotten} sampled-out event id(s) older than {age:g} days.")
        if per_issue is not None:
            self.purge(f"beyond {per_issue} per issue", [qs for _, qs in retention.beyond_per_issue(per_issue)])
        if size is not None:
            self.purge(f"beyond {size} stored bytes", [retention.oldest_beyond_bytes(size)])
        if orphans:
            self.orphans()
        self.compact(compaction.THRESHOLD if compact_below is None else compact_below)

    def compact(self, threshold: float) -> None:
        if not threshold:
            return
        if self.dry_run:
            n = len(compaction.sparse_segments(threshold))
            self.stdout.write(f"Would compact {n} segment(s) less than {threshold:.0%} live.")
            return
        segments, freed = compaction.compact(threshold)
        if segments:
            self.stdout.write(f"Compacted {segments} segment(s) less than {threshold:.0%} live, freeing {freed} bytes.")

    def purge(self, label: str, selections: list) -> None:
        counted = [(events, events.count()) for events in selections]
        total = sum(n for _, n in counted)
        if self.dry_run:
            self.stdout.write(f"Would delete {total} event(s) {label}.")
            return
        with Progress(self.stdout, "Deleting", total) as progress:
            deleted = sum(delete_events(events, progress=progress.advance) for events, n in counted if n)
        self.stdout.write(f"Deleted {deleted} event(s) {label}.")

    def orphans(self) -> None:
        try:
            found = retention.find_orphans()
        except InvalidBackendError as exc:  # a store that holds none of its rows' events: nothing removed
            raise CommandError(str(exc)) from exc
        for backend, keys in found.blobs.items():
            self.stdout.write(f"{len(keys)} blob(s) without an event row in {backend!r}.")
            for key in keys[:10]:
                self.stdout.write(f"  {key}")
        self.stdout.write(f"{len(found.rows)} event row(s) whose blob is missing.")
        for event_id in found.rows[:10]:
            self.stdout.write(f"  {event_id}")
        if found.segments:
            self.stdout.write(f"{len(found.segments)} segment(s) without events.")
        if not self.dry_run and (found.rows or found.segments or any(found.blobs.values())):
            retention.remove(found)
            self.stdout.write("Removed them; issue counts are unchanged.")
