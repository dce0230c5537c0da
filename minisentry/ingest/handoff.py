"""Handing what a request brought to the writer: each event or security report, as the bytes it
came as, wrapped with what the request knew (project, time, address) for the writer to parse once;
every other item counted by type. Counts go to the durable counters ``ingest:<type>`` (items
accepted and not stored), ``ingest:rate_limited`` and ``ingest:queue_full`` (events refused
with 429), which ``minisentry.stats()``, ``minisentry_stats`` and the Storage page show."""

import time
from typing import NoReturn

from ..capture.writer import writer
from ..processing import received
from .errors import Refused, bad
from .keys import KeyInfo, ProjectInfo
from .limits import refusal, windows

# Seconds a client is asked to wait when the writer's queue is full: the SDKs drop what they capture
# meanwhile, and the writer stores the endpoint's full share in about a second.
QUEUE_RETRY = 1


def looks_like_json(payload: bytes, kind: str) -> bool:
    """A cheap look (the writer parses): truncated or foreign bodies are refused at once. An event
    is an object; a security report an object, or a list of them (the Reporting API's)."""
    payload = payload.strip()
    ends = payload[:1] + payload[-1:]
    return ends == b"{}" or kind == "security" and ends == b"[]"


def hand_over(items: list[tuple[str, bytes]], passed: list[str], key: KeyInfo, project: ProjectInfo,
              client_ip: str | None) -> None:
    """Queue the items; raises the 429 of a rate limit or a full queue (the items before it queued)."""
    for kind in passed:
        writer.count(f"ingest:{kind}")
    for kind, payload in items:
        if not looks_like_json(payload, kind):
            raise bad(f"the {kind} item is not a JSON object")
    for kind, payload in items:
        try:
            windows.take(key, project)
        except Refused:
            writer.count("ingest:rate_limited")
            raise
        meta = {"project": project.id, "received": time.time(), "client_ip": client_ip, "item": kind,
                "untrusted": True}
        if not writer.enqueue(received.wrap(payload, meta), source="ingest"):
            queue_full()


def check_room() -> None:
    """Raise the 429 of a full queue before the body is read, when the endpoint's share is full
    already: under a flood, a refusal then costs the server little of what the writer needs."""
    if not writer.has_room():
        queue_full()


def queue_full() -> NoReturn:
    """Count the refusal and raise its 429."""
    writer.count("ingest:queue_full")
    raise refusal(QUEUE_RETRY, "organization", "queue_full", "the server is busy; send it again later")
