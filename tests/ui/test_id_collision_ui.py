"""An id collision (two kinds under one id) is shown in words and acknowledged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conflict_scenarios import insert_conflict
from textual.widgets import Button, DataTable, Static

from digikunta_tui.domain.repository import Repository
from digikunta_tui.ui.app import DigikuntaApp
from digikunta_tui.ui.screens.conflict import ConflictScreen

SIZE = (120, 36)
SHARED_ID = "kuopio"
MOVED_ID = "kuopio.person.0001"
COLLISION = {
    "id": "b" * 32,
    "record": SHARED_ID,
    "kind": "organization",
    "field": None,
    "kept": {"kind": "organization"},
    "lost": {"kind": "person", "moved_to": MOVED_ID},
    "detected_at": "2017-12-01T08:05:00Z",
    "resolved": None,
}
TEXTS = {
    "en": (
        "same id, two kinds",
        "Two records of different kinds had the same id: the organisation “Kuopion kaupunki” "
        f"kept it, the person “Maija Meikäläinen” now has the id {MOVED_ID}.",
        "Acknowledge",
    ),
    "fi": (
        "sama tunniste, kaksi lajia",
        "Kahdella eri lajin tietueella oli sama tunniste: organisaatio ”Kuopion kaupunki” "
        f"säilytti sen, ja henkilö ”Maija Meikäläinen” sai uuden tunnisteen {MOVED_ID}.",
        "Kuittaa",
    ),
}


@pytest.fixture
def collided(tmp_path: Path) -> Iterator[Repository]:
    """The state after a sync met ``organization kuopio`` and ``person kuopio``."""
    repo = Repository.open(tmp_path / "data", replica_name="test")
    repo.replica.put(
        "organization", SHARED_ID, {"name": "Kuopion kaupunki", "type": "municipality"}
    )
    repo.replica.put("person", MOVED_ID, {"given_name": "Maija", "family_name": "Meikäläinen"})
    repo.refresh()
    insert_conflict(repo, COLLISION)
    yield repo
    repo.close()


@pytest.mark.parametrize("lang", ["en", "fi"])
async def test_the_collision_is_explained_and_acknowledged(collided: Repository, lang: str) -> None:
    field_text, sentence, button = TEXTS[lang]
    app = DigikuntaApp(collided, remote=None, language=lang)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        table = app.screen.query_one("#conflict-table", DataTable)
        assert table.row_count == 1 and str(table.get_row_at(0)[2]) == field_text
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ConflictScreen)
        assert sentence in str(screen.query_one("#collision-text", Static).render())
        labels = [str(b.label) for b in screen.query(Button)]
        assert labels[0] == button and len(labels) == 2  # acknowledge, back: nothing to choose
        for key in ("k", "o", "e", "r", "d"):  # no value or deletion to choose
            assert screen.check_action(key_action(key), ()) is False
        await pilot.press("a")
        await pilot.pause()
        assert not isinstance(app.screen, ConflictScreen)
    assert collided.replica.conflicts() == []
    assert collided.replica.conflict(COLLISION["id"]).resolved is not None
    assert collided.get("organization", SHARED_ID)["name"] == "Kuopion kaupunki"
    assert collided.get("person", MOVED_ID)["given_name"] == "Maija"  # both records stay


def key_action(key: str) -> str:
    """The conflict screen's action of a key."""
    return {
        "k": "keep_this",
        "o": "keep_other",
        "e": "edit_merged",
        "r": "restore_record",
        "d": "confirm_delete",
    }[key]


async def test_a_collision_the_engine_found_is_shown_and_acknowledged_everywhere(
    tmp_path: Path,
) -> None:
    from sync import FileRemote, sync
    from sync.records import moved_id

    shared = tmp_path / "cloud" / "digikunta.json"
    shared.parent.mkdir()
    remote = FileRemote(shared)
    a = Repository.open(tmp_path / "a", replica_name="A")
    b = Repository.open(tmp_path / "b", replica_name="B")
    try:
        a.replica.put("organization", SHARED_ID, {"name": "Kuopion kaupunki"})
        b.replica.put("person", SHARED_ID, {"given_name": "Maija", "family_name": "Meikäläinen"})
        sync(a.replica, remote)
        sync(b.replica, remote)  # B finds the collision: its person moves
        sync(a.replica, remote)
        moved = moved_id(SHARED_ID, "person")
        for repo in (a, b):
            repo.refresh()
            assert repo.get("organization", SHARED_ID) == {"name": "Kuopion kaupunki"}
            assert repo.get("person", moved)["given_name"] == "Maija"
        [entry] = b.replica.conflicts()
        assert entry.is_id_collision and entry.lost["moved_to"] == moved

        app = DigikuntaApp(b, remote=remote, language="en")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("5")
            await pilot.pause()
            table = app.screen.query_one("#conflict-table", DataTable)
            table.focus()
            await pilot.press("enter")
            await pilot.pause()
            text = str(app.screen.query_one("#collision-text", Static).render())
            assert "Kuopion kaupunki" in text and moved in text
            await pilot.press("a")
            await pilot.pause()
        assert b.replica.conflicts() == []
        sync(b.replica, remote)
        sync(a.replica, remote)
        assert a.replica.conflicts() == []  # acknowledged on B: gone on A too
    finally:
        a.close()
        b.close()
