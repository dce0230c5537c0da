"""Resolve ``MINISENTRY_BACKEND`` (and ``MINISENTRY_BACKENDS``) lazily, cached until settings change."""

from functools import cache

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

from .. import conf
from .base import BaseBackend, BlobMissing, InvalidBackendError

__all__ = ["BaseBackend", "BlobMissing", "InvalidBackendError", "build_backend", "get_backend", "get_backend_for_kind"]


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


def get_backend(alias: str = "default") -> BaseBackend:
    """The configured backend (``alias`` names one of ``MINISENTRY_BACKENDS``), built once."""
    return _backend(alias)


@cache
def _backend(alias: str) -> BaseBackend:
    if alias == "default":
        return build_backend(conf.get("BACKEND"))
    try:
        config = conf.get("BACKENDS")[alias]
    except KeyError:
        raise InvalidBackendError(f"MINISENTRY_BACKENDS has no backend named {alias!r}.") from None
    return build_backend(config)


def get_backend_for_kind(kind: str) -> BaseBackend:
    """The backend that reads blobs of ``kind``: the default one, else the first named one."""
    for alias in ("default", *conf.get("BACKENDS")):
        backend = get_backend(alias)
        if backend.kind == kind:
            return backend
    raise InvalidBackendError(
        f"An event's blob is in a {kind!r} backend, but neither MINISENTRY_BACKEND nor "
        "MINISENTRY_BACKENDS configures one."
    )


@receiver(setting_changed)
def _reset(*, setting: str, **kwargs) -> None:
    if setting.startswith("MINISENTRY_"):
        _backend.cache_clear()
