"""The endpoints: ``envelope/`` (every current SDK), ``store/`` (older SDKs: a JSON event, maybe
base64 and zlib as Relay takes it) and ``security/`` (browsers' CSP reports). CSRF-exempt; no
session or cookie is read or set. Every refusal is a clear 4xx (or a 503 while the database cannot
give the keys), never a 500: see ``errors``. Next: ``auth``, ``body``, ``envelope``, ``keys``."""

import base64
import binascii
import uuid
import zlib

from django.core.exceptions import BadRequest, SuspiciousOperation
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .. import conf
from . import auth, cors
from . import envelope as envelopes
from .body import Body
from .errors import Refused, bad, failed, forbidden, too_large, unauthorized
from .handoff import check_room, hand_over
from .keys import keys

SECURITY_TYPES = frozenset({
    "application/json", "application/csp-report", "application/expect-ct-report",
    "application/expect-ct-report+json", "application/expect-staple-report",
})


def endpoint(read):
    """A view: ``read(request, project_id) -> (items, passed, envelope header)`` reads the body."""

    @csrf_exempt
    def view(request, project_id: int):
        origin = None
        try:
            project = keys.snapshot().projects.get(project_id)
            origin = cors.check(request, project)
            given = auth.given_key(request)
            if request.method == "OPTIONS" and origin is not None:
                return cors.preflight(origin)
            if request.method != "POST":
                raise Refused(405, "only POST is allowed", {"Allow": "POST, OPTIONS"})
            if given is not None:  # refused before the body is read: an unknown key, a full queue
                _key(given, project_id)
                check_room()
            items, passed, header = read(request, project_id)
            public_key = _one_key(given, auth.dsn_key(header, project_id))
            key, project = _key(public_key, project_id)
            hand_over(items, passed, key, project, request.META.get("REMOTE_ADDR"))
            response = JsonResponse(_answer(header, items))
        except Refused as refused:
            response = refused.response()
        except (BadRequest, SuspiciousOperation) as error:  # Django's own (e.g. too many query fields)
            response = bad(f"the request is malformed ({type(error).__name__})").response()
        except Exception:
            response = failed()
        return cors.decorate(response, origin)

    return view


def _one_key(given: str | None, from_dsn: str | None) -> str:
    if given and from_dsn and given != from_dsn:
        raise bad("public key header mismatch between envelope and request")
    if not (given or from_dsn):
        raise unauthorized("missing authorization information")
    return given or from_dsn


def _key(public_key: str, project_id: int):
    key, snapshot = keys.key(public_key)
    if key is None:
        raise unauthorized("unknown public key")
    if not key.active:
        raise forbidden("the public key is disabled")
    project = snapshot.projects.get(key.project_id)
    if key.project_id != project_id or project is None:
        raise forbidden(f"the public key is not one of project {project_id}'s")
    return key, project


def _answer(header: dict, items: list) -> dict:
    """``{"id": …}`` as Relay answers: the envelope's event id, when it has a valid one."""
    try:
        return {"id": uuid.UUID(str(header.get("event_id"))).hex} if items else {}
    except ValueError:
        return {}


def read_envelope(request, project_id: int):
    body = Body(request, conf.get("INGEST_MAX_COMPRESSED_SIZE"), conf.get("INGEST_MAX_ENVELOPE_SIZE"))
    parsed = envelopes.parse(body, conf.get("INGEST_MAX_EVENT_SIZE"))
    return parsed.items, parsed.passed, parsed.header


def read_store(request, project_id: int):
    if request.META.get("CONTENT_TYPE", "").startswith("application/x-sentry-envelope"):
        return read_envelope(request, project_id)
    most = conf.get("INGEST_MAX_EVENT_SIZE")
    data = Body(request, conf.get("INGEST_MAX_COMPRESSED_SIZE"), 2 * most).rest(2 * most, "the event")
    return [("event", _decoded_event(data.strip(), most))], [], {}


def _decoded_event(data: bytes, most: int) -> bytes:
    """The event of a store body: JSON, or base64 of JSON or of zlib-compressed JSON (Relay's)."""
    if not data:
        raise bad("empty request body")
    if data[:1] != b"{":
        try:
            data = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise bad("the body is neither JSON nor base64") from None
        if data[:1] != b"{":
            decoder = zlib.decompressobj()
            try:
                data = decoder.decompress(data, most + 1)
            except zlib.error:
                raise bad("the body is not valid zlib data") from None
    if len(data) > most:
        raise too_large(f"the event is over the limit of {most} bytes")
    return data


def read_security(request, project_id: int):
    kind = request.META.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    if kind not in SECURITY_TYPES:
        raise Refused(415, f"unsupported Content-Type {ascii(kind[:80])} for a security report")
    most = conf.get("INGEST_MAX_EVENT_SIZE")
    data = Body(request, conf.get("INGEST_MAX_COMPRESSED_SIZE"), most).rest(most, "the report").strip()
    if not data:
        raise bad("empty request body")
    return [("security", data)], [], {}


envelope = endpoint(read_envelope)
store = endpoint(read_store)
security = endpoint(read_security)
