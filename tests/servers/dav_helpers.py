"""Small helpers shared by the real-server tests: unique document names, two documents, races."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from pathlib import Path

import httpx

from sync import FileRemote, Remote, RemoteRead, Replica, sync
from sync.http_capabilities import PROBE_SUFFIX
from sync.remote import SideCopy

_counter = itertools.count()


def doc_name(label: str) -> str:
    """A document name no other test on the same (session-wide) server uses."""
    return f"{label}-{next(_counter)}-digikunta.json"


def two_documents(folder: Path) -> tuple[bytes, bytes]:
    """Two real versions of a shared document (the second has one more, larger record)."""
    folder.mkdir(parents=True, exist_ok=True)
    replica = Replica.open(folder / "writer.sqlite", name="Ville")
    try:
        remote = FileRemote(folder / "doc.json")
        replica.put("person", "p1", {"name": "Ville Kokeilija"})
        sync(replica, remote)
        first = (folder / "doc.json").read_bytes()
        replica.put("person", "p2", {"name": "Sanna Kokeilija", "job_title": "x" * 20_000})
        sync(replica, remote)
        return first, (folder / "doc.json").read_bytes()
    finally:
        replica.close()


class DocumentLog(httpx.BaseTransport):
    """An httpx transport recording (method, status) of the document's requests (not probes)."""

    def __init__(self, verify: object = True) -> None:
        self._inner = httpx.HTTPTransport(verify=verify)  # type: ignore[arg-type]
        self.log: list[tuple[str, int]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._inner.handle_request(request)
        if not request.url.path.endswith(PROBE_SUFFIX):
            self.log.append((request.method, response.status_code))
        return response

    def close(self) -> None:
        self._inner.close()


class WriteInBetween:
    """Wraps a remote: right after its first ``read``, ``meanwhile()`` runs once (a race)."""

    def __init__(self, inner: Remote, meanwhile: Callable[[], object]) -> None:
        self.inner = inner
        self.transport = inner.transport
        self.description = inner.description
        self._meanwhile: Callable[[], object] | None = meanwhile

    def read(self, known_tag: str | None) -> RemoteRead:
        result = self.inner.read(known_tag)
        if self._meanwhile is not None:
            meanwhile, self._meanwhile = self._meanwhile, None
            meanwhile()
        return result

    def write(
        self, data: bytes | Iterable[bytes], expected_tag: str | None, *, scrub: frozenset[str]
    ) -> str:
        return self.inner.write(data, expected_tag, scrub=scrub)

    def side_copies(self) -> list[SideCopy]:
        return self.inner.side_copies()

    def absorb(self, copies: list[SideCopy], scrub: frozenset[str]) -> None:
        self.inner.absorb(copies, scrub)


def race(a: Replica, remote_a: Remote, b: Replica, remote_b: Remote) -> None:
    """A and B both changed p1 (different fields); B's sync lands between A's read and write."""
    a.put("person", "p1", {"town": "Varkaus"})
    b.put("person", "p1", {"phone": "050 2"})
    report = sync(a, WriteInBetween(remote_a, lambda: sync(b, remote_b)))
    assert report.attempts > 1 and report.wrote
    sync(b, remote_b)
