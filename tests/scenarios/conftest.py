"""Fixtures of the scenario tests: every scenario runs over a shared file and over HTTP servers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from scenario_remotes import RemoteFactory, open_replicas, remote_factory

from sync import Replica

_SERVER_FIXTURE = {"apache": "apache_dav_digest", "s3": "moto_s3"}


@pytest.fixture(params=["file", "http", "apache", "s3"])
def make_remote(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RemoteFactory]:
    """Call it to get a new remote for the shared document (``FileRemote`` or ``HttpRemote``).

    ``http`` talks to a strict WsgiDAV on loopback (exact conditional writes); ``apache`` to
    Apache mod_dav_fs over TLS with a private CA and basic auth; ``s3`` to moto's S3 server
    with SigV4-signed requests (both started once per session, ``tests/servers``). The
    ``requests`` attribute lists (method, status) of every request for the document.
    """
    fixture = _SERVER_FIXTURE.get(request.param)
    server = request.getfixturevalue(fixture) if fixture else None
    with remote_factory(request.param, tmp_path, server) as factory:
        yield factory


@pytest.fixture
def make_replicas(tmp_path: Path) -> Iterator[Callable[..., list[Replica]]]:
    """``make_replicas("A", "B")`` opens replicas A and B in ``tmp_path`` (closed at the end)."""
    with ExitStack() as stack:

        def make(*names: str) -> list[Replica]:
            return open_replicas(tmp_path, names, stack)

        yield make
