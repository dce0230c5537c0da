"""A field of a known type, as Relay reads it: a value of the wrong type is removed (an
``invalid_data`` error in ``_meta``), a string trimmed to the field's ``max_chars``."""

from ...fields import Level
from .notes import Notes
from .trimming import as_text, text

EXPECTED_TEXT = "expected a string"
LEVELS = frozenset(Level.values)
# Relay's ``Level``: its aliases ("log" is the browser console's) and Python's logging numbers
LEVEL_ALIASES = {"log": "info", "warn": "warning", "critical": "fatal",
                 10: "debug", 20: "info", 30: "warning", 40: "error", 50: "fatal"}


def level(value) -> str | None:
    """The level ``value`` names, as Relay reads one (any case, its aliases); None if it names none."""
    if type(value) is str:
        if value in LEVELS:
            return value
        value = value.lower()
        value = LEVEL_ALIASES.get(value, value)
        return value if value in LEVELS else None
    return LEVEL_ALIASES.get(value) if type(value) is int else None


def string(container: dict, key: str, limit: int, notes: Notes, path, allowance: int = 0,
           lenient: bool = False, json: bool = False) -> None:
    """Check ``container[key]`` in place: a string is trimmed; with ``lenient`` a number or a boolean
    becomes its text (Relay's ``LenientString``), with ``json`` an object or list its JSON
    (``JsonLenientString``); anything else (but null) is removed."""
    value = container.get(key)
    if value is None:
        return
    if lenient and isinstance(value, (bool, int, float)):
        value = str(value)
    elif json and isinstance(value, (dict, list, bool, int, float)):
        value = as_text(value)
    if isinstance(value, str):
        container[key] = text(value, limit, notes, (*path, key), allowance)
    else:
        del container[key]
        notes.error((*path, key), "invalid_data", EXPECTED_TEXT)


def mapping(container: dict, key: str, notes: Notes, path) -> dict | None:
    """``container[key]`` if it is an object; anything else (but null) is removed."""
    value = container.get(key)
    if isinstance(value, dict) or value is None:
        return value
    del container[key]
    notes.error((*path, key), "invalid_data", "expected an object")
    return None


def values_list(container: dict, key: str, notes: Notes, path) -> list | None:
    """The list of ``{"values": [...]}`` at ``container[key]`` (legacy bare lists are made so
    before normalizing); any other shape (but null) is removed."""
    value = container.get(key)
    if value is None:
        return None
    listed = value.get("values") if isinstance(value, dict) else None
    if isinstance(listed, list):
        return listed
    if isinstance(value, dict) and listed is None:
        return None
    del container[key]
    notes.error((*path, key), "invalid_data", "expected a list of values")
    return None
