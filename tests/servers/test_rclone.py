"""``rclone serve webdav`` (rclone v1.60): the HTTP remote refuses to write there, and why.

Found (docs/http-remote.md): rclone answers ``201`` to every ``PUT``, whatever its ``If-Match``
or ``If-None-Match: *`` says, so a stale write silently replaces someone else's; it writes in
place (a client killed mid-PUT leaves the first half of the new document); its ETag is
modification time and size in hex, and a conditional ``GET`` gets ``304``. The remote's
If-Match probe finds this out before its first write and refuses to write.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from servers.dav_helpers import DocumentLog, doc_name, two_documents
from servers.processes import wait_until
from servers.rclone import RcloneDav
from servers.torn_client import killed_mid_put
from sync import HttpRemote, Replica, sync
from sync.errors import SyncError
from sync.http_capabilities import PROBE_SUFFIX


def _remote(server: RcloneDav, name: str, **kwargs: object) -> HttpRemote:
    auth = httpx.BasicAuth(server.username, server.password)
    return HttpRemote(server.base_url + name, auth=auth, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def replica(tmp_path: Path) -> Iterator[Replica]:
    rep = Replica.open(tmp_path / "a.sqlite", name="A")
    yield rep
    rep.close()


def test_rclone_ignores_if_match_and_if_none_match_on_put(
    rclone_dav: RcloneDav, tmp_path: Path
) -> None:
    """The finding the refusal rests on: a stale or impossible condition is still written."""
    first, second = two_documents(tmp_path / "docs")
    url = rclone_dav.base_url + doc_name("raw")
    login = (rclone_dav.username, rclone_dav.password)
    assert httpx.put(url, content=first, auth=login).status_code == 201
    stale = httpx.get(url, auth=login).headers["etag"]
    assert httpx.get(url, auth=login, headers={"If-None-Match": stale}).status_code == 304
    assert httpx.put(url, content=second, auth=login, headers={"If-None-Match": "*"}).is_success
    assert httpx.put(url, content=first, auth=login, headers={"If-Match": stale}).is_success
    assert httpx.get(url, auth=login).content == first  # the lost update: nothing refused it


def test_the_remote_refuses_to_write_and_keeps_the_changes_pending(
    rclone_dav: RcloneDav, replica: Replica
) -> None:
    name = doc_name("refused")
    replica.put("person", "p1", {"name": "Aino"})
    log = DocumentLog()
    with _remote(rclone_dav, name, transport=log) as remote:
        with pytest.raises(SyncError) as caught:
            sync(replica, remote)
        message = str(caught.value)
        assert "ignores If-Match" in message and "will not write" in message
        assert "\n" not in message
        with pytest.raises(SyncError, match="ignores If-Match"):  # no second probe needed
            remote.write(b"{}", None, scrub=frozenset())
    assert replica.pending() == 1
    assert [m for m, _ in log.log] == ["GET"]  # the document was only read, never written
    assert not (rclone_dav.root / name).exists()
    assert not (rclone_dav.root / (name + PROBE_SUFFIX)).exists()  # the probe was deleted


def test_reading_from_rclone_still_works(rclone_dav: RcloneDav, replica: Replica) -> None:
    """A pull needs no conditional write: a document someone put there is read (then 304)."""
    first, _ = two_documents(replica.path.parent / "docs")
    name = doc_name("pull")
    # through rclone, not onto its disk: rclone caches the folder's listing (its VFS)
    login = (rclone_dav.username, rclone_dav.password)
    assert httpx.put(rclone_dav.base_url + name, content=first, auth=login).status_code == 201
    with _remote(rclone_dav, name) as remote:
        report = sync(replica, remote)
        assert report.pulled == 1 and not report.wrote
        assert replica.get("person", "p1") == {"name": "Ville Kokeilija"}
        assert sync(replica, remote).fast_path


def test_a_client_killed_mid_put_leaves_a_truncated_document(
    rclone_dav: RcloneDav, tmp_path: Path
) -> None:
    first, second = two_documents(tmp_path / "docs")
    name = doc_name("torn")
    stored = rclone_dav.root / name
    login = (rclone_dav.username, rclone_dav.password)
    assert httpx.put(rclone_dav.base_url + name, content=first, auth=login).status_code == 201
    half = len(second) // 2
    killed_mid_put(
        rclone_dav.base_url + name,
        second,
        half,
        login=login,
        folder=tmp_path,
    )
    # rclone gives no sign that it has finished with the dead request: wait for the outcome
    # this test documents (a generous deadline, not a speed check)
    wait_until(lambda: stored.read_bytes() == second[:half], "rclone storing the torn PUT")
    assert stored.read_bytes() != first
