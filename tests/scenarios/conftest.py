"""Fixtures of the scenario tests: every scenario runs over a shared file and over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from scenario_remotes import RemoteFactory, open_replicas, remote_factory

from sync import Replica


@pytest.fixture(params=["file", "http"])
def make_remote(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RemoteFactory]:
    """Call it to get a new remote for the shared document (``FileRemote`` or ``HttpRemote``).

    The HTTP variant talks to a strict WsgiDAV on loopback (exact conditional writes); its
    ``requests`` attribute lists (method, status) of every request the remotes made.
    """
    with remote_factory(request.param, tmp_path) as factory:
        yield factory


@pytest.fixture
def make_replicas(tmp_path: Path) -> Iterator[Callable[..., list[Replica]]]:
    """``make_replicas("A", "B")`` opens replicas A and B in ``tmp_path`` (closed at the end)."""
    with ExitStack() as stack:

        def make(*names: str) -> list[Replica]:
            return open_replicas(tmp_path, names, stack)

        yield make
