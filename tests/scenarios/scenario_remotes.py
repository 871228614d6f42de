"""Helpers of the multi-replica scenario tests: one factory of remotes per transport.

The same scenarios run against a shared file (``FileRemote``), a WebDAV server (``HttpRemote``
on a strict WsgiDAV: content-hash ETags, one request at a time, an exact conditional-write
store), and the real servers of ``tests/servers``: Apache ``mod_dav_fs`` over TLS with a
private CA and basic auth (``FileETag Digest``, as docs/http-remote.md recommends), and S3
(moto's server, requests signed with SigV4). The real servers are started once per session;
every test gets a document of its own name on them.

Imported by ``tests/scenarios/conftest.py`` and the scenario tests by its own (unique) name.
"""

from __future__ import annotations

import itertools
import ssl
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from webdav_server import run_webdav

from sync import FileRemote, Remote, RemoteRead, Replica
from sync.http_capabilities import PROBE_SUFFIX
from sync.remote import SideCopy

DOC_NAME = "digikunta.json"


REAL_SERVERS = ("apache", "s3")
"""Transports served by a real server of ``tests/servers`` (fixtures ``apache_dav_digest``...)."""
_names = itertools.count()


class CountingTransport(httpx.BaseTransport):
    """Passes requests on; records (method, status) of each request for the document.

    The HTTP remote's If-Match probe (``NAME.digikunta-probe``) goes to ``probes`` instead, so
    that ``log`` says what happened to the document itself.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        log: list[tuple[str, int]],
        probes: list[tuple[str, int]],
    ) -> None:
        self._inner = inner
        self.log = log
        self.probes = probes

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        probe = request.url.path.endswith(PROBE_SUFFIX)
        (self.probes if probe else self.log).append((request.method, response.status_code))
        return response

    def close(self) -> None:
        self._inner.close()


@dataclass
class RemoteFactory:
    """Makes remotes of one transport that all point at the same shared document.

    Attributes:
        transport: ``"file"``, ``"http"`` (WsgiDAV), ``"apache"`` or ``"s3"``.
        report_transport: what ``SyncReport.transport`` says (``"file"`` or ``"http"``).
        doc_path: where the shared document's bytes end up on disk (the shared folder, or the
            folder the WebDAV server serves); None for S3 (see ``stored``).
        requests: (method, status) of every HTTP request for the document (HTTP only).
        probes: (method, status) of the If-Match probe's requests.
    """

    transport: str
    doc_path: Path | None
    url: str | None = None
    auth: httpx.Auth | None = None
    verify: ssl.SSLContext | bool = True
    requests: list[tuple[str, int]] = field(default_factory=list)
    probes: list[tuple[str, int]] = field(default_factory=list)
    _opened: list[Remote] = field(default_factory=list)

    @property
    def report_transport(self) -> str:
        return "file" if self.transport == "file" else "http"

    def __call__(self) -> Remote:
        """A new remote for the shared document (one per replica, like separate laptops)."""
        if self.transport == "file":
            assert self.doc_path is not None
            remote: Remote = FileRemote(self.doc_path, lock_timeout=10.0)
        else:
            from sync import HttpRemote

            assert self.url is not None
            remote = HttpRemote(
                self.url,
                auth=self.auth,
                transport=CountingTransport(
                    httpx.HTTPTransport(verify=self.verify), self.requests, self.probes
                ),
                sleep=lambda _: None,
            )
        self._opened.append(remote)
        return remote

    def stored(self) -> bytes:
        """The shared document's bytes as stored now (from the disk, or a GET for S3)."""
        if self.doc_path is not None:
            return self.doc_path.read_bytes()
        assert self.url is not None
        answer = httpx.get(self.url, auth=self.auth, verify=self.verify)
        answer.raise_for_status()
        return answer.content

    def version(self) -> str:
        """Changes whenever the stored document is rewritten (mtime, or S3's ETag)."""
        if self.doc_path is not None:
            return str(self.doc_path.stat().st_mtime_ns)
        assert self.url is not None
        return httpx.head(self.url, auth=self.auth, verify=self.verify).headers["etag"]

    def close(self) -> None:
        for remote in self._opened:
            close = getattr(remote, "close", None)
            if close is not None:
                close()


@contextmanager
def remote_factory(
    transport: str, tmp_path: Path, server: object | None = None
) -> Iterator[RemoteFactory]:
    """A :class:`RemoteFactory` for ``transport``.

    For ``"http"`` a strict WsgiDAV runs meanwhile; for ``"apache"`` and ``"s3"`` ``server``
    is the running server (an ``ApacheDav`` / ``MotoS3`` of ``tests/servers``), on which the
    document gets a name of its own.
    """
    with ExitStack() as stack:
        if transport == "file":
            folder = tmp_path / "shared"
            folder.mkdir()
            factory = RemoteFactory("file", folder / DOC_NAME)
        elif transport == "http":
            root = tmp_path / "dav"
            base_url = stack.enter_context(run_webdav(root, strict=True))
            factory = RemoteFactory("http", root / DOC_NAME, base_url + DOC_NAME)
        elif transport == "apache":
            name = f"scenario-{next(_names)}-{DOC_NAME}"
            factory = RemoteFactory(
                "apache",
                server.root / name,  # type: ignore[attr-defined]
                server.base_url + name,  # type: ignore[attr-defined]
                httpx.BasicAuth(server.username, server.password),  # type: ignore[attr-defined]
                ssl.create_default_context(cafile=str(server.ca.ca_bundle)),  # type: ignore[attr-defined]
            )
        elif transport == "s3":
            name = f"scenario-{next(_names)}-{DOC_NAME}"
            url = server.base_url + name  # type: ignore[attr-defined]
            factory = RemoteFactory("s3", None, url, server.auth())  # type: ignore[attr-defined]
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
