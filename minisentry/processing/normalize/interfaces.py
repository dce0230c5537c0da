"""Relay's limits on the event's interfaces (``relay-event-schema``'s ``max_chars``, ``max_depth``
and ``max_bytes`` attributes, and its breadcrumb and frame counts), applied in place."""

from .notes import Notes
from .trimming import LARGE, LARGER, MASSIVE, MEDIUM, SMALL, Bag, bag, fits, frames
from .values import level, mapping, string, values_list

MESSAGE, MESSAGE_ALLOWANCE = 8192, 200  # Relay's MaxChars::Message
SYMBOL, SYMBOL_ALLOWANCE = 256, 20
MAX_BREADCRUMBS = 100  # the newest are kept
CRUMB_TEXT = (("type", 128), ("category", 128), ("message", MESSAGE))
USER_TEXT = {"id": 128, "email": 75, "username": 128, "name": 128, "segment": 128}
REQUEST_BAGS = {"data": LARGE, "query_string": SMALL, "cookies": MEDIUM, "headers": LARGE, "env": LARGE}
CONTEXT = Bag(7, 8192)
EXTRA_VALUE = Bag(LARGER.depth - 1, LARGER.size)  # inside ``extra``, itself a bag of depth 7


def logentry(event: dict, notes: Notes) -> None:
    for key in ("logentry", "message"):  # the latter: an older SDK's message object
        entry = event.get(key)
        if isinstance(entry, dict):
            for part in ("message", "formatted"):
                string(entry, part, MESSAGE, notes, (key,), MESSAGE_ALLOWANCE, json=True)
            if "params" in entry:
                entry["params"] = bag(entry["params"], MEDIUM, notes, (key, "params"))
        elif key == "logentry":
            mapping(event, key, notes, ())
        else:
            string(event, key, MESSAGE, notes, (), MESSAGE_ALLOWANCE, json=True)


def exceptions(event: dict, notes: Notes) -> None:
    listed = values_list(event, "exception", notes, ())
    for index, exc in enumerate(listed or ()):
        path = ("exception", "values", index)
        if exc is None:  # removed before, or null as sent
            continue
        if not isinstance(exc, dict) or exc.get("type") is None and exc.get("value") is None:
            listed[index] = None
            notes.error(path, "missing_attribute", attribute="type or value")
            continue
        string(exc, "type", SYMBOL, notes, path, SYMBOL_ALLOWANCE)
        string(exc, "module", SYMBOL, notes, path, SYMBOL_ALLOWANCE)
        string(exc, "value", MESSAGE, notes, path, MESSAGE_ALLOWANCE, json=True)
        mechanism = mapping(exc, "mechanism", notes, path)
        if mechanism and "data" in mechanism:
            mechanism["data"] = bag(mechanism["data"], MEDIUM, notes, (*path, "mechanism", "data"))
        stacktrace(exc, notes, path)
    for index, thread in enumerate(values_list(event, "threads", notes, ()) or ()):
        if isinstance(thread, dict):
            stacktrace(thread, notes, ("threads", "values", index))
    stacktrace(event, notes, ())


def stacktrace(holder: dict, notes: Notes, path) -> None:
    for key in ("stacktrace", "raw_stacktrace"):
        found = mapping(holder, key, notes, path)
        if found is not None:
            frames(found, notes, (*path, key))


def breadcrumbs(event: dict, notes: Notes) -> None:
    listed = values_list(event, "breadcrumbs", notes, ())
    if listed is None:
        return
    path = ("breadcrumbs", "values")
    if len(listed) > MAX_BREADCRUMBS:
        first = len(listed) - MAX_BREADCRUMBS
        notes.shift(path, first)
        notes.cut(path, len(listed))
        listed = event["breadcrumbs"]["values"] = listed[first:]
    for index, crumb in enumerate(listed):
        if crumb is None:
            continue
        if not isinstance(crumb, dict):
            listed[index] = None
            notes.error((*path, index), "invalid_data", "expected a breadcrumb")
            continue
        for key, limit in CRUMB_TEXT:
            value = crumb.get(key)
            if value is not None and (type(value) is not str or len(value) > limit):  # checked only then
                string(crumb, key, limit, notes, (*path, index), MESSAGE_ALLOWANCE if key == "message" else 0)
        if crumb.get("level") is not None:
            if found := level(crumb["level"]):
                crumb["level"] = found
            else:
                del crumb["level"]
                notes.error((*path, index, "level"), "invalid_data", "not a level")
        if "data" in crumb:
            crumb["data"] = bag(crumb["data"], MEDIUM, notes, (*path, index, "data"))


def request(event: dict, notes: Notes) -> None:
    found = mapping(event, "request", notes, ())
    if found is None:
        return
    string(found, "url", 256, notes, ("request",), 40)
    string(found, "fragment", 1024, notes, ("request",), 100)
    string(found, "method", 32, notes, ("request",))
    for key, limit in REQUEST_BAGS.items():
        if key in found:
            found[key] = bag(found[key], limit, notes, ("request", key))


def contexts(event: dict, notes: Notes) -> None:
    found = mapping(event, "contexts", notes, ())
    for name in list(found or ()):
        if mapping(found, name, notes, ("contexts",)) is not None:
            found[name] = bag(found[name], CONTEXT, notes, ("contexts", name))


def extra(event: dict, notes: Notes) -> None:
    found = mapping(event, "extra", notes, ())
    if not found:
        return
    budget = None if fits(found, MASSIVE) else [MASSIVE.size]  # else it cannot run out
    kept = {}
    for key, value in found.items():
        if budget is not None and budget[0] <= 0:
            notes.cut(("extra",), len(found))
            break
        shared = None if budget is None else [min(budget[0], EXTRA_VALUE.size)]
        kept[key] = bag(value, EXTRA_VALUE, notes, ("extra", key), shared)
        if budget is not None:
            budget[0] -= min(budget[0], EXTRA_VALUE.size) - shared[0] + len(key) + 3
    event["extra"] = kept


def user(event: dict, notes: Notes) -> None:
    found = mapping(event, "user", notes, ())
    if found is None:
        return
    for key, limit in USER_TEXT.items():
        string(found, key, limit, notes, ("user",), lenient=key == "id")
    others = [k for k in found if k not in USER_TEXT and k != "ip_address"]
    rest = None if fits({k: found[k] for k in others}, MEDIUM) else [MEDIUM.size]
    for key in others:
        found[key] = bag(found[key], MEDIUM, notes, ("user", key), rest)


def modules_and_sdk(event: dict, notes: Notes) -> None:
    if "modules" in event:
        event["modules"] = bag(event["modules"], LARGE, notes, ("modules",))
    sdk = mapping(event, "sdk", notes, ())
    for key in ("name", "version") if sdk else ():
        string(sdk, key, SYMBOL, notes, ("sdk",), SYMBOL_ALLOWANCE)
