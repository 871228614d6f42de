"""Conflicts resolved from the app converge on both replicas (two replicas, one shared file)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conflict_scenarios import Pair, delete_conflict, field_conflict, open_pair
from notices import notices_of
from textual.widgets import DataTable, Static, TextArea

from digikunta_tui.ui.app import DigikuntaApp
from digikunta_tui.ui.messages import SyncFinished
from digikunta_tui.ui.screens.conflict import ConflictScreen
from digikunta_tui.ui.screens.sync_view import SyncScreen
from digikunta_tui.ui.widgets.line_diff import LineDiff

SIZE = (100, 30)


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    """Replicas A and B sharing one file."""
    replicas = open_pair(tmp_path)
    yield replicas
    replicas.close()


def _app(pair: Pair) -> DigikuntaApp:
    return DigikuntaApp(pair.a, remote=pair.remote, language="en")


async def _open_conflict(app: DigikuntaApp, pilot) -> ConflictScreen:
    """Go to the sync view and press Enter on the only conflict."""
    await pilot.press("5")
    await pilot.pause()
    table = app.screen.query_one("#conflict-table", DataTable)
    assert table.row_count == 1
    table.focus()
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, ConflictScreen)
    return app.screen


async def _sync_in_app(app: DigikuntaApp, pilot, messages: list[object]) -> None:
    await pilot.press("s")
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert any(isinstance(m, SyncFinished) for m in messages)


def _assert_gone_everywhere(pair: Pair) -> None:
    assert pair.a.replica.conflicts() == []
    assert pair.b.replica.conflicts() == []
    assert not pair.a.replica.state.needs_push() and not pair.b.replica.state.needs_push()


async def test_the_sync_view_lists_conflicts_and_the_screen_shows_both_sides(
    pair: Pair, screen_text
) -> None:
    _, entry = field_conflict(pair)
    app = _app(pair)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        listing = screen_text(app)
        assert "Maija Meikäläinen" in listing and "Person" in listing and "Notes" in listing
        screen = await _open_conflict(app, pilot)
        text = screen_text(app)
        assert "Kept version" in text and "Other version" in text
        assert entry.kept["value"] in text and entry.lost["value"] in text
        writers = {entry.kept["stamp"][22:], entry.lost["stamp"][22:]}
        assert writers == {pair.a.replica.replica_id, pair.b.replica.replica_id}
        assert "this laptop (A)" in text
        assert f"laptop {pair.b.replica.replica_id}" in text
        assert not screen.query(LineDiff)  # short values: no line diff
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)
        assert pair.a.replica.conflicts() != []  # leaving resolves nothing


@pytest.mark.parametrize("choice", ["keep-this", "keep-other", "merged"])
async def test_field_conflict_resolved_in_the_app_converges(pair: Pair, choice: str) -> None:
    person_id, entry = field_conflict(pair)
    expected = {
        "keep-this": entry.kept["value"],
        "keep-other": entry.lost["value"],
        "merged": "merged",
    }[choice]
    messages: list[object] = []
    app = _app(pair)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        pending_before = pair.a.replica.pending()
        screen = await _open_conflict(app, pilot)
        if choice == "keep-this":
            await pilot.press("k")
        elif choice == "keep-other":
            await pilot.press("o")
        else:
            await pilot.press("e")
            editor = screen.query_one("#conflict-merged", TextArea)
            assert editor.has_focus and editor.text == entry.kept["value"]
            await pilot.press("f7", *"merged")  # select all, type over it
            await pilot.press("ctrl+o")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)
        assert app.screen.query_one("#conflict-table", DataTable).row_count == 0
        assert pair.a.replica.conflicts() == []
        assert pair.a.replica.state.needs_push()
        if choice != "keep-this":  # keeping the current value changes no field
            assert pair.a.replica.pending() == pending_before + 1
            assert app.sync_status.pending == pending_before + 1
        await _sync_in_app(app, pilot, messages)
    pair.sync(pair.b, pair.a)
    assert pair.a.get("person", person_id)["notes"] == expected
    assert pair.b.get("person", person_id)["notes"] == expected
    _assert_gone_everywhere(pair)


async def test_an_invalid_merged_value_is_refused_with_a_message(pair: Pair) -> None:
    person_id, entry = field_conflict(pair, "email", "a@example.fi", "b@example.fi")
    app = _app(pair)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_conflict(app, pilot)
        await pilot.press("e", "f7", *"nonsense", "ctrl+o")
        await pilot.pause()
        assert app.screen is screen
        error = str(screen.query_one("#merged-error", Static).render())
        assert error.strip()
        assert len(pair.a.replica.conflicts()) == 1
        assert pair.a.get("person", person_id)["email"] == entry.kept["value"]


@pytest.mark.parametrize("choice", ["restore", "delete"])
async def test_delete_conflict_resolved_in_the_app_converges(pair: Pair, choice: str) -> None:
    person_id, _ = delete_conflict(pair)
    messages: list[object] = []
    app = _app(pair)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await _open_conflict(app, pilot)
        await pilot.press("k")  # field choices are not offered here
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("r" if choice == "restore" else "d")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)
        assert pair.a.replica.conflicts() == []
        await _sync_in_app(app, pilot, messages)
    pair.sync(pair.b, pair.a)
    for repo in (pair.a, pair.b):
        fields = repo.get("person", person_id)
        if choice == "restore":
            assert fields is not None and fields["notes"] == "edited in B"
        else:
            assert fields is None
    _assert_gone_everywhere(pair)


async def test_long_text_gets_a_line_diff(pair: Pair, screen_text) -> None:
    a_text = "line one\nline two from A\nline three"
    b_text = "line one\nline two from B\nline three"
    _, entry = field_conflict(pair, "notes", a_text, b_text)
    app = _app(pair)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_conflict(app, pilot)
        diff = screen.query_one(LineDiff)
        assert diff.old == entry.lost["value"] and diff.new == entry.kept["value"]
        text = screen_text(app)
        assert "- line two from" in text and "+ line two from" in text


async def test_resolved_elsewhere_shows_not_open(pair: Pair) -> None:
    _, entry = field_conflict(pair)
    app = _app(pair)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        await pilot.pause()
        pair.a.replica.resolve_field(entry.id, entry.kept["value"])
        app.screen.open_conflict(entry.id)
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        assert any("no longer open" in n.message for n in notices_of(app))
        await pilot.press("k")  # nothing to choose
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SyncScreen)


async def test_values_are_shown_literally(pair: Pair, screen_text) -> None:
    a_text, b_text = "[@click=app.quit]x[/]", "[/ [bold]red"
    field_conflict(pair, "notes", a_text, b_text)
    app = _app(pair)
    async with app.run_test(size=SIZE) as pilot:
        await _open_conflict(app, pilot)
        text = screen_text(app)
        assert "[@click=app.quit]x[/]" in text
        assert "[/ [bold]red" in text
        assert app.is_running


async def test_a_delete_conflict_shows_names_and_translated_values(pair: Pair, screen_text) -> None:
    org = pair.a.create("organization", {"name": "Kuopion kaupunki", "type": "municipality"})
    person = {"given_name": "Maija", "family_name": "Meikäläinen", "roles": ["staff"]}
    person_id = pair.a.create("person", {**person, "organization": org})
    pair.sync(pair.a, pair.b)
    pair.a.delete("person", person_id)
    pair.b.update("person", person_id, {"notes": "edited in B"})
    pair.sync(pair.a, pair.b, pair.a)
    app = DigikuntaApp(pair.a, remote=pair.remote, language="fi")
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_conflict(app, pilot)
        text = screen_text(app)
        assert "Organisaatio: Kuopion kaupunki" in text
        assert "Roolit: Henkilöstö" in text
        assert org[:8] not in text and "staff" not in text


async def test_a_merged_email_taken_by_another_person_is_refused_in_the_app(
    pair: Pair,
) -> None:
    person_id, entry = field_conflict(pair, "email", "a@example.fi", "b@example.fi")
    pair.a.create("person", {"given_name": "Toinen", "family_name": "T", "email": "t@example.fi"})
    app = _app(pair)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open_conflict(app, pilot)
        await pilot.press("e", "f7", *"t@example.fi", "ctrl+o")
        await pilot.pause()
        assert app.screen is screen
        error = str(screen.query_one("#merged-error", Static).render())
        assert "already" in error.lower()
        assert len(pair.a.conflicts()) == 1
        assert pair.a.get("person", person_id)["email"] == entry.kept["value"]
