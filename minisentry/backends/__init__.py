"""Blob stores by alias, as Django's ``STORAGES``: ``MINISENTRY_BACKENDS`` names stores, and
``MINISENTRY_BACKEND`` is where new events go — a store's settings (its alias is then
``"default"``) or the alias of one of ``MINISENTRY_BACKENDS``. Each segment and event row records
the alias of its store, so any number of stores of one kind stay readable side by side. Built
lazily, each once, until settings change."""

from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .. import conf
from .base import BaseBackend, BlobMissing, InvalidBackendError

__all__ = ["BaseBackend", "BlobMissing", "InvalidBackendError", "aliases", "build_backend", "get_backend"]

MAX_ALIAS = 64  # characters of an alias (the rows' column)


def build_backend(config) -> BaseBackend:
    """A backend from a dotted path or ``{"BACKEND": path, "OPTIONS": {...}}``."""
    if isinstance(config, str):
        path, options = config, {}
    elif isinstance(config, dict) and isinstance(config.get("BACKEND"), str):
        path, options = config["BACKEND"], config.get("OPTIONS") or {}
    else:
        raise InvalidBackendError(
            f"A minisentry backend is a dotted path or a dict with a 'BACKEND' path, not {config!r}."
        )
    if not isinstance(options, dict):
        raise InvalidBackendError(f"OPTIONS of {path!r} must be a dict, not {type(options).__name__}.")
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise InvalidBackendError(f"Could not find minisentry backend {path!r}: {exc}") from exc
    if not (isinstance(cls, type) and issubclass(cls, BaseBackend)):
        raise InvalidBackendError(f"{path!r} is not a subclass of minisentry.backends.BaseBackend.")
    return cls(**options)


def configs() -> dict[str, object]:
    """Every store's settings by alias: ``MINISENTRY_BACKENDS``, and ``"default"`` for
    ``MINISENTRY_BACKEND`` unless that names one of them."""
    named = conf.get("BACKENDS")
    if not isinstance(named, dict):
        raise InvalidBackendError(f"MINISENTRY_BACKENDS must be a dict of aliases, not {type(named).__name__}.")
    for alias in named:
        if not isinstance(alias, str) or not 0 < len(alias) <= MAX_ALIAS:
            raise InvalidBackendError(f"A MINISENTRY_BACKENDS alias is a string of 1 to {MAX_ALIAS} characters, "
                                      f"not {alias!r}.")
    default = conf.get("BACKEND")
    if isinstance(default, str) and default in named:
        return dict(named)
    if "default" in named:
        raise InvalidBackendError("MINISENTRY_BACKENDS names a 'default' store, and MINISENTRY_BACKEND is "
                                  "another one: set MINISENTRY_BACKEND to an alias of MINISENTRY_BACKENDS.")
    return {"default": default, **named}


def aliases() -> list[str]:
    """Every configured alias, the one new events go to first."""
    writing = writing_alias()
    return [writing, *(alias for alias in configs() if alias != writing)]


def writing_alias() -> str:
    default = conf.get("BACKEND")
    return default if isinstance(default, str) and default in conf.get("BACKENDS") else "default"


def get_backend(alias: str | None = None) -> BaseBackend:
    """The store ``alias`` names; by default the one new events go to (``MINISENTRY_BACKEND``).
    Raises InvalidBackendError for an alias no setting names."""
    return _backend(writing_alias() if alias is None else alias)


@cache
def _backend(alias: str) -> BaseBackend:
    try:
        config = configs()[alias]
    except KeyError:
        raise InvalidBackendError(
            f"A blob is in the store {alias!r}, which neither MINISENTRY_BACKEND nor MINISENTRY_BACKENDS names."
        ) from None
    backend = build_backend(config)
    backend.alias = alias
    return backend


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs) -> None:
    if setting.startswith("MINISENTRY_"):
        _backend.cache_clear()
