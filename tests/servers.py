"""Real servers for the tests: gunicorn running ``tests.server_app``, and a TCP port that accepts
connections and never answers (a black-holed S3 endpoint). Loopback only, bounded in time."""

import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from .conftest import ROOT, free_port


class Gunicorn:
    def __init__(self, env: dict, log: Path, *args: str, app: str = "tests.server_app:application"):
        self.port = free_port()
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-b", f"127.0.0.1:{self.port}", *args, app],
            cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while not self._answers():
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.process.kill()
                raise AssertionError(f"gunicorn did not start:\n{log.read_text()}")
            time.sleep(0.1)

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                return True
        except OSError:
            return False

    def get(self, path: str) -> int:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def get_many(self, paths: list[str], clients: int = 8) -> list[int]:
        with ThreadPoolExecutor(clients) as pool:
            return list(pool.map(self.get, paths))

    def stop(self, timeout: float = 60) -> float:
        """SIGTERM the master (a graceful shutdown); return the seconds until it exited."""
        start = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError(f"gunicorn did not exit within {timeout} s:\n{self.log.read_text()}") from None
        return time.monotonic() - start


@contextmanager
def gunicorn(env: dict, log: Path, *args: str, app: str = "tests.server_app:application"):
    server = Gunicorn(env, log, *args, app=app)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            server.process.kill()
            server.process.wait(10)


class StallingProxy:
    """A TCP proxy to ``upstream`` (host, port) that, once :meth:`stall` is called, still accepts
    connections and reads requests but never answers: an S3 endpoint that stops answering."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.stalled = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(512)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def stall(self) -> None:
        self.stalled.set()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:  # closed
                return
            try:
                server = socket.create_connection(self.upstream, timeout=10)
            except OSError:
                client.close()
                continue
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if not self.stalled.is_set():
                    target.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.sock.close()


@contextmanager
def black_hole():
    """``http://127.0.0.1:PORT``: connections are accepted by the kernel and never answered."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(512)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
