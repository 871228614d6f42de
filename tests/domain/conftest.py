"""Fixtures shared by the domain tests: English messages and an empty repository."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from digikunta_tui.domain.repository import Repository
from digikunta_tui.i18n import set_language


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages in English (restored after each test)."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    """An empty repository in the test's folder (a file can define its own ``repo``)."""
    repository = Repository.open(tmp_path / "data")
    yield repository
    repository.close()
