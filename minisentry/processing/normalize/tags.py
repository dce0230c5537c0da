"""The event's tags and fingerprint as Relay stores them (``normalize_event_tags``, ``Tags``,
``Fingerprint``): tags become a list of ``[key, value]`` pairs of strings (an object's items in
order), keys and values cut to 200 characters; an entry that is no pair, has an empty or
non-text key or value, repeats a key, or names what Sentry derives itself (``release``, ``dist``,
``user``, ``filename``, ``function``) is left as null with its reason in ``_meta``."""

from .notes import Notes
from .trimming import text

TAG_KEY = TAG_VALUE = 200  # Relay's MaxChars::TagKey and TagValue
DERIVED = frozenset({"release", "dist", "user", "filename", "function"})
SCALARS = (bool, int, float)


def tags(event: dict, notes: Notes) -> None:
    raw = event.get("tags")
    if raw is None:
        return
    if isinstance(raw, dict):
        move_notes(notes, list(raw))
        raw = [[key, value] for key, value in raw.items()]
    elif not isinstance(raw, list):
        del event["tags"]
        notes.error(("tags",), "invalid_data", "expected tags")
        return
    seen = set()
    result = []
    for index, pair in enumerate(raw):
        if pair is None:  # removed before (a payload normalized again, replayed from the spool)
            result.append(None)
            continue
        entry, reason = tag(pair, notes, ("tags", index))
        if entry is not None and entry[0] in seen:
            entry, reason = None, "a repeated key"
        if entry is None:
            notes.error(("tags", index), "invalid_data", reason)
        else:
            seen.add(entry[0])
        result.append(entry)
    event["tags"] = result
    environment = next((v for v in (e for e in result if e and e[0] == "environment")), None)
    if environment and not event.get("environment"):
        event["environment"] = environment[1]


def tag(pair, notes: Notes, path) -> tuple[list | None, str]:
    """One ``[key, value]`` entry, trimmed, or None and why not."""
    if not isinstance(pair, list) or len(pair) != 2:
        return None, "expected a [key, value] pair"
    key, value = pair
    if isinstance(value, SCALARS):
        value = str(value)
    if not isinstance(key, str) or not isinstance(value, str):
        return None, "expected a string key and value"
    if not key.strip() or not value:
        return None, "an empty key or value"
    if key in DERIVED:
        return None, f"{key!r} is derived from the event"
    return [text(key, TAG_KEY, notes, (*path, 0)), text(value, TAG_VALUE, notes, (*path, 1))], ""


def move_notes(notes: Notes, keys: list) -> None:
    """The SDK's notes on an object's tags, moved to the value of the pair each becomes."""
    given = notes.meta.get("tags")
    if not isinstance(given, dict):
        return
    moved = {str(i): {"1": given[key]} for i, key in enumerate(keys) if key in given}
    if "" in given:
        moved[""] = given[""]
    notes.meta["tags"] = moved


def fingerprint(event: dict, notes: Notes) -> None:
    """A list of strings (numbers and booleans as their text), or removed."""
    value = event.get("fingerprint")
    if value is None:
        return
    if isinstance(value, list) and all(isinstance(v, (str, *SCALARS)) for v in value):
        event["fingerprint"] = [v if isinstance(v, str) else str(v) for v in value]
        return
    del event["fingerprint"]
    notes.error(("fingerprint",), "invalid_data", "expected a list of strings")
