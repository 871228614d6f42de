"""``sync.http_body.read_body``: bounded decoding of gzip/deflate bodies, chunk by chunk."""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterator

import pytest
from hostile_server import gzip_bomb

from sync.http_body import PIECE, BodyTooLarge, UndecodableBody, read_body

DATA = os.urandom(20_000) + bytes(300_000) + b"abc" * 5_000
LIMIT = 10 * 1024 * 1024


def nothing() -> None:
    """A check that never stops the read."""


def pieces(data: bytes, size: int) -> list[bytes]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def raw_deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush()


ENCODED = {
    "identity": (None, DATA),
    "gzip": ("gzip", gzip.compress(DATA)),
    "x-gzip": ("x-gzip", gzip.compress(DATA)),
    "deflate (zlib)": ("deflate", zlib.compress(DATA)),
    "deflate (raw)": ("deflate", raw_deflate(DATA)),
    "two gzip members": ("gzip", gzip.compress(DATA[:1000]) + gzip.compress(DATA[1000:])),
    "deflate then gzip": ("deflate, gzip", gzip.compress(zlib.compress(DATA))),
    "identity named": ("identity", DATA),
}


@pytest.mark.parametrize("size", [7, 1000, 65_536, 10**7])
@pytest.mark.parametrize("case", list(ENCODED))
def test_every_supported_encoding_decodes_whatever_the_chunking(case: str, size: int) -> None:
    encoding, body = ENCODED[case]
    assert read_body(pieces(body, size), encoding, LIMIT, nothing) == DATA


@pytest.mark.parametrize("case", ["deflate (zlib)", "deflate (raw)", "gzip"])
def test_a_first_chunk_of_one_byte_still_tells_zlib_from_raw_deflate(case: str) -> None:
    encoding, body = ENCODED[case]
    assert read_body([body[:1], body[1:2], body[2:]], encoding, LIMIT, nothing) == DATA


@pytest.mark.parametrize("case", ["identity", "gzip", "deflate (raw)", "deflate then gzip"])
def test_one_byte_over_the_limit_is_refused_soon_after_it(case: str) -> None:
    encoding, body = ENCODED[case]
    with pytest.raises(BodyTooLarge) as caught:
        read_body(pieces(body, 65_536), encoding, len(DATA) - 1, nothing)
    # decoding stopped within one piece (or one identity chunk) past the limit
    assert len(DATA) - 1 < caught.value.received <= len(DATA) - 1 + max(PIECE, 65_536)
    assert read_body(pieces(body, 65_536), encoding, len(DATA), nothing) == DATA


def test_a_bomb_is_inflated_no_further_than_the_limit_plus_a_piece() -> None:
    bomb = gzip_bomb(256 * 1024 * 1024)  # ~260 KB
    assert len(bomb) < 300_000
    consumed = []

    def chunks() -> Iterator[bytes]:
        for chunk in pieces(bomb, 65_536):
            consumed.append(len(chunk))
            yield chunk

    with pytest.raises(BodyTooLarge) as caught:
        read_body(chunks(), "gzip", 1024 * 1024, nothing)
    assert caught.value.received <= 1024 * 1024 + PIECE
    assert len(consumed) == 1  # one 64 KiB chunk inflates to ~64 MB: the first one sufficed


def test_truncate_keeps_the_start_instead_of_refusing() -> None:
    body = gzip.compress(DATA)
    assert read_body(pieces(body, 999), "gzip", 1000, nothing, truncate=True) == DATA[:1000]


@pytest.mark.parametrize("encoding", ["br", "zstd", "compress", "gzip, br"])
def test_encodings_that_cannot_be_bounded_here_are_refused(encoding: str) -> None:
    with pytest.raises(UndecodableBody, match="not supported"):
        read_body([b"\x00\x01\x02"], encoding, LIMIT, nothing)


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_corrupt_compressed_data_is_refused(encoding: str) -> None:
    with pytest.raises(UndecodableBody, match="corrupt"):
        read_body([b"this is not compressed at all, not even raw deflate \xff\xff"], encoding,
                  LIMIT, nothing)  # fmt: skip


def test_the_check_runs_between_chunks_and_stops_the_read() -> None:
    class Stop(Exception):
        pass

    calls = []
    pulled = []

    def check() -> None:
        calls.append(1)
        if len(pulled) == 3:
            raise Stop

    def chunks() -> Iterator[bytes]:
        for chunk in pieces(DATA, 1000):
            pulled.append(chunk)
            yield chunk

    with pytest.raises(Stop):
        read_body(chunks(), None, LIMIT, check)
    assert len(pulled) == 3  # no chunk was pulled after the check said stop
