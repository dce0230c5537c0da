import json
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand, CommandError

from ... import conf
from ...backends import (
    BaseBackend,
    BlobMissing,
    InvalidBackendError,
    build_backend,
    get_backend,
    get_backend_for_kind,
)
from ...models import Event
from ...processing import dictionaries
from ...storage.blobkeys import blob_key
from ...storage.index import database, write_transaction
from ..progress import Progress

CHUNK = 500
READERS = 16


class Command(BaseCommand):
    help = (
        "Move every event's blob from the store recorded on its row to another one (by default the "
        "configured MINISENTRY_BACKEND): copy, read back and compare, repoint the row, then delete "
        "the source. Resumable: run it again after an interruption."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", default="default",
            help="An alias of MINISENTRY_BACKENDS ('default': MINISENTRY_BACKEND), a backend's dotted "
            "path, or its settings as JSON.",
        )
        parser.add_argument("--chunk-size", type=int, default=CHUNK)

    def handle(self, *args, to="default", chunk_size=CHUNK, **options):
        target = self.target(to)
        pending = Event.objects.using(database()).exclude(backend=target.kind).order_by("pk")
        total, moved, missing = pending.count(), 0, []
        with ThreadPoolExecutor(READERS, thread_name_prefix="minisentry-move") as pool, \
                Progress(self.stdout, "Moving", total) as progress:
            page = pending
            while rows := list(page.values_list("pk", "timestamp", "backend")[:chunk_size]):
                done, lost = self.move(rows, target, pool)
                moved, missing = moved + done, missing + lost
                progress.advance(len(rows))
                page = pending.filter(pk__gt=rows[-1][0])
        self.stdout.write(f"Moved {moved} blob(s) to {target!r}.")
        if missing:
            self.stderr.write(
                f"{len(missing)} event(s) have no blob to move (see minisentry_cleanup --orphans): "
                + ", ".join(missing[:10])
            )

    def target(self, spec: str) -> BaseBackend:
        """The destination; it must be the store that reads blobs of its kind, or no event would load."""
        if spec in ("default", *conf.get("BACKENDS")):
            target = get_backend(spec)
        else:
            target = build_backend(json.loads(spec) if spec.lstrip().startswith("{") else spec)
        try:
            reader = get_backend_for_kind(target.kind)
        except InvalidBackendError:
            reader = None
        if repr(reader) != repr(target):
            raise CommandError(
                f"{target!r} is not the store events of kind {target.kind!r} are read from: configure it "
                "as MINISENTRY_BACKEND or first of its kind in MINISENTRY_BACKENDS, then move."
            )
        return target

    def move(self, rows: list, target: BaseBackend, pool: ThreadPoolExecutor) -> tuple[int, list[str]]:
        """Copy one chunk, verify the copies, repoint the rows, delete the sources. Returns (moved,
        event ids without a blob)."""
        by_kind = defaultdict(dict)  # kind -> {key: event id}
        for event_id, timestamp, kind in rows:
            by_kind[kind][blob_key(event_id, timestamp)] = event_id
        blobs, missing = {}, []
        for kind, keys in by_kind.items():
            source = get_backend_for_kind(kind)
            for key, data in read(source, list(keys), pool).items():
                if data is None:
                    missing.append(keys.pop(key))
                else:
                    blobs[key] = data
            dictionaries.store_needed(target, (blobs[key] for key in keys), source)  # copied first
        target.write_blobs(blobs)
        copies = read(target, list(blobs), pool)
        if bad := [key for key, data in blobs.items() if copies[key] != data]:
            raise CommandError(f"{len(bad)} copied blob(s) differ in {target!r}, e.g. {bad[0]}; sources kept.")
        using = database()
        with write_transaction(using):
            for kind, keys in by_kind.items():
                Event.objects.using(using).filter(pk__in=list(keys.values()), backend=kind).update(backend=target.kind)
        for kind, keys in by_kind.items():
            get_backend_for_kind(kind).delete_blobs(keys)
        return len(blobs), missing


def read(backend: BaseBackend, keys: list[str], pool: ThreadPoolExecutor) -> dict[str, bytes | None]:
    """The blobs (None where missing), read in parallel from remote stores."""

    def one(key: str) -> tuple[str, bytes | None]:
        try:
            return key, backend.read_blob(key)
        except BlobMissing:
            return key, None

    # Database reads stay on this thread: pool threads would each open a connection.
    return dict(map(one, keys) if backend.kind == "database" else pool.map(one, keys))
