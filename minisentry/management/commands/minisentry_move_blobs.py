import json
import os
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

from django.core.management.base import BaseCommand, CommandError

from ...backends import (
    BaseBackend,
    BlobMissing,
    InvalidBackendError,
    build_backend,
    configs,
    get_backend,
)
from ...backends.keys import blob_key
from ...models import Event, Segment
from ...storage import dictionaries
from ...storage.index import database
from ...storage.segments import live_frames, rewrite
from ..progress import Progress

SEGMENT_EVENTS = 500  # events per new segment, by default
READERS = 16


class Command(BaseCommand):
    help = (
        "Move every event from the store it is in to another one (by default the configured "
        "MINISENTRY_BACKEND), packed in segments: copy, read back and compare, repoint the rows, "
        "then delete the sources. Resumable: run it again after an interruption."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to",
            help="The alias of a configured store ('default': MINISENTRY_BACKEND's settings), or the dotted "
            "path or settings (JSON) of one; by default the store new events go to.",
        )
        parser.add_argument("--chunk-size", type=int, default=SEGMENT_EVENTS, help="Events per new segment, at most.")
        parser.add_argument(
            "--repack", action="store_true",
            help="Also pack events stored one blob each in the destination itself into segments.",
        )

    def handle(self, *args, to=None, chunk_size=SEGMENT_EVENTS, repack=False, **options):
        target = self.target(to)
        using = database()
        segments = Segment.objects.using(using).exclude(backend=target.alias).order_by("pk")
        loose = Event.objects.using(using).filter(segment__isnull=True).order_by("pk")
        if not repack:
            loose = loose.exclude(backend=target.alias)
        total = Event.objects.using(using).filter(segment__in=segments).count() + loose.count()
        self.moved, self.missing = 0, []
        with ThreadPoolExecutor(READERS, thread_name_prefix="minisentry-move") as pool, \
                Progress(self.stdout, "Moving", total) as progress:
            self.progress = progress
            self.move_segments(list(segments), target, chunk_size)
            page = loose
            while rows := list(page.values_list("pk", "timestamp", "backend")[:chunk_size]):
                self.move_loose(rows, target, pool)
                page = loose.filter(pk__gt=rows[-1][0])
        self.stdout.write(f"Moved {self.moved} event(s) to {target!r}.")
        if self.missing:
            self.stderr.write(
                f"{len(self.missing)} event(s) have no blob to move (see minisentry_cleanup --orphans): "
                + ", ".join(self.missing[:10])
            )

    def target(self, spec: str) -> BaseBackend:
        """The destination: a configured store (the rows record its alias, or no event would load),
        named by its alias or by its settings."""
        try:
            stores = configs()
            if spec is None or spec in stores:
                return get_backend(spec)
            given = _settings(json.loads(spec) if spec.lstrip().startswith("{") else spec)
            build_backend(given)
        except (InvalidBackendError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        for alias, config in stores.items():
            if _settings(config) == given:
                return get_backend(alias)
        raise CommandError(f"{spec} is not a configured store: name it in MINISENTRY_BACKENDS, then move to its alias.")

    def move_segments(self, segments: list[Segment], target: BaseBackend, chunk_size: int) -> None:
        """Rewrite the live events of segments in other stores into new ones in ``target``."""
        group, frames = [], {}
        for segment in segments:
            try:
                live = live_frames(segment)
            except BlobMissing:
                self.missing += list(Event.objects.filter(segment=segment).values_list("pk", flat=True))
                continue
            # the zstd dictionaries these frames name go first
            dictionaries.store_needed(target, live.values(), get_backend(segment.backend))
            frames.update(live)
            group.append(segment.pk)
            if len(frames) >= chunk_size:
                self.write(target, frames, group)
                group, frames = [], {}
        if group:
            self.write(target, frames, group)

    def move_loose(self, rows: list, target: BaseBackend, pool: ThreadPoolExecutor) -> None:
        """Pack one chunk of events stored one blob each into a segment in ``target``."""
        by_alias = defaultdict(dict)  # store alias -> {key: event id}
        for event_id, timestamp, alias in rows:
            by_alias[alias][blob_key(event_id, timestamp)] = event_id
        frames = {}
        for alias, keys in by_alias.items():
            source = get_backend(alias)
            for key, data in read(source, list(keys), pool).items():
                if data is None:
                    self.missing.append(keys.pop(key))
                else:
                    frames[keys[key]] = data
            dictionaries.store_needed(target, (frames[event_id] for event_id in keys.values()), source)
        self.write(target, frames, loose={alias: list(keys) for alias, keys in by_alias.items()})

    def write(self, target: BaseBackend, frames: dict[str, bytes], segment_ids=(), loose=None) -> None:
        if frames:
            try:
                rewrite(target, frames, segment_ids, loose)
            except OSError as exc:
                raise CommandError(f"{exc}; sources kept.") from exc
        self.moved += len(frames)
        self.progress.advance(len(frames))


def read(backend: BaseBackend, keys: list[str], pool: ThreadPoolExecutor) -> dict[str, bytes | None]:
    """The blobs (None where missing), read in parallel from remote stores."""

    def one(key: str) -> tuple[str, bytes | None]:
        try:
            return key, backend.read_blob(key)
        except BlobMissing:
            return key, None

    # Database reads stay on this thread: pool threads would each open a connection.
    return dict(map(one, keys) if backend.in_database else pool.map(one, keys))


def _settings(config) -> dict:
    """A store's settings in one shape, to compare them."""
    if isinstance(config, str):
        return {"BACKEND": config, "OPTIONS": {}}
    if isinstance(config, dict):
        options = {name: os.fspath(value) if isinstance(value, os.PathLike) else value
                   for name, value in (config.get("OPTIONS") or {}).items()}
        return {"BACKEND": config.get("BACKEND"), "OPTIONS": options}
    raise ValueError(f"a store's settings are a dotted path or a dict, not {config!r}")
