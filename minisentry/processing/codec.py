"""Event bytes: JSON snapshots of events (taken by the hook or the writer), zstd frames in the blob store."""

import json
import threading

import orjson
import zstandard

_JSON_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY
_local = threading.local()


def dumps(event) -> bytes:
    """Serialize an event once; never raises for odd values (repr'd) or lone surrogates (escaped)."""
    return snapshot(event)[0]


def snapshot(event) -> tuple[bytes, bool]:
    """``dumps(event)``, and whether orjson wrote it (UTF-8 JSON that orjson reads back)."""
    try:
        return orjson.dumps(event, default=_fallback, option=_JSON_OPTIONS), True
    except (TypeError, orjson.JSONEncodeError):
        # Lone surrogates, cycles, huge ints: the stdlib escapes what orjson refuses.
        return json.dumps(_jsonable(event), default=_fallback, ensure_ascii=True).encode(), False


def indented(value) -> bytes:
    """``value`` as JSON indented by two spaces a level (each list item and object member on a line of
    its own); never raises, as :func:`dumps`."""
    try:
        return orjson.dumps(value, default=_fallback, option=_JSON_OPTIONS | orjson.OPT_INDENT_2)
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(_jsonable(value), default=_fallback, ensure_ascii=True, indent=2).encode()


def as_bytes(payload: bytes | dict) -> bytes:
    """A queued snapshot as JSON bytes: bytes as they are, an event dict handed over serialized."""
    return payload if isinstance(payload, bytes) else dumps(payload)


def loads(data: bytes):
    """Parsed JSON; a ValueError for bytes that are not (nested too deeply included)."""
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError:
        try:
            return json.loads(data)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def _fallback(value) -> str:
    try:
        return repr(value)
    except Exception:
        return f"<unrepresentable {type(value).__name__}>"


def _jsonable(value, seen=frozenset(), depth=0):
    """A copy the stdlib can encode: cycles and depth beyond 100 become strings."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if depth > 100 or id(value) in seen:
        return "<recursion>"
    seen = seen | {id(value)}
    if isinstance(value, dict):
        return {
            k if isinstance(k, str) else _fallback(k): _jsonable(v, seen, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, seen, depth + 1) for v in value]
    return _fallback(value)


def compress(data: bytes, level: int) -> bytes:
    """One zstd frame carrying its content's checksum (a damaged frame fails to decode, never
    decodes as other JSON)."""
    compressors = _local.__dict__.setdefault("compressors", {})
    if level not in compressors:
        compressors[level] = zstandard.ZstdCompressor(level=level, write_checksum=True)
    return compressors[level].compress(data)
