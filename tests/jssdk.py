"""The real ``@sentry/browser`` in the tests: ``tests/js/`` holds its npm package (package-lock.json
pins it and esbuild; ``scripts/test`` runs ``npm ci`` there), :func:`bundle` builds
``tests/js/page.js`` into a page, :func:`static_site` serves it from its own 127.0.0.1 port (an
origin other than the endpoint's), and :class:`Network` records what Chromium's network stack did,
CORS preflights included (Playwright's own request events leave preflights out)."""

import functools
import http.server
import os
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest

from .conftest import ROOT

JS = ROOT / "tests" / "js"
ESBUILD = JS / "node_modules" / ".bin" / "esbuild"
PAGE = '<!doctype html><html lang="en"><title>checkout</title><script defer src="bundle.js"></script></html>\n'


def bundle(directory: Path, entry: str = "page.js") -> Path:
    """``directory`` with ``index.html`` and ``bundle.js`` (``entry`` and the SDK, bundled by esbuild)."""
    if not ESBUILD.exists():
        message = "tests/js/node_modules is missing: run `npm ci` in tests/js (scripts/test does)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    subprocess.run([str(ESBUILD), entry, "--bundle", "--format=iife", "--log-level=warning",
                    f"--outfile={directory / 'bundle.js'}"], cwd=JS, check=True, timeout=120)
    (directory / "index.html").write_text(PAGE)
    return directory


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextmanager
def static_site(directory: Path):
    """``directory`` served on a port of its own: yields the site's origin, ``http://127.0.0.1:PORT``."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def page_url(origin: str, dsn: str, header: bool = False) -> str:
    """The page at ``origin`` reporting to ``dsn``; ``header``: with a header of the site's own."""
    return f"{origin}/?dsn={quote(dsn, safe='')}" + ("&header=1" if header else "")


class Network:
    """The requests a page sent to ``prefix`` (URLs starting with it), as Chromium's DevTools
    protocol reports them: ``calls`` maps each request id to its type (``Preflight`` or ``Fetch``),
    method, status and, when it failed, the reason (CORS errors included)."""

    def __init__(self, page, prefix: str):
        self.prefix, self.calls, self.last_sent = prefix, {}, time.monotonic()
        session = page.context.new_cdp_session(page)
        session.on("Network.requestWillBeSent", self._sent)
        session.on("Network.responseReceived", self._answered)
        session.on("Network.loadingFailed", self._failed)
        session.on("Network.loadingFinished", self._finished)
        session.send("Network.enable")

    def _sent(self, event: dict) -> None:
        if event["request"]["url"].startswith(self.prefix):
            self.calls[event["requestId"]] = {"method": event["request"]["method"], "type": event.get("type")}
            self.last_sent = time.monotonic()

    def _answered(self, event: dict) -> None:
        if event["response"]["url"].startswith(self.prefix):
            call = self.calls.setdefault(event["requestId"], {})
            call.update(type=event["type"], status=event["response"]["status"],
                        headers={k.lower(): v for k, v in event["response"]["headers"].items()})

    def _failed(self, event: dict) -> None:
        if event["requestId"] in self.calls:
            self.calls[event["requestId"]]["failed"] = event.get("corsErrorStatus", {}).get("corsError") or \
                event.get("errorText")

    def _finished(self, event: dict) -> None:
        if event["requestId"] in self.calls:
            self.calls[event["requestId"]]["finished"] = True

    def settled(self, quiet: float = 0.3) -> bool:
        """Whether every request has ended (loaded or failed: DevTools reports a failure after the
        page has moved on) and none was sent for ``quiet`` seconds (the SDK may send one more
        after its flush resolved)."""
        return time.monotonic() - self.last_sent >= quiet and all(
            "failed" in call or "finished" in call for call in self.calls.values())

    def of_type(self, kind: str) -> list[dict]:
        return [call for call in self.calls.values() if call.get("type") == kind]
