"""Helpers of the multi-replica scenario tests: one factory of remotes per transport.

The same scenarios run against a shared file (``FileRemote``) and against a WebDAV server
(``HttpRemote`` on a strict WsgiDAV: content-hash ETags, one request at a time, so that the
server itself is an exact conditional-write store like Nextcloud or S3).

Imported by ``tests/scenarios/conftest.py`` and the scenario tests by its own (unique) name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from webdav_server import run_webdav

from sync import FileRemote, Remote, RemoteRead, Replica
from sync.remote import SideCopy

DOC_NAME = "digikunta.json"


class CountingTransport(httpx.BaseTransport):
    """An httpx transport that passes requests on and records (method, status) of each."""

    def __init__(self, inner: httpx.BaseTransport, log: list[tuple[str, int]]) -> None:
        self._inner = inner
        self.log = log

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        self.log.append((request.method, response.status_code))
        return response

    def close(self) -> None:
        self._inner.close()


@dataclass
class RemoteFactory:
    """Makes remotes of one transport that all point at the same shared document.

    Attributes:
        transport: ``"file"`` or ``"http"``.
        doc_path: where the shared document's bytes end up on disk (the shared folder, or the
            folder the WebDAV server serves).
        requests: (method, status) of every HTTP request made by the remotes (HTTP only).
    """

    transport: str
    doc_path: Path
    base_url: str | None = None
    requests: list[tuple[str, int]] = field(default_factory=list)
    _opened: list[Remote] = field(default_factory=list)

    def __call__(self) -> Remote:
        """A new remote for the shared document (one per replica, like separate laptops)."""
        if self.transport == "file":
            remote: Remote = FileRemote(self.doc_path, lock_timeout=10.0)
        else:
            from sync import HttpRemote

            assert self.base_url is not None
            remote = HttpRemote(
                self.base_url + DOC_NAME,
                transport=CountingTransport(httpx.HTTPTransport(), self.requests),
                sleep=lambda _: None,
            )
        self._opened.append(remote)
        return remote

    def close(self) -> None:
        for remote in self._opened:
            close = getattr(remote, "close", None)
            if close is not None:
                close()


@contextmanager
def remote_factory(transport: str, tmp_path: Path) -> Iterator[RemoteFactory]:
    """A :class:`RemoteFactory` for ``transport``; for HTTP a strict WsgiDAV runs meanwhile."""
    with ExitStack() as stack:
        if transport == "file":
            folder = tmp_path / "shared"
            folder.mkdir()
            factory = RemoteFactory("file", folder / DOC_NAME)
        elif transport == "http":
            root = tmp_path / "dav"
            base_url = stack.enter_context(run_webdav(root, strict=True))
            factory = RemoteFactory("http", root / DOC_NAME, base_url)
        else:
            raise ValueError(transport)
        stack.callback(factory.close)
        yield factory


class RacingRemote:
    """Wraps a remote: right after its first ``read`` returns, ``meanwhile()`` runs once.

    ``meanwhile`` typically syncs another replica, which writes the shared document between
    this remote's read and its write: the write must then fail the version check
    (``RemoteChanged``; HTTP 412) and the engine must read, merge and try again.
    """

    def __init__(self, inner: Remote, meanwhile: Callable[[], object]) -> None:
        self.inner = inner
        self.transport = inner.transport
        self.description = inner.description
        self._meanwhile: Callable[[], object] | None = meanwhile
        self.reads = 0
        self.writes = 0

    def read(self, known_tag: str | None) -> RemoteRead:
        result = self.inner.read(known_tag)
        self.reads += 1
        if self._meanwhile is not None:
            meanwhile, self._meanwhile = self._meanwhile, None
            meanwhile()
        return result

    def write(
        self, data: bytes | Iterable[bytes], expected_tag: str | None, *, scrub: frozenset[str]
    ) -> str:
        self.writes += 1
        return self.inner.write(data, expected_tag, scrub=scrub)

    def side_copies(self) -> list[SideCopy]:
        return self.inner.side_copies()

    def absorb(self, copies: list[SideCopy], scrub: frozenset[str]) -> None:
        self.inner.absorb(copies, scrub)


def open_replicas(tmp_path: Path, names: Iterable[str], stack: ExitStack) -> list[Replica]:
    """Open one replica per name (``tmp_path / "<name>.sqlite"``), closed with ``stack``."""
    replicas = []
    for name in names:
        replica = Replica.open(tmp_path / f"{name.lower()}.sqlite", name=name)
        stack.callback(replica.close)
        replicas.append(replica)
    return replicas
