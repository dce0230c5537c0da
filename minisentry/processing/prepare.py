"""Writer side of capture: turn a snapshot into an :class:`EventRecord` ready to store.

Everything read from the event is validated here; nothing downstream sees raw input except
the blob itself, which is the snapshot byte for byte, less what server-side scrubbing replaced
(then it is the scrubbed event, serialized again, legacy interface keys renamed to modern ones).
"""

import logging
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from ..grouping import Grouping
from ..grouping.cache import cached_grouping
from ..models import Level
from ..storage.blobkeys import blob_key
from . import codec, dictionaries, legacy, scrubbing
from .paths import ABSOLUTE, project_roots, relative
from .users import user_key

logger = logging.getLogger("minisentry")

MAX_TAGS = 50
EVENT_ID_RE = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
LEVELS = frozenset(Level.values)
# What a sampled-out event's index fields read (see prepare_counts): top-level values, the
# exceptions less their stack traces, and parts of two objects. Grouping may read the first three.
GROUPING_TEXT = frozenset({"exception", "logentry", "message"})
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
    payload: bytes = b""
    blob: bytes = b""
    sampled: bool = False  # counted without a row or a blob (an error storm, see capture.storm)

    @property
    def blob_key(self) -> str:
        return blob_key(self.event_id, self.timestamp)


def prepare(payload: bytes | dict, keep: Callable[[str], bool] | None = None) -> EventRecord:
    """Parse, validate, scrub, group and compress one snapshot (JSON bytes, or an event dict the
    writer serializes here). Raises ValueError if it is not an event.

    ``keep`` (the storm sampler, see ``capture.storm``) is asked first with the event's primary
    hash; an event it does not keep is only counted (:func:`prepare_counts`). An event dict the
    sampler drops is neither serialized nor parsed: nothing of it is stored. A dict kept is
    serialized once and read as it is when it is plain JSON (what the SDK hands over always is:
    see ``scrubbing.survey``); otherwise it is parsed back, so that grouping, scrubbing and the
    index read exactly what is stored."""
    event = grouping = quiet = None
    if isinstance(payload, dict):
        given = payload
        if keep is not None:
            grouping = cached_grouping(event := legacy.modernize(given))
            if not keep(grouping.hashes[0]):
                return prepare_counts(event, grouping, given)
            keep = None  # kept
        payload, written = codec.snapshot(given)
        if written:
            event = legacy.modernize(given) if event is None else event
            quiet = scrubbing.survey(given, event, payload)
        if quiet is None:  # not plain JSON: what is stored is read back
            event = grouping = None
    if event is None:
        event = codec.loads(payload)
        if not isinstance(event, dict):
            raise ValueError(f"an event must be a JSON object, not {type(event).__name__}")
        event = legacy.modernize(event)  # older SDKs' keys: scrubbed, titled and grouped like modern events
    if keep is not None:
        grouping = cached_grouping(event)
        if not keep(grouping.hashes[0]):
            return prepare_counts(event, grouping, payload)
    if not quiet and scrubbing.scrub(event, payload):
        payload = codec.dumps(event)  # only then: the common path stores the snapshot as it came
        grouping = None  # scrubbing may have replaced text that grouping reads
    record = index_fields(event, grouping or cached_grouping(event))
    record.payload, record.blob = payload, dictionaries.compress(payload)
    return record


def index_fields(event: dict, grouping: Grouping) -> EventRecord:
    """The record of a scrubbed event, without its payload and blob."""
    level = text(event.get("level"), 16).lower()
    event_tags = tags(event)
    return EventRecord(
        event_id=event_id(event.get("event_id")),
        timestamp=timestamp(event.get("timestamp")),
        level=level if level in LEVELS else Level.ERROR,
        platform=text(event.get("platform"), 32),
        environment=text(event.get("environment"), 64),
        release=text(event.get("release"), 200),
        server_name=text(event.get("server_name"), 128),
        transaction=text(event.get("transaction"), 200),
        title=title(event),
        culprit=culprit(event),
        message=text(message(event), 1000),
        hashes=grouping.hashes,
        grouped_by=text(grouping.description, 255),
        tags=event_tags,
        user=tag_value(event_tags, "user"),
    )


