"""A request body read as a stream, never as ``request.body`` (so ``DATA_UPLOAD_MAX_MEMORY_SIZE``
does not apply): at most ``limit`` bytes as sent, decoded by its ``Content-Encoding`` (gzip,
deflate, br, zstd), at most ``decoded_limit`` bytes once decoded. Every decoder yields a bounded
amount per read, so a decompression bomb stops at the limit having allocated about that much.
Past a limit: 413; a corrupt or truncated compressed body, or one that cannot be read: 400."""

import zlib

import brotli
import zstandard

from .errors import Refused, bad, too_large

CHUNK = 64 * 1024


class Raw:
    """The body's bytes as sent, counted against ``limit``."""

    def __init__(self, request, limit: int):
        self.request, self.limit, self.count = request, limit, 0
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise bad("the Content-Length header is not a number") from None
        if declared > limit:
            raise too_large(f"the body ({declared} bytes) is over the limit of {limit} bytes")

    def read(self, n: int = CHUNK) -> bytes:
        try:
            data = self.request.read(n)
        except OSError:  # the client went away (Django's UnreadablePostError is one)
            raise bad("the body could not be read") from None
        self.count += len(data)
        if self.count > self.limit:
            raise too_large(f"the body is over the limit of {self.limit} bytes")
        return data


class Identity:
    def __init__(self, raw: Raw):
        self.raw = raw

    def read(self, n: int) -> bytes:
        return self.raw.read(n)


class Zlib:
    """gzip, or deflate (zlib-wrapped as HTTP says, or raw as some clients send it)."""

    def __init__(self, raw: Raw, gzip: bool):
        self.raw, self.gzip, self.decoder = raw, gzip, None

    def read(self, n: int) -> bytes:
        try:
            while True:
                if self.decoder is None or not self.decoder.unconsumed_tail:
                    if self.decoder is not None and self.decoder.eof:
                        return b""
                    data = self.raw.read()
                    if self.decoder is None:
                        if not data:
                            return b""
                        self.decoder = zlib.decompressobj(31 if self.gzip else 15 if _zlib_header(data) else -15)
                    elif not data:  # what zlib still holds, else the stream ended early
                        if out := self.decoder.decompress(b"", n):
                            return out
                        raise bad("the compressed body is truncated")
                else:
                    data = self.decoder.unconsumed_tail
                if out := self.decoder.decompress(data, n):
                    return out
        except zlib.error:
            raise bad("the body is not valid gzip/deflate data") from None


def _zlib_header(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


class Brotli:
    def __init__(self, raw: Raw):
        self.raw, self.decoder = raw, brotli.Decompressor()

    def read(self, n: int) -> bytes:
        try:
            while not self.decoder.is_finished():
                data = self.raw.read() if self.decoder.can_accept_more_data() else b""
                out = self.decoder.process(data, output_buffer_limit=n)
                if out:
                    return out
                if not data and self.decoder.can_accept_more_data() and not self.decoder.is_finished():
                    raise bad("the compressed body is truncated")
        except brotli.error:
            raise bad("the body is not valid brotli data") from None
        return b""


class Zstd:
    def __init__(self, raw: Raw):
        self.reader = zstandard.ZstdDecompressor().stream_reader(raw, read_size=CHUNK, read_across_frames=True)

    def read(self, n: int) -> bytes:
        try:
            return self.reader.read(n)
        except zstandard.ZstdError:
            raise bad("the body is not valid zstd data") from None


DECODERS = {
    "": Identity, "identity": Identity, "gzip": lambda raw: Zlib(raw, True), "x-gzip": lambda raw: Zlib(raw, True),
    "deflate": lambda raw: Zlib(raw, False), "br": Brotli, "zstd": Zstd,
}


class Body:
    """The decoded body, read by lines and by lengths, at most ``decoded_limit`` bytes of it."""

    def __init__(self, request, limit: int, decoded_limit: int):
        encoding = request.META.get("HTTP_CONTENT_ENCODING", "").strip().lower()
        if encoding not in DECODERS:
            raise Refused(415, f"unsupported Content-Encoding {encoding[:40]!r} (gzip, deflate, br or zstd)")
        self.source = DECODERS[encoding](Raw(request, limit))
        self.limit, self.decoded = decoded_limit, 0
        self.buffer, self.eof = bytearray(), False

    def _fill(self) -> bool:
        """Read more into the buffer; False at the end of the body."""
        if self.eof:
            return False
        data = self.source.read(CHUNK)
        if not data:
            self.eof = True
            return False
        self.decoded += len(data)
        if self.decoded > self.limit:
            raise too_large(f"the body is over the limit of {self.limit} bytes once decompressed")
        self.buffer += data
        return True

    def at_end(self) -> bool:
        return not self.buffer and not self._fill()

    def line(self, most: int, what: str) -> bytes | None:
        """The next line without its newline (at most ``most`` bytes: else 413 naming ``what``);
        None at the end of the body."""
        start = 0
        while (end := self.buffer.find(b"\n", start)) < 0:
            if len(self.buffer) > most:
                raise too_large(f"{what} is over the limit of {most} bytes")
            start = len(self.buffer)
            if not self._fill():
                if not self.buffer:
                    return None
                end = len(self.buffer)
                break
        if end > most:
            raise too_large(f"{what} is over the limit of {most} bytes")
        data = bytes(self.buffer[:end])
        del self.buffer[:end + 1]
        return data

    def exactly(self, n: int) -> bytes:
        """The next ``n`` bytes; 400 if the body ends first."""
        while len(self.buffer) < n:
            if not self._fill():
                raise bad("the body ends inside an item (its length says more)")
        data = bytes(self.buffer[:n])
        del self.buffer[:n]
        return data

    def skip(self, n: int) -> None:
        """Pass the next ``n`` bytes without keeping them; 400 if the body ends first."""
        while n > len(self.buffer):
            n -= len(self.buffer)
            self.buffer.clear()
            if not self._fill():
                raise bad("the body ends inside an item (its length says more)")
        del self.buffer[:n]

    def skip_line(self) -> None:
        """Pass the rest of the line (an item without a length) without keeping it."""
        while (end := self.buffer.find(b"\n")) < 0:
            self.buffer.clear()
            if not self._fill():
                return
        del self.buffer[:end + 1]

    def rest(self, most: int, what: str) -> bytes:
        """All that is left (at most ``most`` bytes: else 413 naming ``what``)."""
        while self._fill():
            if len(self.buffer) > most:
                raise too_large(f"{what} is over the limit of {most} bytes")
        if len(self.buffer) > most:
            raise too_large(f"{what} is over the limit of {most} bytes")
        data = bytes(self.buffer)
        self.buffer.clear()
        return data
