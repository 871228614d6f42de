"""Views, keys, filtering, the palette, language, help, copy and export, driven by Pilot."""

from __future__ import annotations

from pathlib import Path

import pytest
from notices import notices_of
from textual.widgets import Input

from digikunta_tui.ui.screens.dashboard import DashboardScreen
from digikunta_tui.ui.screens.help import HelpScreen
from digikunta_tui.ui.screens.members import MembersScreen
from digikunta_tui.ui.screens.stories import StoriesScreen
from digikunta_tui.ui.screens.sync_view import SyncScreen
from digikunta_tui.ui.screens.webinars import WebinarsScreen
from digikunta_tui.ui.widgets.filtered_list import FilteredList

SIZE = (100, 30)


@pytest.mark.parametrize(
    ("key", "screen_type", "visible"),
    [
        ("1", DashboardScreen, "Next webinar"),
        ("2", MembersScreen, "Toni Auvinen"),
        ("3", WebinarsScreen, "Digikokeileva kunta -webinaari 2"),
        ("4", StoriesScreen, "Kaavaluonnoksen kommentointi"),
        ("5", SyncScreen, "not configured"),
    ],
)
async def test_number_keys_switch_views(make_app, screen_text, key, screen_type, visible) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5" if key == "1" else "1")
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, screen_type)
        assert visible in screen_text(app)


async def test_clicking_a_tab_switches_view(make_app) -> None:
    from digikunta_tui.ui.widgets.app_bar import ViewBar

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        spans = app.screen.query_one(ViewBar).spans()
        _view, start, _end = next(span for span in spans if span[0] == "stories")
        await pilot.click(ViewBar, offset=(start + 2, 0))
        await pilot.pause()
        assert isinstance(app.screen, StoriesScreen)


async def test_dashboard_shows_next_webinar_impact_and_chart(make_app, repo, screen_text) -> None:
    repo.create(
        "webinar",
        {
            "title": "Kevään webinaari",
            "starts_at": "2018-01-16T10:00:00Z",
            "duration_minutes": 120,
            "status": "planned",
            "join_link": "https://example.fi/kevat",
        },
    )
    app = make_app(language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()  # the dashboard reads its data in a worker
        await pilot.pause()
        text = screen_text(app)
        assert "Kevään webinaari" in text
        assert "16.1.2018 klo 12–14" in text
        assert "https://example.fi/kevat" in text
        assert "Säästöt" in text and "€" in text
        assert "█" in text  # the per-organisation bar chart


async def test_typing_filters_the_member_list(make_app, screen_text) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        listing = app.screen.query_one(FilteredList)
        everyone = listing.records.total
        app.screen.query_one(Input).focus()
        await pilot.press(*"kuop")
        await pilot.pause()
        assert listing.query_text == "kuop"
        assert 0 < listing.records.total < everyone
        rows = [listing.records.row_at(i) for i in range(listing.records.total)]
        assert all("Kuopio" in (row.subtitle or "") or "Kuop" in row.title for row in rows)
        assert "Toni Auvinen" not in screen_text(app)


async def test_typing_in_the_view_starts_filtering_and_escape_returns_to_the_list(
    make_app,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        listing = app.screen.query_one(FilteredList)
        everyone = listing.records.total
        assert not isinstance(app.focused, Input)
        await pilot.press("k")  # no binding claims "k": it starts the filter
        await pilot.pause()
        assert isinstance(app.focused, Input)
        await pilot.press(*"uop")  # "u" (undo) is typed, not run, once in the filter box
        await pilot.pause()
        assert listing.query_text == "kuop"
        assert 0 < listing.records.total < everyone
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is listing.records
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        assert listing.query_text == "kuop"


async def test_a_filter_matching_nothing_leaves_nothing_to_edit(make_app) -> None:
    """Found by hand: after filtering to an empty list, `e` edited the row shown before."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert app.screen.current is not None
        await pilot.press("slash", *"zzzz")
        await pilot.pause()
        listing = app.screen.query_one(FilteredList)
        assert listing.records.total == 0
        assert app.screen.current is None
        await pilot.press("escape", "e")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "MembersScreen"  # no form opened


async def test_highlighting_a_person_shows_organisation_roles_and_registrations(
    make_app, screen_text
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        app.screen.query_one(FilteredList).records.focus()
        await pilot.pause()
        for _ in range(7):  # Maija Meikäläinen (Kuopio), registered to both webinars
            await pilot.press("down")
            await pilot.pause()
        text = screen_text(app)
        assert "Maija Meikäläinen" in text
        assert "Organisation: Kuopio" in text or "Kuopio" in text
        assert "Webinar registrations" in text


async def test_organisations_tab_lists_people_and_stories(make_app, screen_text) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.click("#kind-organization")
        await pilot.pause()
        assert app.screen.query_one(FilteredList).kind == "organization"
        text = screen_text(app)
        assert "People" in text and "Stories" in text


async def test_palette_jumps_to_a_record(make_app, screen_text) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Auvinen")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, MembersScreen)
        assert "Network lead" in screen_text(app) or "Toni Auvinen" in screen_text(app)
        assert app.screen.current is not None and app.screen.current[0] == "person"


async def test_palette_runs_a_named_action(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"view: stories")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, StoriesScreen)


async def test_language_switch_changes_visible_labels(make_app, screen_text) -> None:
    app = make_app(language="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert "Members" in screen_text(app)
        await pilot.press("f2")
        await pilot.pause()
        text = screen_text(app)
        assert "Jäsenet" in text and "Suodata kirjoittamalla" in text
        await pilot.press("1")
        await pilot.pause()
        assert "Seuraava webinaari" in screen_text(app)


async def test_help_lists_the_keys(make_app, screen_text) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        assert "Sync" in text and "Quit" in text and "f2" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_keymap_remaps_by_binding_id(make_app, tmp_path: Path) -> None:
    from sync import FileRemote

    app = make_app(remote=FileRemote(tmp_path / "shared.json"), keymap={"sync-now": "y"})
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (tmp_path / "shared.json").exists()


async def test_copy_puts_the_selected_email_on_the_clipboard(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        app.screen.query_one(FilteredList).records.focus()
        await pilot.pause()
        for _ in range(7):
            await pilot.press("down")
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert "@" in app.clipboard


async def test_export_members_writes_the_spreadsheet_in_the_export_folder(
    make_app, tmp_path: Path
) -> None:
    app = make_app(export_folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        app.action_export_members()
        await pilot.pause()
        await pilot.press("enter")  # the path prompt, the export folder filled in
        await pilot.pause()
        [path] = list(tmp_path.glob("digikunta-members-*.csv"))
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        assert len(lines) == 1 + 16
        assert any("Auvinen" in line for line in lines)
        assert any(str(path) in n.message for n in notices_of(app))


async def test_theme_change_is_reported(make_app) -> None:
    seen: list[str] = []
    app = make_app(theme="nord", on_theme_change=seen.append)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "nord"
        app.theme = "gruvbox"
        await pilot.pause()
        assert seen[-1] == "gruvbox"


async def test_q_quits(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0
