import json

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat

from ...ops.stats import collect


class Command(BaseCommand):
    help = ("Issues, events, stored bytes per blob store, segments, compression, spool, dropped and "
            "sampled-out events.")

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the figures as one JSON object.")

    def handle(self, *args, as_json=False, **options):
        stats = collect()
        if as_json:
            self.stdout.write(json.dumps(stats.as_json(), indent=2))
            return
        ratio = f"{stats.compression_ratio:.2f}x" if stats.compression_ratio else "-"
        free = "unknown" if stats.spool_free_bytes is None else filesizeformat(stats.spool_free_bytes)
        lines = [
            f"Issues:         {stats.issues}",
            f"Events:         {stats.events}",
            f"Stored:         {filesizeformat(stats.blob_bytes)} compressed, "
            f"{filesizeformat(stats.raw_bytes)} raw ({ratio})",
            *(
                f"  {b.alias + ':':14}{b.events} event(s), {filesizeformat(b.blob_bytes)} compressed, "
                f"{filesizeformat(b.raw_bytes)} raw; {b.segments} segment(s), {filesizeformat(b.segment_bytes)}"
                for b in stats.backends
            ),
            f"Segments:       {stats.segments}, {filesizeformat(stats.segment_bytes)}",
            f"Oldest event:   {stats.oldest_event or '-'}",
            f"Newest event:   {stats.newest_event or '-'}",
            f"Spool:          {stats.spooled_events} event(s), {filesizeformat(stats.spooled_bytes)} ({free} free)",
            f"Dropped events: {stats.dropped_events}",
            f"Sampled out:    {stats.sampled_out_events} (storm events counted, not stored)",
            f"Alerts failed:  {stats.alerts_failed} (e-mails and webhook posts that did not go out)",
            f"Ingest:         {', '.join(f'{name} {n}' for name, n in stats.ingest.items()) or '-'}"
            " (items accepted and not stored, by type; events refused or invalid)",
        ]
        self.stdout.write("\n".join(lines))
