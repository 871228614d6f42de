"""Undo from the app: key ``u`` and the palette's "edit: undo last change"."""

from __future__ import annotations

from pathlib import Path

from notices import notices_of
from textual.command import CommandList

from sync import FileRemote

SIZE = (100, 30)


def _messages(app) -> list[str]:
    return [n.message for n in notices_of(app)]


async def test_u_undoes_the_last_edit_and_says_what(make_app, repo, screen_text) -> None:
    row = repo.page("person", limit=1)[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        repo.update("person", row.id, {"given_name": "Muutettu"})
        assert repo.get("person", row.id)["given_name"] == "Muutettu"
        version = app.data_version
        await pilot.press("u")
        await pilot.pause()
        assert repo.get("person", row.id)["given_name"] == row.fields["given_name"]
        assert any(row.title in m and "Undone" in m for m in _messages(app))
        assert app.data_version == version + 1  # views re-render
        await pilot.press("u")
        await pilot.pause()
        assert "Nothing to undo." in _messages(app)


async def test_undo_from_the_palette_in_finnish(make_app, repo) -> None:
    person_id = repo.create("person", {"given_name": "Uusi", "family_name": "Henkilö"})
    app = make_app(language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"kumoa")
        options = app.screen.query_one(CommandList)
        while not options.option_count:  # the palette searches in the background
            await pilot.pause(0.05)
        await pilot.press("enter")
        await pilot.pause()
        assert repo.get("person", person_id) is None
        assert any("Kumottu" in m and "Uusi Henkilö" in m for m in _messages(app))


async def test_a_synced_edit_is_not_undone(make_app, repo, tmp_path: Path) -> None:
    row = repo.page("person", limit=1)[0]
    repo.update("person", row.id, {"notes": "synced note"})
    app = make_app(remote=FileRemote(tmp_path / "shared.json"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert repo.get("person", row.id)["notes"] == "synced note"
        assert any("already been synced" in m for m in _messages(app))
