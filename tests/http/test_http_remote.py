"""HttpRemote against a real WebDAV server (WsgiDAV 4 on cheroot, loopback)."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest

from sync.errors import DocumentError, RemoteChanged, RemoteOffline, SyncError
from sync.http_remote import HttpRemote

DOC = "digikunta.json"


def _remote(base_url: str, name: str = DOC, **kwargs: object) -> HttpRemote:
    return HttpRemote(base_url + name, sleep=lambda _: None, **kwargs)  # type: ignore[arg-type]


def test_conditional_read_and_write_cycle(webdav_server: str, webdav_root: Path) -> None:
    with _remote(webdav_server) as remote:
        first = remote.read(None)
        assert first.missing and first.tag is None

        created = remote.write(b'{"v": 1}\n', None, scrub=frozenset())
        assert (webdav_root / DOC).read_bytes() == b'{"v": 1}\n'
        with pytest.raises(RemoteChanged):
            remote.write(b'{"v": "other"}\n', None, scrub=frozenset())  # If-None-Match: *
        assert (webdav_root / DOC).read_bytes() == b'{"v": 1}\n'

        got = remote.read(None)
        assert not got.unchanged and got.data == b'{"v": 1}\n'
        assert got.tag == created  # the PUT's ETag is the one a later GET sees

        again = remote.read(got.tag)  # If-None-Match -> 304
        assert again.unchanged and again.data is None and again.tag == got.tag

        # Someone else writes (a different size, so even WsgiDAV's ETag changes).
        newer = remote.write(b'{"v": 22}\n', got.tag, scrub=frozenset())
        assert newer != got.tag
        with pytest.raises(RemoteChanged):
            remote.write(b'{"v": 3}\n', got.tag, scrub=frozenset())  # stale If-Match -> 412
        assert (webdav_root / DOC).read_bytes() == b'{"v": 22}\n'

        latest = remote.write(b'{"v": 333}\n', newer, scrub=frozenset())
        assert latest not in (newer, got.tag)
        final = remote.read(newer)
        assert final.data == b'{"v": 333}\n' and final.tag == latest


def test_wsgidav_etag_is_inode_mtime_seconds_size(webdav_server: str, webdav_root: Path) -> None:
    with _remote(webdav_server) as remote:
        tag = remote.write(b"[1, 2, 3]\n", None, scrub=frozenset())
    st = os.stat(webdav_root / DOC)
    assert re.fullmatch(r'"\d+-\d+-\d+"', tag)
    assert tag == f'"{st.st_ino}-{int(st.st_mtime)}-{st.st_size}"'


def test_wsgidav_same_size_rewrite_within_a_second_keeps_the_etag(
    webdav_server: str, webdav_root: Path
) -> None:
    """Stock WsgiDAV cannot see a same-size rewrite in the same second: a stale If-Match passes.

    This is why the engine must force full reads now and then, and why multi-replica tests
    should use the ``strict`` server.
    """
    for attempt in range(5):
        name = f"same-size-{attempt}.json"
        with _remote(webdav_server, name) as remote:
            tag_a = remote.write(b'{"v": "a"}\n', None, scrub=frozenset())
            mtime_a = int(os.stat(webdav_root / name).st_mtime)
            tag_b = remote.write(b'{"v": "b"}\n', tag_a, scrub=frozenset())
            mtime_b = int(os.stat(webdav_root / name).st_mtime)
            if mtime_a != mtime_b:
                continue  # the two writes straddled a second boundary; try again
            assert tag_b == tag_a
            assert remote.read(tag_a).unchanged  # 304 although the content changed
            # A writer still holding tag_a overwrites "b" without any 412: a lost update.
            remote.write(b'{"v": "c"}\n', tag_a, scrub=frozenset())
            assert (webdav_root / name).read_bytes() == b'{"v": "c"}\n'
            return
    pytest.fail("five pairs of writes all straddled a second boundary")


def test_strict_server_sees_same_size_rewrites(webdav_strict_server: str) -> None:
    with _remote(webdav_strict_server) as remote:
        tag_a = remote.write(b'{"v": "a"}\n', None, scrub=frozenset())
        tag_b = remote.write(b'{"v": "b"}\n', tag_a, scrub=frozenset())
        assert tag_b != tag_a
        with pytest.raises(RemoteChanged):
            remote.write(b'{"v": "c"}\n', tag_a, scrub=frozenset())
        got = remote.read(tag_a)
        assert got.data == b'{"v": "b"}\n' and got.tag == tag_b
        assert remote.read(tag_b).unchanged


def test_wsgidav_if_match_on_a_deleted_document_recreates_it(
    webdav_server: str, webdav_root: Path
) -> None:
    """RFC 9110 wants 412 here; WsgiDAV skips the check for a missing resource and creates it."""
    with _remote(webdav_server) as remote:
        tag = remote.write(b"{}\n", None, scrub=frozenset())
        (webdav_root / DOC).unlink()
        remote.write(b'{"back": true}\n', tag, scrub=frozenset())
    assert (webdav_root / DOC).read_bytes() == b'{"back": true}\n'


def test_a_folder_url_gives_the_directory_page_and_is_refused(webdav_server: str) -> None:
    with _remote(webdav_server, "") as remote, pytest.raises(DocumentError) as caught:
        remote.read(None)
    assert webdav_server in str(caught.value)
    assert "HTML page" in str(caught.value)


def test_create_in_a_missing_folder_says_so(webdav_server: str) -> None:
    remote = _remote(webdav_server, "no-such-folder/digikunta.json")
    with remote, pytest.raises(SyncError) as caught:
        remote.write(b"{}\n", None, scrub=frozenset())
    assert not isinstance(caught.value, RemoteChanged)  # retrying would not help
    assert "folder" in str(caught.value)
    assert "no-such-folder/digikunta.json" in str(caught.value)


def test_unreachable_server_is_offline_after_retries() -> None:
    with socket.socket() as sock:  # a port nobody listens on once the socket is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    sleeps: list[float] = []
    url = f"http://127.0.0.1:{port}/{DOC}"
    remote = HttpRemote(url, retries=2, backoff=0.01, sleep=sleeps.append)
    with remote, pytest.raises(RemoteOffline) as caught:
        remote.read(None)
    assert len(sleeps) == 2
    assert url in str(caught.value) and "could not be reached" in str(caught.value)


def test_close_ends_the_client(webdav_server: str) -> None:
    remote = _remote(webdav_server)
    with remote:
        assert remote.read(None).missing
    with pytest.raises(RuntimeError):
        remote.read(None)
