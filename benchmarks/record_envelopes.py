"""Record real SDK envelopes for the ingest benchmark: ``python -m benchmarks.record_envelopes``.

A capturing server on loopback (it answers every request 200, CORS allowed) receives what two
real SDKs send when pointed at it with a DSN: sentry-sdk (Python, its own HTTP transport, gzip)
raising from the code sites of ``benchmarks/events.py`` with locals, breadcrumbs and a user; and
``@sentry/browser`` (``tests/js/busy_page.js``, bundled by esbuild, in headless Chromium). Every
envelope that holds an event is written, decompressed, to ``benchmarks/envelopes.jsonl.gz`` (one
JSON line each: the SDK's name and the envelope, base64); the benchmark sends them again with
fresh event ids and timestamps, gzip-compressed.
"""

import argparse
import base64
import gzip
import http.server
import json
import random
import tempfile
import threading
import zlib
from pathlib import Path

from .common import ROOT

FIXTURES = ROOT / "benchmarks" / "envelopes.jsonl.gz"


class Capture(http.server.BaseHTTPRequestHandler):
    """Keeps each POST's body, decompressed; answers 200 with CORS headers for any origin."""

    bodies: list[tuple[str, bytes]] = []

    def _cors(self) -> None:
        self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
        self.send_header("Access-Control-Allow-Headers", "*")
        self.send_header("Content-Length", "0")

    def do_OPTIONS(self) -> None:
        self.send_response(200)
        self._cors()
        self.end_headers()

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        self.bodies.append((self.headers.get("User-Agent", ""), body))
        self.send_response(200)
        self._cors()
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def python_sdk(dsn: str, events: int) -> None:
    """sentry-sdk with the DSN: ``events`` exceptions from the benchmark's code sites."""
    import sentry_sdk

    from . import events as sites

    rng = random.Random(7)
    sentry_sdk.init(dsn=dsn, include_local_variables=True, max_breadcrumbs=100, environment="production",
                    release="shop@2026.11.1", server_name="web-1",
                    _experiments={"transport_compression_algo": "gzip"})
    for n in range(events):
        scope = sentry_sdk.get_isolation_scope()
        scope.clear_breadcrumbs()
        for _ in range(rng.randrange(0, 40)):
            sentry_sdk.add_breadcrumb(category="query", level="info", message=(
                f"SELECT id, status FROM shop_{rng.choice(sites.WORDS)} WHERE id IN ({rng.randrange(10**6)}) "
                f"ORDER BY created_at DESC LIMIT {rng.randrange(1, 100)}"), data={"rows": rng.randrange(100)})
        scope.set_user({"id": str(rng.randrange(10**5)), "email": f"user{rng.randrange(10**5)}@example.com"})
        payload = {"items": [{"sku": f"SKU-{rng.randrange(10**6)}", "qty": rng.randrange(1, 9)} for _ in range(6)],
                   "state": rng.choice(sites.WORDS)}
        try:
            sites._raise(n % 10, 1 + n % 9, n, payload)
        except Exception:
            sentry_sdk.capture_exception()
        if n % 5 == 0:
            sentry_sdk.capture_message(f"payment provider slow: {900 + n} ms", level="warning")
    sentry_sdk.flush(30)
    sentry_sdk.init()


def browser_sdk(dsn: str) -> None:
    """``@sentry/browser`` in headless Chromium: tests/js/busy_page.js until its title says flushed."""
    from playwright.sync_api import sync_playwright

    from tests.conftest import ARGS, CHROMIUM
    from tests.jssdk import bundle, page_url, static_site

    with tempfile.TemporaryDirectory() as folder, static_site(bundle(Path(folder), "busy_page.js")) as origin, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(page_url(origin, dsn))
        page.wait_for_function("document.title === 'flushed'", timeout=60_000)
        browser.close()


def sdk_of(envelope: bytes) -> str | None:
    """The sending SDK's name when the envelope holds an event, else None."""
    lines = envelope.split(b"\n")
    for header, payload in zip(lines[1::2], lines[2::2], strict=False):
        if json.loads(header).get("type") == "event":
            return json.loads(payload)["sdk"]["name"]
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python-events", type=int, default=30)
    parser.add_argument("--output", default=str(FIXTURES))
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    dsn = f"http://{'0' * 32}@127.0.0.1:{server.server_port}/1"
    python_sdk(dsn, args.python_events)
    browser_sdk(dsn)
    server.shutdown()
    kept = [(sdk, body) for _, body in Capture.bodies if (sdk := sdk_of(body))]
    with gzip.open(args.output, "wt") as out:
        for sdk, body in kept:
            out.write(json.dumps({"sdk": sdk, "envelope": base64.b64encode(body).decode()}) + "\n")
    sizes = sorted(len(gzip.compress(body)) for _, body in kept)
    print(json.dumps({"envelopes": len(kept), "sdks": sorted({sdk for sdk, _ in kept}),
                      "gzip_bytes": {"min": sizes[0], "max": sizes[-1]},
                      "raw_bytes": {"min": min(len(b) for _, b in kept), "max": max(len(b) for _, b in kept)}}))


if __name__ == "__main__":
    main()
