"""Fixtures of the CLI tests: a demo data folder built once, copied for each test."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import Cli


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the demo data set, built once for the whole run."""
    from digikunta_tui.domain.repository import Repository

    folder = tmp_path_factory.mktemp("demo-template") / "data"
    repo = Repository.open(folder, replica_name="template")
    try:
        repo.load_demo()
    finally:
        repo.close()
    return folder


@pytest.fixture
def make_cli(tmp_path: Path) -> Callable[[Path], Cli]:
    """A CLI whose data folder is ``data_dir`` (a fresh empty one when not copied)."""

    def make(data_dir: Path) -> Cli:
        home = tmp_path / "home"
        home.mkdir(exist_ok=True)
        return Cli(home, data_dir, tmp_path / "config.toml")

    return make


@pytest.fixture
def cli(tmp_path: Path, demo_template: Path, make_cli: Callable[[Path], Cli]) -> Cli:
    """A CLI on a private copy of the demo data."""
    data = tmp_path / "data"
    shutil.copytree(demo_template, data)
    return make_cli(data)
