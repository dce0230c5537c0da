"""System checks (``manage.py check``): ids minisentry.E001… and minisentry.W001…"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import connections, router
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from . import conf, confcheck
from .backends import InvalidBackendError, aliases, get_backend
from .backends.filesystem import FileSystemBackend
from .backends.s3 import PUBLIC_ACLS, S3Backend
from .capture import spool
from .models import Event
from .pipeline import storm
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
    if not isinstance(conf.get("BACKENDS"), dict):
        return [checks.Error(
            f"MINISENTRY_BACKENDS must be a dict of names to backends, not {conf.get('BACKENDS')!r}.",
            hint='E.g. {"old": {"BACKEND": "minisentry.backends.database.DatabaseBackend"}}.', id="minisentry.E001",
        )]
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
    if confcheck.value_problem("SPOOL_DIR", conf.get("SPOOL_DIR")):
        return errors  # E008 says what is wrong with it
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


@checks.register()
def check_values(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Error(f"MINISENTRY_{name} {reason}.", hint=f"Its default is {conf.DEFAULTS[name]!r}.",
                     id="minisentry.E008")
        for name in confcheck.VALUES if (reason := confcheck.value_problem(name, conf.get(name)))
    ]


@checks.register()
def check_dicts(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Error(f"MINISENTRY_{name} is invalid: {'; '.join(problems)}.",
                     hint=f"Its default is {conf.DEFAULTS[name]!r}; None turns it off.", id=confcheck.DICTS[name][2])
        for name in confcheck.DICTS if (problems := confcheck.dict_problems(name, conf.get(name)))
    ]


@checks.register()
def check_names(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Warning(f"{name} is not a minisentry setting{hint}: it is ignored.",
                       hint="The settings are listed in minisentry's README.", id="minisentry.W002")
        for name, hint in confcheck.unknown_names(dir(settings))
    ]


MOUNT = 'path("admin/_minisentry/", include("minisentry.urls"))'


@checks.register(checks.Tags.urls)
def check_urls(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """minisentry's pages are mounted where their URLs lead (Wagtail's admin serves them too)."""
    try:
        url = reverse("minisentry:issue_list")
    except NoReverseMatch:
        if apps.is_installed("minisentry.contrib.wagtail"):
            return []
        return [checks.Warning(
            "minisentry's pages are not in the project's URLs: its issue browser cannot be reached.",
            hint=f"Add {MOUNT} to urlpatterns, before the admin's path(\"admin/\", admin.site.urls).",
            id="minisentry.W003",
        )]
    except Exception:  # a URLconf that does not import: Django's own checks say why
        return []
    try:
        match = resolve(url)
    except Resolver404:
        match = None
    if match and match.url_name == "issue_list" and "minisentry" in match.app_names:
        return []
    answered = f"the view {match.view_name} answers it" if match else "nothing answers it"
    return [checks.Warning(
        f"minisentry's issue list is at {url}, but {answered}: every minisentry page is a 404 there.",
        hint=f"Put {MOUNT} before the entry that catches it (such as path(\"admin/\", admin.site.urls), "
             "whose catch-all answers every URL under admin/).",
        id="minisentry.W003",
    )]


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
