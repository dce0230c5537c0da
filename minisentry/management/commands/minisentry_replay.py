from django.core.management.base import BaseCommand

from ... import spool


class Command(BaseCommand):
    help = "Store the events the writer spooled to MINISENTRY_SPOOL_DIR (idempotent on event_id)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="Replay at most this many spooled events.")

    def handle(self, *args, limit=None, **options):
        waiting = len(spool.files())
        if not waiting:
            self.stdout.write(f"The spool {spool.directory()} is empty.")
            return
        stored, known, bad = spool.replay(limit)
        self.stdout.write(
            f"Replayed {stored + known} of {waiting} spooled event(s) from {spool.directory()}: "
            f"{stored} stored, {known} already stored."
        )
        if bad:
            self.stderr.write(f"{len(bad)} file(s) are not readable events and were kept: {', '.join(map(str, bad[:5]))}")
