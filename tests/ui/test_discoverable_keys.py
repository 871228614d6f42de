"""Keys people can find: each view's footer (help and quit always there, at 80×24 too), dialogs
with their own footer and ctrl+o, the searchable help, and a view bar on one line."""

from __future__ import annotations

import pytest
from forms_testing import settle
from textual.widgets import Input

from digikunta_tui.ui.dialogs.pick import PickRecordsDialog
from digikunta_tui.ui.screens.help import HelpScreen
from digikunta_tui.ui.widgets.app_bar import ViewBar
from digikunta_tui.ui.widgets.key_footer import KeyFooter

SMALL = (80, 24)

VIEW_KEYS = {
    "2": ["n Uusi", "e Muokkaa", "d Poista", "g GDPR", "/ Suodata"],
    "3": ["r Ilmoita", "a Läsnäolo", "i Kalenteri", "w Uutiskirje", "m Postilista"],
    "4": ["n Uusi", "e Muokkaa", "d Poista", "/ Suodata"],
}


def _footer(app) -> str:
    return " ".join(str(app.screen.query_one(KeyFooter).render()).split())


@pytest.mark.parametrize("language", ["fi", "en"])
async def test_every_view_keeps_help_quit_and_its_bar_on_one_line_at_80x24(
    make_app, language: str
) -> None:
    app = make_app(language=language)
    help_quit = ["? Ohje", "q Lopeta"] if language == "fi" else ["? Help", "q Quit"]
    async with app.run_test(size=SMALL) as pilot:
        for key in "12345":
            await pilot.press(key)
            await settle(pilot)
            footer = _footer(app)
            assert all(item in footer for item in help_quit), (key, footer)
            assert footer.endswith(help_quit[-1]), footer
            bar = app.screen.query_one(ViewBar)
            lines = str(bar.render()).splitlines()
            assert len(lines) == 2 and len(lines[0]) <= bar.size.width, lines
            if language == "fi" and key in VIEW_KEYS:
                for item in VIEW_KEYS[key]:
                    assert item in footer, (key, item, footer)


async def test_view_bar_shows_every_view_in_full_when_wide(make_app) -> None:
    app = make_app(language="fi")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = str(app.screen.query_one(ViewBar).render())
        for label in ("1 Yleiskatsaus", "2 Jäsenet", "3 Webinaarit", "4 Tarinat", "5 Synk"):
            assert label in text


async def test_in_the_filter_box_letters_leave_the_footer(make_app) -> None:
    app = make_app(language="fi")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("2", "/")
        await settle(pilot)
        footer = _footer(app)
        assert "q Lopeta" not in footer and "n Uusi" not in footer
        assert "f2 In English" in footer or "^p" in footer


async def test_a_dialog_shows_its_own_footer_and_ctrl_o_submits_it(make_app, repo) -> None:
    app = make_app(language="fi")
    chosen: list[list[str] | None] = []
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        dialog = PickRecordsDialog(repo, "person", "Valitse", chosen=[])
        app.push_screen(dialog, chosen.append)
        await settle(pilot)
        footer = _footer(app)
        assert "^o Vahvista" in footer and "esc Sulje" in footer
        assert "q Lopeta" not in footer  # the view's keys are not the dialog's
        first = dialog.query_one("#pick-list").get_option_at_index(0).value
        dialog.query_one("#pick-list").select(first)
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert chosen == [[first]]


async def test_ctrl_o_confirms_a_delete(make_app, repo) -> None:
    person = repo.create("person", {"given_name": "Poistettava", "family_name": "Henkilö"})
    app = make_app(language="fi")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.press("2")
        await settle(pilot)
        app.show_record("person", person)
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert "^o Vahvista" in _footer(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert repo.get("person", person) is None


async def test_help_is_searchable(make_app, screen_text) -> None:
    app = make_app(language="fi")
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert isinstance(app.focused, Input)
        rows = str(app.screen.query_one("#help-rows").render())
        assert "Postilista" in rows and "Uutiskirje" in rows and "Synkronoi" in rows
        await pilot.press(*"uutis")
        await settle(pilot)
        rows = str(app.screen.query_one("#help-rows").render())
        assert "Uutiskirje" in rows and "Postilista" not in rows and "Synkronoi" not in rows
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)
