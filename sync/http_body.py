"""Reading an HTTP body with a limit on its *decoded* size, decompressing it ourselves.

httpx decodes ``gzip``/``deflate`` (and ``br``/``zstd`` when those packages are installed) with
no bound on how much one received chunk may inflate to. Here the raw bytes are decompressed
with ``zlib``'s ``max_length``, in pieces of at most :data:`PIECE` bytes, and reading stops as
soon as the decoded total passes the limit. Memory therefore stays within the limit plus one
piece and one raw chunk, whatever the server sends: a 3 GiB body and a few-MB gzip bomb that
inflates to gigabytes end the same way, early. Encodings other than ``gzip``/``deflate`` are
refused rather than handed to a decoder that cannot be bounded.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterable, Iterator

__all__ = [
    "ACCEPT_ENCODING",
    "PIECE",
    "BodyTooLarge",
    "UndecodableBody",
    "read_body",
]

PIECE = 64 * 1024
"""The most one decompression step may produce (bytes)."""

ACCEPT_ENCODING = "gzip, deflate"
"""What to ask the server for: exactly the encodings :func:`read_body` decodes."""


class BodyTooLarge(Exception):
    """The decoded body passed the limit; ``received`` bytes had been decoded when it stopped."""

    def __init__(self, received: int) -> None:
        super().__init__(received)
        self.received = received


class UndecodableBody(Exception):
    """The body's ``Content-Encoding`` is not supported, or the compressed data is corrupt."""


def _zlib_header(first_two: bytes) -> bool:
    """True when the bytes start a zlib stream (RFC 1950), i.e. "deflate" sent as specified."""
    cmf, flg = first_two[0], first_two[1]
    return cmf & 0x0F == 8 and (cmf * 256 + flg) % 31 == 0


class _Inflater:
    """One ``gzip`` or ``deflate`` layer, producing output in bounded pieces."""

    def __init__(self, encoding: str) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._head = b""  # "deflate": the first bytes, until they show zlib or raw deflate
        self._done = False
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS) if self._gzip else None

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decompress ``data``, yielding pieces of at most :data:`PIECE` bytes."""
        if self._z is None:
            self._head += data
            if len(self._head) < 2:
                return
            # Some servers send raw deflate without the zlib wrapper; httpx accepts both.
            wbits = zlib.MAX_WBITS if _zlib_header(self._head) else -zlib.MAX_WBITS
            self._z = zlib.decompressobj(wbits)
            data, self._head = self._head, b""
        yield from self._inflate(self._z, data)

    def _inflate(self, z: zlib._Decompress, pending: bytes) -> Iterator[bytes]:
        while not self._done:
            try:
                out = z.decompress(pending, PIECE)
            except zlib.error:
                raise UndecodableBody("the compressed data is corrupt") from None
            if out:
                yield out
            if z.eof:
                pending = z.unused_data
                if not self._gzip:
                    self._done = True  # bytes after a deflate stream are ignored, as by httpx
                    return
                z = self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)  # a further gzip member
                if not pending:
                    return
                continue
            pending = z.unconsumed_tail
            if not pending and len(out) < PIECE:
                return  # all input used, and zlib holds no more output
            # else: input remains, or zlib may hold more output: go on with what is left


def _layers(content_encoding: str | None) -> list[_Inflater]:
    """The decoders for a ``Content-Encoding`` header, outermost (last applied) first."""
    if not content_encoding:
        return []
    names = [n.strip().lower() for n in content_encoding.split(",") if n.strip()]
    layers = []
    for name in reversed(names):
        if name == "identity":
            continue
        if name not in ("gzip", "x-gzip", "deflate"):
            raise UndecodableBody(f"it is compressed as {name!r}, which is not supported")
        layers.append(_Inflater(name))
    return layers


def _decode(layers: list[_Inflater], chunk: bytes) -> Iterator[bytes]:
    if not layers:
        yield chunk
        return
    first, rest = layers[0], layers[1:]
    for piece in first.feed(chunk):
        yield from _decode(rest, piece)


def read_body(
    raw_chunks: Iterable[bytes],
    content_encoding: str | None,
    limit: int,
    check: Callable[[], None],
    *,
    truncate: bool = False,
) -> bytes:
    """The decoded body, read chunk by chunk from ``raw_chunks`` (``Response.iter_raw()``).

    Args:
        raw_chunks: the body as received (still compressed).
        content_encoding: the response's ``Content-Encoding`` header, or None.
        limit: the most decoded bytes to accept.
        check: called between chunks and pieces; raises to stop reading (deadline, cancel).
        truncate: return the first ``limit`` bytes instead of raising (for error pages).

    Returns:
        The decoded bytes (at most ``limit``).

    Raises:
        BodyTooLarge: more than ``limit`` decoded bytes (unless ``truncate``).
        UndecodableBody: an unsupported encoding or corrupt compressed data.
    """
    layers = _layers(content_encoding)
    body = io.BytesIO()
    total = 0
    for chunk in raw_chunks:
        check()
        for piece in _decode(layers, chunk):
            total += len(piece)
            if total > limit:
                if truncate:
                    body.write(piece[: len(piece) - (total - limit)])
                    return body.getvalue()
                raise BodyTooLarge(total)
            body.write(piece)
            check()
    return body.getvalue()
