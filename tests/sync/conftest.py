"""Fixtures for the sync library's tests: real SQLite replicas and real shared files.

Helpers live in ``sync_testkit`` (a conftest cannot be imported by name: every test folder
has one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sync import FileRemote, Replica


@pytest.fixture
def make_replica(tmp_path: Path) -> Iterator[Callable[..., Replica]]:
    """Open replicas in ``tmp_path`` (closed at the end of the test)."""
    opened: list[Replica] = []

    def make(name: str = "a") -> Replica:
        rep = Replica.open(tmp_path / f"{name}.sqlite", name=f"replica {name}")
        opened.append(rep)
        return rep

    yield make
    for rep in opened:
        rep.close()


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    """Path of the shared document, in its own folder (as a cloud-synced folder would be)."""
    folder = tmp_path / "cloud"
    folder.mkdir()
    return folder / "digikunta.json"


@pytest.fixture
def remote(shared: Path) -> FileRemote:
    return FileRemote(shared, lock_timeout=5.0)
