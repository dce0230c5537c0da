"""A bounded HTTP load generator: ``python -m benchmarks.load --port P --seconds 10 --clients 8``.

Each client thread sends ``GET /fail/N/`` to 127.0.0.1 over http.client (keep-alive when the
server keeps the connection; gunicorn's sync workers close it) until the time is up or
``--max-requests`` were sent, and times each request, connection included. Prints a JSON line:
requests answered within the time, their statuses, requests/s, latency median / p99 (ms).
"""

import argparse
import http.client
import json
import threading
import time
from collections import Counter

from .common import summary


def client(port: int, deadline: float, numbers, latencies: list, statuses: Counter) -> None:
    connection = None
    for n in numbers:
        if time.perf_counter() >= deadline:
            break
        started = time.perf_counter()
        try:
            connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", f"/fail/{n}/")
            response = connection.getresponse()
            response.read()
            status = response.status
            if response.will_close:
                connection.close()
                connection = None
        except OSError as error:
            status = type(error).__name__
            connection = None
        finished = time.perf_counter()
        if finished <= deadline:
            latencies.append((finished - started) * 1000)
            statuses[status] += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--max-requests", type=int, default=200_000)
    args = parser.parse_args()
    numbers = iter(range(args.max_requests))  # shared: next() on a range iterator is atomic under the GIL
    latencies, statuses = [], Counter()
    started = time.perf_counter()
    deadline = started + args.seconds
    threads = [threading.Thread(target=client, args=(args.port, deadline, numbers, latencies, statuses))
               for _ in range(args.clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = min(time.perf_counter(), deadline) - started
    print(json.dumps({"requests": len(latencies), "statuses": {str(k): v for k, v in statuses.items()},
                      "requests_per_s": len(latencies) / elapsed, "latency_ms": summary(latencies or [0.0])}))


if __name__ == "__main__":
    main()
