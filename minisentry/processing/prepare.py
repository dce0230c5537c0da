"""Writer side of capture: turn a snapshot into an :class:`EventRecord` ready to store.

Everything read from the event is validated here; nothing downstream sees raw input except
the blob itself, which is the snapshot byte for byte, less what server-side scrubbing replaced
(then it is the scrubbed event, serialized again, legacy interface keys renamed to modern ones).
An event whose legacy key was shadowed by its modern key is always stored as the modern event:
the dropped value was never scrubbed. An event received from outside the site (the ingest
endpoint) is normalized first, as Relay normalizes it (``normalize``), and stored as normalized;
the hook's events are not.
"""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..fields import LENGTH, Level, parse_time
from ..fields import event_id as given_event_id
from ..grouping import Grouping
from ..grouping.cache import cached_grouping
from . import codec, dictionaries, legacy, received, scrubbing, security
from . import logentry as logentries
from . import normalize as normalizing
from .paths import ABSOLUTE, project_roots, relative
from .users import user_key

logger = logging.getLogger("minisentry")

MAX_TAGS = 50
LEVELS = frozenset(Level.values)
MAX_MESSAGE = 1000  # of Issue.message (text), what search reads


TAG_KEY, TAG_VALUE = LENGTH["tag_key"], LENGTH["tag_value"]
# What a sampled-out event's index fields read (see sample): top-level values, the exceptions
# less their stack traces, and parts of two objects. Grouping reads the first two (and, with a
# fingerprint, any of them) beside the exceptions: the text scrubbing may change.
TEXT = ("logentry", "message")
INDEXED = ("logentry", "message", "level", "environment", "release", "server_name", "transaction", "logger",
           "culprit", "tags", "user")
INDEXED_PARTS = {"request": ("url", "env"), "contexts": ("runtime", "browser", "os")}


@dataclass
class EventRecord:
    event_id: str
    timestamp: datetime
    level: str
    platform: str
    environment: str
    release: str
    server_name: str
    transaction: str
    title: str
    culprit: str
    message: str
    hashes: list[str]
    grouped_by: str
    tags: list[tuple[str, str]] = field(default_factory=list)
    user: str = ""  # the user tag's value: id:…, else username:…, email:… or ip:…
    event_message: str = ""  # its message or exception value on one line, for its row
    handled: bool | None = None  # the exceptions' mechanism.handled: False if any says so
    payload: bytes = b""
    blob: bytes = b""
    sampled: bool = False  # counted without a row or a blob (an error storm, see pipeline.storm)
    project: int | str | None = None  # its project's id, or slug; None: the default project
    meta: dict | None = None  # what came with a received payload (see processing.received)

    def original(self) -> bytes | dict:
        """What to spool should storing fail: the payload, with what came with it."""
        if self.meta is None or not isinstance(self.payload, bytes):
            return self.payload
        return received.wrap(self.payload, self.meta)


def prepare(payload: bytes | dict, keep: Callable[[str], bool] | None = None) -> EventRecord:
    """Parse, validate, scrub, group and compress one snapshot (JSON bytes, or an event dict the
    writer serializes here). Raises ValueError if it is not an event.

    ``keep`` (the storm sampler, see ``pipeline.storm``) is asked first with the primary hash of
    the issue as it is stored (:func:`sample`); an event it does not keep is only counted. An
    event dict the sampler drops is not serialized whole: nothing of it is stored. A dict kept is
    serialized once and read as it is when it is plain JSON (what the SDK hands over always is:
    see ``scrubbing.survey``); otherwise it is parsed back, so that grouping, scrubbing and the
    index read exactly what is stored."""
    payload, meta = received.unwrap(payload)
    if meta is not None and meta.get("item") == "security":  # a browser's raw report, made an event once
        payload = codec.dumps(security.report_event(codec.loads(payload), meta.get("received") or time.time()))
        meta = {**meta, "item": "event"}
    record = _prepare(payload, keep, meta if meta is not None and meta.get("untrusted") is True else None)
    if meta is not None:
        record.project, record.meta = meta.get("project"), meta
    return record


