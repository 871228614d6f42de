"""What stock WsgiDAV stores after a torn PUT (``torn_put.py``): exactly what arrived.

WsgiDAV's filesystem provider writes in place (``FileResource.begin_write`` opens the target
with ``open(path, "wb")``), and its PUT handler stops at the end of the input without checking
the announced length. So a client that dies mid-upload leaves a truncated document and the
previous one is gone; WsgiDAV even counts the request as a success. The engine has to recover
from such a document (another part of the code); these tests pin down what it will find.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from torn_put import ObservedWebDav, run_observed_webdav, torn_put

from sync import FileRemote, Replica, sync
from sync.http_remote import HttpRemote

DOC = "digikunta.json"


@pytest.fixture
def dav(tmp_path: Path) -> Iterator[tuple[ObservedWebDav, Path]]:
    root = tmp_path / "dav"
    with run_observed_webdav(root) as server:
        yield server, root


def documents(tmp_path: Path) -> tuple[bytes, bytes]:
    """Two real versions of a shared document (the second has one more record)."""
    replica = Replica.open(tmp_path / "writer.sqlite", name="Ville")
    remote = FileRemote(tmp_path / "writer" / DOC)
    (tmp_path / "writer").mkdir()
    replica.put("person", "p1", {"name": "Ville Kokeilija"})
    sync(replica, remote)
    first = (tmp_path / "writer" / DOC).read_bytes()
    replica.put("person", "p2", {"name": "Sanna Kokeilija", "job_title": "x" * 2000})
    sync(replica, remote)
    second = (tmp_path / "writer" / DOC).read_bytes()
    replica.close()
    return first, second


def test_a_torn_put_over_a_document_leaves_the_truncated_new_body(
    dav: tuple[ObservedWebDav, Path], tmp_path: Path
) -> None:
    server, root = dav
    first, second = documents(tmp_path)
    url = server.url + DOC
    with HttpRemote(url) as remote:
        tag = remote.write(first, None, scrub=frozenset())
        assert (root / DOC).read_bytes() == first

        half = len(second) // 2
        torn_put(url, second, half, headers={"If-Match": tag})
        assert server.wait_for("PUT", 2)[-1] == "204 No Content"  # WsgiDAV: "success"

        stored = (root / DOC).read_bytes()
        assert stored == second[:half]  # exactly what arrived; the first version is gone
        got = remote.read(tag)  # what every replica's next sync finds
        assert not got.unchanged and got.data == second[:half] and got.tag != tag


def test_a_torn_put_with_no_body_at_all_leaves_an_empty_file(
    dav: tuple[ObservedWebDav, Path], tmp_path: Path
) -> None:
    server, root = dav
    first, second = documents(tmp_path)
    url = server.url + DOC
    with HttpRemote(url) as remote:
        tag = remote.write(first, None, scrub=frozenset())
        torn_put(url, second, 0, headers={"If-Match": tag})
        assert server.wait_for("PUT", 2)[-1] == "204 No Content"
        assert (root / DOC).read_bytes() == b""
        got = remote.read(None)
        assert got.data == b"" and not got.missing  # an empty document, not a missing one


def test_a_torn_put_creating_the_document_leaves_a_partial_file(
    dav: tuple[ObservedWebDav, Path], tmp_path: Path
) -> None:
    server, root = dav
    first, _ = documents(tmp_path)
    torn_put(server.url + DOC, first, 100, headers={"If-None-Match": "*"})
    assert server.wait_for("PUT", 1) == ["201 Created"]
    assert (root / DOC).read_bytes() == first[:100]
