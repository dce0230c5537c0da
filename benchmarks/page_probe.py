"""Where a page's time goes in the server: a gunicorn config file (``ingest_vs_bugsink.page_parts``
reads its log).

``gunicorn -c benchmarks/page_probe.py`` with ``PAGE_PROBE_PATH`` (the page's path) and
``PAGE_PROBE_LOG`` (a file) in the environment: each worker appends a line per GET of the page,
with when gunicorn had parsed it (``time.time()``) and, in milliseconds, the handling's wall time,
its thread's CPU time, the time the thread waited for a core (Linux's schedstat run delay), and
the full (generation 2) garbage collections it ran meanwhile; and a line per full collection of
any thread. Wall time left after the CPU and the wait for a core is time the thread slept: the
page does no I/O but its answer, so that is waiting for the GIL. Only the standard library: it
runs in Bugsink's gunicorn too.
"""

import gc
import os
import threading
import time

_local = threading.local()


def configure(env: dict, page_path: str, log) -> list[str]:
    """gunicorn's arguments for this probe, ``env`` (the server's environment) told the page and log."""
    env.update(PAGE_PROBE_PATH=page_path, PAGE_PROBE_LOG=str(log))
    return ["-c", __file__]


def _run_delay_ns() -> int:
    try:
        with open("/proc/thread-self/schedstat") as file:
            return int(file.read().split()[1])
    except OSError:  # not Linux
        return 0


def _log(line: str) -> None:
    with open(os.environ["PAGE_PROBE_LOG"], "a") as file:
        file.write(line + "\n")


def _page(req) -> bool:
    return req.method == "GET" and req.path == os.environ.get("PAGE_PROBE_PATH")


def post_worker_init(worker) -> None:
    def collected(phase, info):
        if info["generation"] != 2:
            return
        if phase == "start":
            _local.gc_started = time.perf_counter()
            return
        ms = (time.perf_counter() - _local.gc_started) * 1000
        _local.gc_ms = getattr(_local, "gc_ms", 0.0) + ms
        _log(f"gc {time.time():.6f} {ms:.3f} {threading.current_thread().name}")

    gc.callbacks.append(collected)


def pre_request(worker, req) -> None:
    if _page(req):
        _local.gc_ms = 0.0
        _local.page = (time.time(), time.perf_counter(), time.thread_time(), _run_delay_ns())


def post_request(worker, req, environ, resp) -> None:
    page = getattr(_local, "page", None)
    if page and _page(req):
        _local.page = None
        at, wall, cpu, delay = page
        _log(f"page {at:.6f} {(time.perf_counter() - wall) * 1000:.3f} {(time.thread_time() - cpu) * 1000:.3f} "
             f"{(_run_delay_ns() - delay) / 1e6:.3f} {_local.gc_ms:.3f}")