def _prepare(payload: bytes | dict, keep: Callable[[str], bool] | None, untrusted: dict | None) -> EventRecord:
    """:func:`prepare`; an ``untrusted`` payload's event (JSON from the ingest endpoint, with what the
    endpoint knew of it) is normalized first (see ``normalize``), then scrubbed, grouped and stored."""
    event = grouping = quiet = None
    # The snapshot is not what is stored: a legacy key's value was shadowed by a modern key's (the
    # snapshot holds it unscrubbed), or the event was normalized.
    rewrite = False
    if isinstance(payload, dict):
        given = payload
        if keep is not None:
            event, rewrite = legacy.modernized(given)
            counted, grouping = sample(event, given, keep)
            if counted is not None:
                return counted
            keep = None  # kept
        payload, written = codec.snapshot(given)
        if written:
            if event is None:
                event, rewrite = legacy.modernized(given)
            quiet = scrubbing.survey(given, event, payload)
        if quiet is None:  # not plain JSON: what is stored is read back
            event = grouping = None
    if event is None:
        event = codec.loads(payload)
        if not isinstance(event, dict):
            raise ValueError(f"an event must be a JSON object, not {type(event).__name__}")
        event, rewrite = legacy.modernized(event)  # older SDKs' keys: scrubbed, titled, grouped as modern ones
        if untrusted is not None:
            event, rewrite = normalizing.normalize(event, untrusted), True
        if keep is not None:
            counted, grouping = sample(event, payload, keep)
            if counted is not None:
                return counted
    if not quiet and scrubbing.scrub(event, payload):
        payload = codec.dumps(event)  # only then: the common path stores the snapshot as it came
        grouping = None  # scrubbing may have replaced text that grouping reads
    elif rewrite:
        payload = codec.dumps(event)
    record = index_fields(event, grouping or cached_grouping(event))
    record.payload, record.blob = payload, dictionaries.compress(payload)
    return record


def index_fields(event: dict, grouping: Grouping) -> EventRecord:
    """The record of a scrubbed event, without its payload and blob."""
    level = text(event.get("level"), LENGTH["level"]).lower()
    event_tags = tags(event)
    return EventRecord(
        event_id=event_id(event.get("event_id")),
        timestamp=timestamp(event.get("timestamp")),
        level=level if level in LEVELS else Level.ERROR,
        platform=text(event.get("platform"), LENGTH["platform"]),
        environment=text(event.get("environment"), LENGTH["environment"]),
        release=text(event.get("release"), LENGTH["release"]),
        server_name=text(event.get("server_name"), LENGTH["server_name"]),
        transaction=text(event.get("transaction"), LENGTH["transaction"]),
        title=title(event),
        culprit=culprit(event),
        message=text(message(event), MAX_MESSAGE),
        hashes=grouping.hashes,
        grouped_by=text(grouping.description, LENGTH["grouped_by"]),
        tags=event_tags,
        user=tag_value(event_tags, "user"),
        event_message=text(" ".join(message(event).split()), LENGTH["event_message"]),
        handled=handled(event),
    )


def sample(event: dict, payload: bytes | dict, keep: Callable[[str], bool]) -> tuple[EventRecord | None, Grouping]:
    """The storm sampler ``keep``'s verdict on ``event`` (modern, not yet scrubbed): ``(None, its
    grouping)`` when kept, else ``(its record to count, grouping)``: index fields, no blob,
    ``sampled`` set; ``payload`` is kept only to spool the event should storing fail.

    The sampler is asked with the primary hash of the issue as it is stored, grouped after
    scrubbing what grouping reads of text (exceptions less their stack traces, the message;
    with a fingerprint, what the index reads). A counted event's index fields are read from a
    scrubbed copy of what the index reads (:func:`scrubbed_view`): the rest is never stored."""
    fingerprinted = "fingerprint" in event  # its variables may name anything the index reads
    view = scrubbed_view(event, INDEXED if fingerprinted else TEXT, fingerprinted)
    grouping = cached_grouping(view)
    if keep(grouping.hashes[0]):
        return None, grouping
    if not fingerprinted:
        view = scrubbed_view(event, INDEXED, True)
    record = index_fields(view, grouping)
    record.payload, record.sampled = payload, True
    return record, grouping


