from django.core.management.base import BaseCommand, CommandError

from ...capture import spool
from ...capture.replay import replay


class Command(BaseCommand):
    help = "Store the events the writer spooled to MINISENTRY_SPOOL_DIR (idempotent on event_id)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="Replay at most this many spooled events.")

    def handle(self, *args, limit=None, **options):
        waiting = len(spool.files())
        try:
            replayed = replay(limit)
        except spool.UnsafeSpool as exc:
            raise CommandError(str(exc)) from exc
        if replayed.counts:
            self.stdout.write(f"Added {replayed.counts} spooled counter record(s) (events dropped at exit).")
        if not waiting:
            self.stdout.write(f"The spool {spool.directory()} holds no events.")
            return
        self.stdout.write(
            f"Replayed {replayed.stored + replayed.known} of {waiting} spooled event(s) from {spool.directory()}: "
            f"{replayed.stored} stored, {replayed.known} already stored."
        )
        if replayed.bad:
            bad = replayed.bad
            self.stderr.write(
                f"{len(bad)} file(s) are not readable events and were kept: {', '.join(map(str, bad[:5]))}"
            )
