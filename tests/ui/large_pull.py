"""A shared file another coordinator filled with many people: what a first pull reads."""

from __future__ import annotations

from pathlib import Path

from digikunta_tui.domain.repository import Repository
from sync import FileRemote, sync


def shared_with_many_people(tmp_path: Path, people: int, *, seed: int = 1) -> Path:
    """A shared file holding ``people`` synthetic people (and their organisations,
    registrations, stories), synced there from another replica under ``tmp_path``."""
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    with Repository.open(tmp_path / "other", replica_name="other") as other:
        other.load_synthetic(people, seed=seed, validate=False)
        sync(other.replica, FileRemote(shared))
    return shared
