"""The maximum document size, against the hostile loopback server (tests/http/hostile_server.py).

Bodies too large are refused with a message naming the URL, the limit and how to raise it; the
server's side shows the download really stopped early (it never got to send the rest).
"""

from __future__ import annotations

import gzip
import tracemalloc
from collections.abc import Iterator

import pytest
from background import GUARD
from hostile_server import ANNOUNCED, CHUNKED_CAP, HostileServer, gzip_bomb, run_hostile

from sync.errors import DocumentError, SyncError
from sync.http_remote import DEFAULT_MAX_DOCUMENT_BYTES, MB, HttpRemote

DOCUMENT = b'{"format": "digikunta", "records": []}\n' * 100
SMALL_LIMIT = 4 * MB


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with run_hostile(DOCUMENT) as running:
        yield running


def remote(server: HostileServer, name: str, **kwargs: object) -> HttpRemote:
    return HttpRemote(server.url(name), sleep=lambda _: None, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["ok.json", "ok-gzip.json"])
def test_the_control_document_is_read_plain_or_compressed(server: HostileServer, name: str) -> None:
    with remote(server, name, max_document_bytes=len(DOCUMENT)) as r:
        got = r.read(None)
    assert got.data == DOCUMENT and got.tag and got.tag.startswith('"')
    if name == "ok-gzip.json":
        seen = server.seen(name)
        assert seen.answered.wait(GUARD)  # the server counts what it sent after the client has it
        assert seen.sent == len(gzip.compress(DOCUMENT))  # it came compressed


def _assert_names_limit(error: BaseException, url: str, limit: str) -> None:
    message = str(error)
    assert url in message
    assert f"maximum document size of {limit}" in message
    assert "max_document_mb" in message and "nothing was changed" in message


def test_a_body_announced_larger_than_the_limit_is_refused_unread(server: HostileServer) -> None:
    with remote(server, "giant-announced.json") as r, pytest.raises(DocumentError) as caught:
        r.read(None)
    _assert_names_limit(caught.value, server.url("giant-announced.json"), "256 MB")
    assert f"is {ANNOUNCED // MB} MB (as the server announces)" in str(caught.value)
    seen = server.seen("giant-announced.json")
    assert seen.gone.wait(GUARD)  # the client hung up instead of waiting for 3 GiB
    assert seen.sent == 1
    assert seen.requests == 1  # a refused document is not retried


def test_a_chunked_body_without_a_length_stops_at_the_limit(server: HostileServer) -> None:
    with (
        remote(server, "giant-chunked.json", max_document_bytes=SMALL_LIMIT) as r,
        pytest.raises(DocumentError) as caught,
    ):
        r.read(None)
    _assert_names_limit(caught.value, server.url("giant-chunked.json"), "4 MB")
    assert "(decompressed)" in str(caught.value)
    seen = server.seen("giant-chunked.json")
    assert seen.gone.wait(GUARD)
    # what the server managed to send: the limit, plus what the loopback's buffers took in
    assert SMALL_LIMIT < seen.sent < SMALL_LIMIT + 64 * MB < CHUNKED_CAP


def test_a_gzip_bomb_stops_at_the_decompressed_limit_in_bounded_memory(
    server: HostileServer,
) -> None:
    gzip_bomb()  # made (and cached) before measuring
    with remote(server, "gzip-bomb.json", max_document_bytes=SMALL_LIMIT) as r:
        tracemalloc.start()
        try:
            with pytest.raises(DocumentError) as caught:
                r.read(None)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    _assert_names_limit(caught.value, server.url("gzip-bomb.json"), "4 MB")
    assert "(decompressed)" in str(caught.value)
    # The body kept (the limit) plus a few 64 KiB pieces; httpx's own decoder would have
    # inflated a whole 64 KiB chunk of this bomb at once, into some 64 MB.
    assert peak < SMALL_LIMIT + 2 * MB


def test_a_document_exactly_at_the_limit_is_accepted(server: HostileServer) -> None:
    for name in ("ok.json", "ok-gzip.json"):
        with remote(server, name, max_document_bytes=len(DOCUMENT)) as r:
            assert r.read(None).data == DOCUMENT
        with (
            remote(server, name, max_document_bytes=len(DOCUMENT) - 1) as r,
            pytest.raises(DocumentError),
        ):
            r.read(None)


def test_a_document_over_the_limit_is_not_uploaded(server: HostileServer) -> None:
    with remote(server, "ok.json", max_document_bytes=MB) as r:
        with pytest.raises(SyncError) as caught:
            r.write(b" " * (MB + 1), '"tag"', scrub=frozenset())
        assert server.all_methods() == []  # refused before anything was sent
        message = str(caught.value)
        assert "would be 1,048,577 bytes, more than the maximum document size of 1 MB" in message
        assert "was not written" in message and "max_document_mb" in message
        assert r.write(b" " * MB, '"tag"', scrub=frozenset()) == '"put"'  # at the limit: sent
    assert server.seen("ok.json").received == MB


def test_the_default_limit_is_256_mb() -> None:
    assert DEFAULT_MAX_DOCUMENT_BYTES == 256 * 1024 * 1024
