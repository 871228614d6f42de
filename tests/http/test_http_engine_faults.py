"""Faults seen through the whole sync engine over HTTP (httpx.MockTransport).

For each fault: the right outcome and message, and neither the replica nor the server's
document changed (local edits stay pending).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from sync import Replica, sync
from sync.errors import AuthError, DocumentError, RemoteOffline, SyncError
from sync.http_remote import HttpRemote

URL = "https://dav.example.org/shared/digikunta.json"


class FakeServer:
    """A conditional-write store for one document, with an optional fault per method."""

    def __init__(self) -> None:
        self.body: bytes | None = None
        self.fault: dict[str, Callable[[httpx.Request], httpx.Response]] = {}
        self.requests: list[str] = []

    @property
    def etag(self) -> str | None:
        return None if self.body is None else '"' + hashlib.sha256(self.body).hexdigest() + '"'

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request.method)
        if request.method in self.fault:
            return self.fault[request.method](request)
        if request.method == "GET":
            if self.body is None:
                return httpx.Response(404)
            if request.headers.get("if-none-match") == self.etag:
                return httpx.Response(304, headers={"ETag": self.etag})
            headers = {"ETag": self.etag, "Content-Type": "application/json"}
            return httpx.Response(200, content=self.body, headers=headers)
        if request.method == "PUT":
            if_match = request.headers.get("if-match")
            if request.headers.get("if-none-match") == "*" and self.body is not None:
                return httpx.Response(412)
            if if_match is not None and if_match != self.etag:
                return httpx.Response(412)
            self.body = request.content
            return httpx.Response(201, headers={"ETag": self.etag})
        return httpx.Response(405)

    def remote(self) -> HttpRemote:
        return HttpRemote(
            URL,
            transport=httpx.MockTransport(self),
            sleep=lambda _s: None,
            probe_conditional_writes=False,  # this fake serves only the document
        )


def state(replica: Replica) -> tuple[Any, ...]:
    return (
        list(replica.records()),
        replica.pending(),
        replica.meta("remote_tag"),
        replica.meta("dataset"),
        [c.id for c in replica.conflicts()],
    )


@pytest.fixture
def setup(tmp_path: Path) -> tuple[FakeServer, Replica]:
    """A server holding a document both replicas synced, and a replica with a pending edit."""
    server = FakeServer()
    first = Replica.open(tmp_path / "first.sqlite", name="first")
    first.put("person", "p1", {"name": "Ville"})
    sync(first, server.remote())
    replica = Replica.open(tmp_path / "second.sqlite", name="second")
    sync(replica, server.remote())
    replica.put("person", "p1", {"name": "Ville Mäkelä"})
    first.close()
    return server, replica


def _raise(exc: Exception) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    return handler


HTML = httpx.Response(200, content=b"<html>Login</html>", headers={"Content-Type": "text/html"})


@pytest.mark.parametrize(
    ("method", "fault", "error", "words"),
    [
        ("GET", _raise(httpx.ReadTimeout("slow")), RemoteOffline, "could not be reached"),
        ("GET", _raise(httpx.ConnectError("refused")), RemoteOffline, "could not be reached"),
        ("GET", lambda r: httpx.Response(500), RemoteOffline, "could not be reached"),
        ("PUT", lambda r: httpx.Response(503), RemoteOffline, "could not be reached"),
        ("GET", lambda r: httpx.Response(401), AuthError, "dav.example.org"),
        ("PUT", lambda r: httpx.Response(403), AuthError, "dav.example.org"),
        ("PUT", lambda r: httpx.Response(412), SyncError, "kept changing"),
        ("GET", lambda r: HTML, DocumentError, "HTML"),
    ],
)
def test_fault_leaves_replica_and_server_unchanged(
    setup: tuple[FakeServer, Replica],
    method: str,
    fault: Callable[[httpx.Request], httpx.Response],
    error: type[Exception],
    words: str,
) -> None:
    server, replica = setup
    before_doc, before = server.body, state(replica)
    server.fault[method] = fault
    with pytest.raises(error) as caught:
        sync(replica, server.remote())
    assert words in str(caught.value)
    assert URL.split("/")[2] in str(caught.value)
    assert server.body == before_doc
    assert state(replica) == before
    assert replica.pending() == 1  # the local edit waits for the next sync
    server.fault.clear()
    sync(replica, server.remote())  # and goes through once the server is fine
    assert replica.pending() == 0
    assert b"Ville M\xc3\xa4kel\xc3\xa4" in (server.body or b"")


def test_a_412_storm_is_bounded(setup: tuple[FakeServer, Replica]) -> None:
    server, replica = setup
    server.fault["PUT"] = lambda r: httpx.Response(412)
    start = len(server.requests)
    with pytest.raises(SyncError, match="kept changing during 5 attempts"):
        sync(replica, server.remote())
    assert server.requests[start:].count("PUT") == 5


def test_a_truncated_document_is_rewritten_whole_after_a_warning(
    setup: tuple[FakeServer, Replica],
) -> None:
    """A stored document cut short (a torn in-place PUT) of this replica's data set is
    salvaged and written back whole, with the version check (tests/sync/test_truncated_*)."""
    server, replica = setup
    full = server.body or b""
    server.body = full[: len(full) // 2]
    start = len(server.requests)
    report = sync(replica, server.remote())
    assert "was truncated" in report.warnings[0] and URL in report.warnings[0]
    assert server.requests[start:].count("PUT") == 1
    assert b"Ville M\xc3\xa4kel\xc3\xa4" in (server.body or b"")
    assert replica.pending() == 0


def test_a_truncated_body_is_refused_by_a_replica_without_a_data_set(
    setup: tuple[FakeServer, Replica], tmp_path: Path
) -> None:
    server, _ = setup
    full = server.body or b""
    server.body = full[: len(full) // 2]
    cut = server.body
    fresh = Replica.open(tmp_path / "fresh.sqlite", name="fresh")
    before = state(fresh)
    start = len(server.requests)
    with pytest.raises(DocumentError, match="truncated") as caught:
        sync(fresh, server.remote())
    assert URL in str(caught.value)
    assert server.body == cut
    assert "PUT" not in server.requests[start:]
    assert state(fresh) == before
    fresh.close()
