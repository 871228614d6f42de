"""SVG snapshots of the conflict screen (fixed record, stamps and times), Finnish and English."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conflict_scenarios import insert_conflict
from textual.widgets import DataTable

from digikunta_tui.domain.repository import Repository
from digikunta_tui.ui.app import DigikuntaApp

STORY_ID = "5" * 32
TITLE = "Kouluterveydenhuollon sähköinen ajanvaraus"
KEPT = (
    "Kokeilu kannatti aloittaa pienenä: yksi koulu ja yksi terveydenhoitaja.\n"
    "Huoltajat tarvitsevat ohjeen sähköiseen ajanvaraukseen.\n"
    "Rehtorin tuki ratkaisi."
)
LOST = (
    "Kokeilu kannatti aloittaa pienenä: yksi koulu ja yksi terveydenhoitaja.\n"
    "Huoltajille tehtiin video-ohje.\n"
    "Rehtorin tuki ratkaisi."
)
FIELD_CONFLICT = {
    "id": "c" * 32,
    "record": STORY_ID,
    "kind": "story",
    "field": "lessons",
    "kept": {"value": KEPT, "stamp": "0001512115200000-0000-kuopio01"},
    "lost": {"value": LOST, "stamp": "0001512111600000-0002-varkaus2"},
    "detected_at": "2017-12-01T08:05:00Z",
    "resolved": None,
}
DELETE_CONFLICT = {
    "id": "d" * 32,
    "record": STORY_ID,
    "kind": "story",
    "field": None,
    "kept": {"restored": "0001512115200000-0000-kuopio01"},
    "lost": {"deleted": "0001512111600000-0002-varkaus2", "by": "varkaus2"},
    "detected_at": "2017-12-01T08:05:00Z",
    "resolved": None,
}


@pytest.fixture
def story_repo(tmp_path: Path) -> Iterator[Repository]:
    """One story with a fixed id, no other data."""
    repository = Repository.open(tmp_path / "snap", replica_name="snapshot")
    repository.replica.put(
        "story",
        STORY_ID,
        {"title": TITLE, "stage": "running", "lessons": KEPT},
    )
    repository.refresh()
    yield repository
    repository.close()


async def _open_conflict(pilot) -> None:
    await pilot.press("5")
    await pilot.pause()
    pilot.app.screen.query_one("#conflict-table", DataTable).focus()
    await pilot.press("enter")
    await pilot.pause()


@pytest.mark.parametrize("language", ["fi", "en"])
def test_field_conflict_snapshot(snap_compare, story_repo: Repository, language: str) -> None:
    insert_conflict(story_repo, FIELD_CONFLICT)
    app = DigikuntaApp(story_repo, remote=None, language=language)
    assert snap_compare(app, terminal_size=(100, 30), run_before=_open_conflict)


@pytest.mark.parametrize("language", ["fi", "en"])
def test_delete_conflict_snapshot(snap_compare, story_repo: Repository, language: str) -> None:
    insert_conflict(story_repo, DELETE_CONFLICT)
    app = DigikuntaApp(story_repo, remote=None, language=language)
    assert snap_compare(app, terminal_size=(100, 30), run_before=_open_conflict)