def scrubbed_view(event: dict, keys: tuple[str, ...], parts: bool) -> dict:
    """``event`` under a scrubbed copy of its ``keys``, its exceptions less their stack traces
    (given back after scrubbing: grouping reads their code, which is never scrubbed) and, with
    ``parts``, a few values of two objects. The copy is made through JSON: the event keeps its
    values, and what is read of them is what the stored path reads."""
    excs = exceptions(event)
    view = {key: event[key] for key in keys if key in event}
    if excs:
        view["exception"] = {"values": [{k: v for k, v in exc.items() if k != "stacktrace"} for exc in excs]}
    for name, names in INDEXED_PARTS.items() if parts else ():
        if isinstance(event.get(name), dict):
            view[name] = {key: event[name][key] for key in names if key in event[name]}
    if not view:
        return event
    data = codec.dumps(view)
    view = codec.loads(data)
    scrubbing.scrub(view, data)
    for exc, original in zip(view.get("exception", {}).get("values", ()), excs):
        if "stacktrace" in original:
            exc["stacktrace"] = original["stacktrace"]
    return {**event, **view}


def text(value, limit: int) -> str:
    """A string safe for any database column: no NUL, no lone surrogates, at most ``limit`` chars."""
    if type(value) is not str:
        if value is None or isinstance(value, (dict, list)):
            return ""
        value = value if isinstance(value, str) else str(value)
    if not value.isascii():  # only then can it hold a lone surrogate
        value = value.encode("utf-8", "replace").decode("utf-8")
    if "\x00" in value:
        value = value.replace("\x00", "")
    return value if len(value) <= limit else value[: limit - 1] + "…"


def event_id(value) -> str:
    """The event's id as 32 hex, or a fresh one when it is missing or malformed."""
    if found := given_event_id(value):
        return found
    if value is not None:
        logger.warning("minisentry: event id %r is not a UUID; storing under a new id", text(value, 80))
    return uuid.uuid4().hex


def timestamp(value) -> datetime:
    """The event's time (ISO 8601 or epoch seconds) in UTC; now when absent or unreadable."""
    return parse_time(value) or datetime.now(UTC)


def exceptions(event: dict) -> list[dict]:
    container = event.get("exception")
    values = container.get("values") if isinstance(container, dict) else container
    return [e for e in values if isinstance(e, dict)] if isinstance(values, list) else []


def message(event: dict) -> str:
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        formatted = logentry.get("formatted") or logentry.get("message")
        if not logentry.get("formatted") and isinstance(formatted, str) and logentry.get("params"):
            formatted = logentries.formatted(formatted, logentry["params"]) or formatted  # as Relay does
        if isinstance(formatted, str) and formatted:
            return formatted
    msg = event.get("message")
    if isinstance(msg, dict):  # the older interface spelling
        msg = msg.get("formatted") or msg.get("message")
    if isinstance(msg, str) and msg:
        return msg
    excs = exceptions(event)
    return text(excs[-1].get("value"), MAX_MESSAGE) if excs else ""


def handled(event: dict) -> bool | None:
    """False if any exception's mechanism says it was not handled, True if one says it was, else None."""
    said = [m.get("handled") for e in exceptions(event) if isinstance(m := e.get("mechanism"), dict)]
    return False if any(h is False for h in said) else True if any(h is True for h in said) else None


