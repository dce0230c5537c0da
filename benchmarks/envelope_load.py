"""Envelope load from its own process: ``python -m benchmarks.envelope_load --dsn DSN --events N``.

Builds ``--events`` request bodies first (untimed): the recorded envelopes of
``benchmarks/envelopes.jsonl.gz`` in turn, each with a fresh event id, timestamped now, item
lengths fixed, gzip-compressed as sentry-sdk sends them. Then ``--clients`` threads POST them to
the DSN's envelope endpoint (``X-Sentry-Auth`` as the SDKs send it), over raw sockets with the
requests prepared (the generator's own cost stays far below the server's), one connection per
request, each answer read by its ``Content-Length`` and the connection closed at once as HTTP
clients do (a sync worker waits for the client to close); after a 429, a client sends nothing
until its ``Retry-After`` has passed, as the SDKs do (sentry-python and @sentry/browser drop
what they capture meanwhile); until every body is sent or ``--seconds`` are up. ``--rate``: the
n-th body is sent n / rate seconds after the start (an open loop, as a site's users send). Prints
a JSON line: bodies sent, statuses, accepted (2xx), the wall-clock start and end
(``time.time()``), envelopes per second, its own CPU time per envelope sent.
"""

import argparse
import base64
import gzip
import json
import re
import socket
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime
from urllib.parse import urlsplit

from .record_envelopes import FIXTURES

CONTENT_LENGTH = re.compile(rb"(?im)^content-length:\s*(\d+)\s*$")


def fixtures() -> list[bytes]:
    with gzip.open(FIXTURES, "rt") as file:
        return [base64.b64decode(json.loads(line)["envelope"]) for line in file]


def renew(envelope: bytes) -> bytes:
    """``envelope`` with a new event id in its header and its event item, timestamped now."""
    event_id, now = uuid.uuid4().hex, datetime.now(UTC)
    lines = envelope.rstrip(b"\n").split(b"\n")
    header = json.loads(lines[0])
    header.update(event_id=event_id, sent_at=now.isoformat())
    out = [json.dumps(header).encode()]
    for item_header, payload in zip(lines[1::2], lines[2::2], strict=True):
        item = json.loads(item_header)
        if item.get("type") == "event":
            event = json.loads(payload)
            event.update(event_id=event_id, timestamp=now.timestamp())
            payload = json.dumps(event).encode()
        if "length" in item:
            item["length"] = len(payload)
        out += [json.dumps(item).encode(), payload]
    return b"\n".join(out) + b"\n"


def requests(dsn: str, count: int) -> list[bytes]:
    """``count`` complete HTTP requests (headers and gzip body) to the DSN's envelope endpoint."""
    parts = urlsplit(dsn)
    project = parts.path.rstrip("/").rsplit("/", 1)[-1]
    prefix = parts.path.rstrip("/").rsplit("/", 1)[0]
    path = f"{prefix}/api/{project}/envelope/"
    auth = f"Sentry sentry_key={parts.username}, sentry_version=7, sentry_client=sentry.python/2.76.0"
    envelopes = fixtures()
    result = []
    for n in range(count):
        body = gzip.compress(renew(envelopes[n % len(envelopes)]), 6)
        head = (f"POST {path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\nX-Sentry-Auth: {auth}\r\n"
                "Content-Type: application/x-sentry-envelope\r\nContent-Encoding: gzip\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
        result.append(head.encode() + body)
    return result


RETRY_AFTER = re.compile(rb"(?im)^retry-after:\s*(\d+)\s*$")


def send(address: tuple[str, int], request: bytes) -> tuple[str, int]:
    """One request on a new connection; its status (or the error's name) and ``Retry-After``."""
    try:
        with socket.create_connection(address, timeout=60) as sock:
            sock.sendall(request)
            answer = b""
            while b"\r\n\r\n" not in answer:
                chunk = sock.recv(65536)
                if not chunk:
                    return "closed", 0
                answer += chunk
            head, _, body = answer.partition(b"\r\n\r\n")
            length = CONTENT_LENGTH.search(head)
            # the body by its length, then closed at once, as HTTP clients do (else until the server closes)
            while (length is None or len(body) < int(length.group(1))) and (chunk := sock.recv(65536)):
                body += chunk
            retry = RETRY_AFTER.search(head)
            return head.split(b" ", 2)[1].decode(), int(retry.group(1)) if retry else 0
    except OSError as error:
        return type(error).__name__, 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rate", type=float, default=0, help="envelopes/s offered (0: each client sends at once)")
    args = parser.parse_args()
    parts = urlsplit(args.dsn)
    bodies = enumerate(requests(args.dsn, args.events))  # shared: next() on it is atomic under the GIL
    counters = [Counter() for _ in range(args.clients)]  # one per thread: += is not atomic
    started, cpu, start = time.time(), time.process_time(), time.monotonic()
    deadline = start + args.seconds

    def client(statuses: Counter) -> None:
        for n, request in bodies:
            if args.rate:  # the n-th body is due n / rate seconds after the start (an open loop)
                time.sleep(max(0.0, start + n / args.rate - time.monotonic()))
            if time.monotonic() > deadline:
                break
            status, retry = send((parts.hostname, parts.port), request)
            statuses[status] += 1
            if status == "429":  # as the SDKs do: nothing more until Retry-After has passed
                time.sleep(min(retry, max(0.0, deadline - time.monotonic())))

    threads = [threading.Thread(target=client, args=(counter,)) for counter in counters]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    finished, cpu = time.time(), time.process_time() - cpu
    statuses = sum(counters, Counter())
    sent = sum(statuses.values())
    print(json.dumps({"sent": sent, "statuses": dict(statuses),
                      "accepted": sum(n for status, n in statuses.items() if status.startswith("2")),
                      "started": started, "finished": finished, "per_s": sent / (finished - started),
                      "client_cpu_ms_per_envelope": cpu * 1000 / max(1, sent)}))


if __name__ == "__main__":
    main()