def prepare_counts(event: dict, grouping: Grouping, payload: bytes | dict) -> EventRecord:
    """A sampled-out event's record: its index fields, no blob, ``sampled`` set.

    Only what the index reads is scrubbed: a view of the event without stack frames, request
    bodies and headers, breadcrumbs or extra (the rest is never stored). Grouping, done on the
    event as it came, is done again on the view when scrubbing replaced text it may read (the
    exception values and the message; with a fingerprint, anything its variables may name).
    ``payload`` is kept only to spool the event should storing fail."""
    excs = exceptions(event)
    lite = [{key: value for key, value in exc.items() if key != "stacktrace"} for exc in excs]
    view = {key: event[key] for key in INDEXED if key in event}
    if lite:
        view["exception"] = {"values": lite}
    for name, keys in INDEXED_PARTS.items():
        if isinstance(event.get(name), dict):
            view[name] = {key: event[name][key] for key in keys if key in event[name]}
    regroup = False
    if scrubbing.scrub(view):  # its notes in view["_meta"] say under which keys it replaced text
        regroup = "fingerprint" in event or not GROUPING_TEXT.isdisjoint(view["_meta"])
    for exc, original in zip(lite, excs):
        if "stacktrace" in original:
            exc["stacktrace"] = original["stacktrace"]
    view = {**event, **view}
    record = index_fields(view, cached_grouping(view) if regroup else grouping)
    record.payload, record.sampled = payload, True
    return record


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
    if isinstance(value, str) and EVENT_ID_RE.fullmatch(value):
        return value.replace("-", "").lower()
    if value is not None:
        logger.warning("minisentry: event id %r is not a UUID; storing under a new id", text(value, 80))
    return uuid.uuid4().hex


def timestamp(value) -> datetime:
    """The event's time (ISO 8601 or epoch seconds) in UTC; now when absent or unreadable."""
    try:
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value)
            return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=value)
    except (ValueError, OverflowError):
        pass
    return datetime.now(UTC)


def exceptions(event: dict) -> list[dict]:
    container = event.get("exception")
    values = container.get("values") if isinstance(container, dict) else container
    return [e for e in values if isinstance(e, dict)] if isinstance(values, list) else []


def message(event: dict) -> str:
    logentry = event.get("logentry")
    if isinstance(logentry, dict):
        formatted = logentry.get("formatted") or logentry.get("message")
        if isinstance(formatted, str) and formatted:
            return formatted
    msg = event.get("message")
    if isinstance(msg, dict):  # the older interface spelling
        msg = msg.get("formatted") or msg.get("message")
    if isinstance(msg, str) and msg:
        return msg
    excs = exceptions(event)
    return text(excs[-1].get("value"), 1000) if excs else ""


def title(event: dict) -> str:
    """What Sentry shows as the issue's title: ``Type: value`` of the raised exception, else the message."""
    excs = exceptions(event)
    if excs:
        exc = excs[-1]
        kind, value = text(exc.get("type"), 128), text(exc.get("value"), 255)
        first_line = value.strip().splitlines()[0] if value.strip() else ""
        result = f"{kind}: {first_line}" if kind and first_line else kind or first_line
    else:
        msg = message(event).strip()
        result = msg.splitlines()[0] if msg else ""
    return text(result or "<unlabeled event>", 255)


def culprit(event: dict) -> str:
    """Where it happened: the SDK's culprit, else the last in-app frame, else transaction or logger."""
    for candidate in (event.get("culprit"), _frame_culprit(event), event.get("transaction"), event.get("logger")):
        if isinstance(candidate, str) and candidate:
            return text(candidate, 255)
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
    """The event's own tags plus the ones Sentry derives (level, environment, release…), de-duplicated."""
    pairs = [("user", user_key(event))]  # the derived user, as Sentry's sentry:user, before any own tag
    raw = event.get("tags")
    if isinstance(raw, dict):
        pairs.extend(raw.items())
    elif isinstance(raw, list):
        pairs.extend(tuple(p) for p in raw if isinstance(p, (list, tuple)) and len(p) == 2)
    level = text(event.get("level"), 16).lower()
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
    seen, result = set(), []
    for key, value in pairs:
        key, value = text(key, 32).strip(), text(value, 200)
        if key and value and key not in seen and len(result) < MAX_TAGS:
            seen.add(key)
            result.append((key, value))
    return result


def tag_value(pairs: list[tuple[str, str]], key: str) -> str:
    return next((value for k, value in pairs if k == key), "")