def title(event: dict) -> str:
    """What Sentry shows as the issue's title: ``Type: value`` of the raised exception, else the message."""
    excs = exceptions(event)
    if excs:
        exc = excs[-1]
        kind, value = text(exc.get("type"), 128), text(exc.get("value"), LENGTH["title"])
        first_line = value.strip().splitlines()[0] if value.strip() else ""
        result = f"{kind}: {first_line}" if kind and first_line else kind or first_line
    else:
        msg = message(event).strip()
        result = msg.splitlines()[0] if msg else ""
    return text(result or "<unlabeled event>", LENGTH["title"])


def culprit(event: dict) -> str:
    """Where it happened: the SDK's culprit, else the last in-app frame, else transaction or logger."""
    for candidate in (event.get("culprit"), _frame_culprit(event), event.get("transaction"), event.get("logger")):
        if isinstance(candidate, str) and candidate:
            return text(candidate, LENGTH["culprit"])
    return ""


def _frame_culprit(event: dict) -> str:
    frames = []
    for exc in exceptions(event)[-1:]:
        stacktrace = exc.get("stacktrace")
        if isinstance(stacktrace, dict) and isinstance(stacktrace.get("frames"), list):
            frames = [f for f in stacktrace["frames"] if isinstance(f, dict)]
    if not frames:
        return ""
    in_app = [f for f in frames if f.get("in_app")] or frames
    frame = in_app[-1]
    where = frame.get("module") or frame.get("filename") or frame.get("abs_path")
    if isinstance(where, str) and ABSOLUTE.match(where):  # a template's frame: the path under the project
        where = relative(where, project_roots(frames))
    function = frame.get("function")
    if isinstance(where, str) and isinstance(function, str):
        return f"{where} in {function}"
    return where if isinstance(where, str) else ""


def tags(event: dict) -> list[tuple[str, str]]:
    """The event's own tags plus the ones Sentry derives (level, environment, release…), de-duplicated.

    ``user`` is the derived user only (Sentry's ``sentry:user``, from the ``user`` interface): an own
    ``user`` tag is dropped, as Relay drops it, so that it never counts as a user affected."""
    pairs = []
    raw = event.get("tags")
    if isinstance(raw, dict):
        pairs.extend(raw.items())
    elif isinstance(raw, list):
        pairs.extend(tuple(p) for p in raw if isinstance(p, (list, tuple)) and len(p) == 2)
    level = text(event.get("level"), LENGTH["level"]).lower()
    pairs.append(("level", level if level in LEVELS else Level.ERROR))
    for key in ("environment", "release", "server_name", "transaction", "logger"):
        pairs.append((key, event.get(key)))
    excs = exceptions(event)
    mechanism = excs[-1].get("mechanism") if excs else None
    if isinstance(mechanism, dict):
        pairs.append(("mechanism", mechanism.get("type")))
        if isinstance(mechanism.get("handled"), bool):
            pairs.append(("handled", "yes" if mechanism["handled"] else "no"))
    contexts = event.get("contexts") if isinstance(event.get("contexts"), dict) else {}
    for name in ("runtime", "browser", "os"):
        ctx = contexts.get(name)
        if isinstance(ctx, dict) and ctx.get("name"):
            pairs.append((name, " ".join(text(ctx.get(k), 60) for k in ("name", "version") if ctx.get(k))))
    request = event.get("request")
    if isinstance(request, dict) and isinstance(request.get("url"), str):
        pairs.append(("url", request["url"]))
    user = text(user_key(event), min(LENGTH["user"], TAG_VALUE))
    seen, result = {"user"}, [("user", user)] if user else []
    for key, value in pairs:
        key, value = text(key, TAG_KEY).strip(), text(value, TAG_VALUE)
        if key and value and key not in seen and len(result) < MAX_TAGS:
            seen.add(key)
            result.append((key, value))
    return result


def tag_value(pairs: list[tuple[str, str]], key: str) -> str:
    return next((value for k, value in pairs if k == key), "")
