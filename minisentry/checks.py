"""System checks (``manage.py check``): ids minisentry.E001… and minisentry.W001…"""

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.db import connections, router

from . import conf
from .backends import InvalidBackendError, aliases, get_backend
from .backends.filesystem import FileSystemBackend
from .backends.s3 import PUBLIC_ACLS, S3Backend
from .capture import spool, storm
from .models import Event
from .processing import dictionaries


def _inside(path: Path, root) -> bool:
    if not root:
        return False
    root = Path(root).resolve()
    return path == root or path.is_relative_to(root)


def _public_roots() -> list[tuple[str, object]]:
    return [("MEDIA_ROOT", settings.MEDIA_ROOT), ("STATIC_ROOT", settings.STATIC_ROOT)]


@checks.register()
def check_backend(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    try:
        backends = [get_backend(alias) for alias in aliases()]
    except InvalidBackendError as exc:
        return [checks.Error(str(exc), hint="Fix MINISENTRY_BACKEND / MINISENTRY_BACKENDS.", id="minisentry.E001")]
    for backend in backends:
        if isinstance(backend, FileSystemBackend):
            for name, root in _public_roots():
                if _inside(backend.location, root):
                    errors.append(checks.Error(
                        f"minisentry's blob location {backend.location} is inside {name}: "
                        "the web server would publish every stored event.",
                        hint="Choose a directory outside MEDIA_ROOT and STATIC_ROOT.",
                        id="minisentry.E002",
                    ))
        if isinstance(backend, S3Backend) and backend.storage.default_acl in PUBLIC_ACLS:
            errors.append(checks.Error(
                f"minisentry's S3 backend uses the ACL {backend.storage.default_acl!r}: "
                "stored events would be readable without credentials.",
                hint="Remove 'default_acl' from its OPTIONS, or set it to 'private'.",
                id="minisentry.E003",
            ))
    spool_dir = Path(conf.get("SPOOL_DIR")).resolve()
    exposed = [name for name, root in _public_roots() if _inside(spool_dir, root)]
    exposed += [
        f"the blob location {b.location}" for b in backends
        if isinstance(b, FileSystemBackend) and _inside(spool_dir, b.location)
    ]
    if exposed:
        errors.append(checks.Error(
            f"MINISENTRY_SPOOL_DIR {spool_dir} is inside {', '.join(exposed)}.",
            hint="The spool holds raw events: give it a private directory of its own.",
            id="minisentry.E004",
        ))
    if reason := spool.problem(spool_dir):
        errors.append(checks.Error(
            f"MINISENTRY_SPOOL_DIR {spool_dir} cannot be used: {reason}.",
            hint="The spool holds raw events: give it a directory of this user's, mode 0700; "
                 "minisentry refuses to write to it or replay from it until then.",
            id="minisentry.E005",
        ))
    return errors


def _invalid(setting: str, reason: str | None, hint: str, id: str) -> list[checks.CheckMessage]:
    """The error for a MINISENTRY_ setting whose value has a problem (``reason``), else nothing."""
    return [checks.Error(f"MINISENTRY_{setting} is invalid: {reason}.", hint=hint, id=id)] if reason else []


@checks.register()
def check_compression(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return _invalid("COMPRESSION_DICTIONARY", dictionaries.problem(conf.get("COMPRESSION_DICTIONARY")),
                    "Events are compressed without a dictionary until it is fixed.", "minisentry.E006")


@checks.register()
def check_storm(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return _invalid("STORM", storm.problem(conf.get("STORM")),
                    'The default is used meanwhile. E.g. {"events_per_minute": 600, "keep_one_in": 100}, '
                    "or None to store every event.", "minisentry.E007")


@checks.register(checks.Tags.database)
def check_database(app_configs=None, databases=None, **kwargs) -> list[checks.CheckMessage]:
    alias = router.db_for_write(Event)
    if databases is not None and alias not in databases:
        return []
    vendor = connections[alias].vendor
    if vendor in ("sqlite", "postgresql"):
        return []
    return [checks.Warning(
        f"minisentry is tested on SQLite and PostgreSQL; on {vendor} it counts with a slower, "
        "generic update path.",
        id="minisentry.W001",
    )]
