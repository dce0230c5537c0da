"""Blob compression per event: zstd level 3 with and without a trained dictionary, in the same run.

``python -m benchmarks.compression --events 1000``: realistic events (events.py). The dictionary is
trained the writer's way (``processing.dictionaries.compress``, default settings) from the first
events of one sample; both then compress a second sample, captured with other values (another
seed): bytes as % of the raw JSON, and µs per event to compress and to decompress (medians of
``--runs`` interleaved passes), over all events and over those under 10 KB.
"""

import argparse
import statistics
import time

from . import common

SMALL = 10_000  # events under this many bytes are also measured on their own
LIMIT = 2**30  # the bytes a frame may hold, for the read timings


def timed(function, payloads: list[bytes]) -> float:
    """µs per payload of one pass."""
    started = time.perf_counter()
    for payload in payloads:
        function(payload)
    return (time.perf_counter() - started) * 1e6 / len(payloads)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--issues", type=int, default=40)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    common.setup("sqlite", "filesystem")
    try:
        from minisentry import conf
        from minisentry.processing import codec, dictionaries

        from .events import sample

        options = dictionaries.options()
        training = sample(options["samples"], issues=args.issues, seed=1)
        for payload in training:  # what the writer does with its first events
            dictionaries.compress(payload)
        assert dictionaries.trainer.current is not None, "no dictionary was trained"
        payloads = sample(args.events, issues=args.issues, seed=2)
        level = conf.get("COMPRESSION_LEVEL")
        plain = [codec.compress(p, level) for p in payloads]
        trained = [dictionaries.compress(p) for p in payloads]
        assert all(dictionaries.frame_dictionary(f) for f in trained)
        dictionary = dictionaries.trainer.current
        assert [dictionaries.decompress(f, dictionary, len(p)) for f, p in zip(trained, payloads)] == payloads
        small = [i for i, p in enumerate(payloads) if len(p) < SMALL]
        result = {"benchmark": "compression", "events": len(payloads),
                  "dictionary_bytes": len(dictionaries.trainer.current.as_bytes())}
        for name, chosen in (("all", range(len(payloads))), (f"under_{SMALL // 1000}kb", small)):
            raw = [payloads[i] for i in chosen]
            if not raw:
                continue
            frames = {"plain": [plain[i] for i in chosen], "dictionary": [trained[i] for i in chosen]}
            passes = {"plain": [], "dictionary": [], "plain_read": [], "dictionary_read": []}
            for _ in range(args.runs):
                passes["plain"].append(timed(lambda p: codec.compress(p, level), raw))
                passes["dictionary"].append(timed(dictionaries.compress, raw))
                passes["plain_read"].append(timed(lambda f: dictionaries.decompress(f, None, LIMIT), frames["plain"]))
                passes["dictionary_read"].append(
                    timed(lambda f: dictionaries.decompress(f, dictionary, LIMIT), frames["dictionary"]))
            us = {key: statistics.median(values) for key, values in passes.items()}
            size = sum(map(len, raw))
            result[name] = {
                "events": len(raw), "raw_bytes_per_event": size / len(raw),
                "percent_of_raw": {key: 100 * sum(map(len, f)) / size for key, f in frames.items()},
                "compress_us_per_event": {"plain": us["plain"], "dictionary": us["dictionary"],
                                          "ratio": us["dictionary"] / us["plain"]},
                "decompress_us_per_event": {"plain": us["plain_read"], "dictionary": us["dictionary_read"],
                                            "ratio": us["dictionary_read"] / us["plain_read"]},
            }
        common.emit(result)
    finally:
        common.teardown()


if __name__ == "__main__":
    main()
