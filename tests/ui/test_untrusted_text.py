"""Text from records is shown literally: no markup, no actions, no terminal escapes."""

from __future__ import annotations

import pytest

from digikunta_tui.ui.screens.members import MembersScreen
from digikunta_tui.ui.text import literal
from digikunta_tui.ui.widgets.filtered_list import FilteredList

SIZE = (100, 30)
NASTY = ["[b]bold[/b]", "[@click=app.quit]x[/]", "[/", "\x1b[31mred\x1b[0m\x1b]0;title\x07"]


@pytest.fixture
def nasty_ids(repo) -> list[str]:
    """People whose names and notes are markup, an action link, a broken tag and escapes.

    Written straight into the replica, as another laptop's data arriving through a sync would
    be (the shared document is untrusted; local validation never saw it).
    """
    from sync import new_id

    ids = []
    for index, text in enumerate(NASTY):
        record_id = new_id()
        fields = {"given_name": "Aaa", "family_name": f"{index}{text}", "notes": text}
        repo.replica.put("person", record_id, fields)
        ids.append(record_id)
    repo.refresh()
    return ids


def test_literal_makes_control_characters_visible() -> None:
    assert literal("\x1b[31mred") == "\u241b[31mred"
    assert "\x1b" not in literal(NASTY[3]) and "\x07" not in literal(NASTY[3])
    assert literal("a\nb") == "a\u240ab" and literal("a\nb", multiline=True) == "a\nb"


async def test_names_and_notes_are_shown_literally_and_clicking_does_nothing(
    make_app, nasty_ids, screen_text
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        listing = app.screen.query_one(FilteredList)
        listing.records.focus()
        await pilot.pause()
        seen = screen_text(app)
        for index, text in enumerate(NASTY[:3]):
            assert f"{index}{text}" in seen
        # The escape string: its printable part shows, the control characters never reach the
        # terminal (dropped by the index or shown as visible control pictures).
        assert "[31mred" in seen and "\x1b" not in seen
        for index in range(len(NASTY)):
            listing.records.cursor = index
            await pilot.pause()
            detail = screen_text(app)
            expected = NASTY[index] if index < 3 else "[31mred"
            assert expected in detail
            # Click the name in the list and in the detail pane: nothing may run.
            await pilot.click(listing.records, offset=(8, index))
            await pilot.click("#member-detail", offset=(3, 0))
            await pilot.pause()
            assert app.is_running
            assert isinstance(app.screen, MembersScreen)
        assert "\x1b" not in screen_text(app)


async def test_palette_shows_untrusted_names_literally(make_app, nasty_ids, screen_text) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Aaa")
        await pilot.pause(0.5)
        text = screen_text(app)
        assert "[b]bold[/b]" in text
        assert "[@click=app.quit]x[/]" in text
        assert app.is_running


async def test_notifications_with_data_are_literal(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        app.copy_to_clipboard("x")
        app.notify("[@click=app.quit]x[/]", markup=False)
        await pilot.pause()
        assert app.is_running
