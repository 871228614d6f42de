"""Fixtures for the HTTP remote: a real WsgiDAV server on loopback, anonymous or with a login.

Tests elsewhere (and benches) can start the same server with ``run_webdav`` from
``tests/webdav_server.py``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# tests/ has no __init__.py and is not on sys.path: make tests/webdav_server.py importable.
_TESTS_DIR = str(Path(__file__).resolve().parents[1])
if _TESTS_DIR not in sys.path:
    sys.path.insert(0, _TESTS_DIR)

from webdav_server import WebDavLogin, run_webdav  # noqa: E402


@pytest.fixture
def webdav_root(tmp_path: Path) -> Path:
    """The folder the WebDAV server shares (its files are the server's documents)."""
    root = tmp_path / "dav"
    root.mkdir()
    return root


@pytest.fixture
def webdav_server(webdav_root: Path) -> Iterator[str]:
    """Stock WsgiDAV serving ``webdav_root`` to anyone; yields the base URL (ends in ``/``)."""
    with run_webdav(webdav_root) as url:
        yield url


@pytest.fixture
def webdav_strict_server(webdav_root: Path) -> Iterator[str]:
    """WsgiDAV with content-hash ETags, one request at a time: exact conditional writes."""
    with run_webdav(webdav_root, strict=True) as url:
        yield url


@pytest.fixture
def webdav_auth_server(webdav_root: Path) -> Iterator[WebDavLogin]:
    """WsgiDAV that requires basic auth; yields the URL, user name and password."""
    login = ("ville", "Sala-5ana-Kuopio-297")
    with run_webdav(webdav_root, users={login[0]: login[1]}) as url:
        yield WebDavLogin(url, *login)
