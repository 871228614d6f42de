"""Daily-use bugs of the app: the members sub-tabs and palette jumps, labels after a language
switch (Textual's own included), a new replica's sync state, counts and check boxes."""

from __future__ import annotations

from pathlib import Path

from forms_testing import form_of, settle
from textual.widgets import Select, Static, Tabs

from digikunta_tui.ui.forms.flows import open_form
from digikunta_tui.ui.screens.members import MembersScreen
from digikunta_tui.ui.widgets.check_list import CheckList
from digikunta_tui.ui.widgets.filtered_list import FilteredList
from digikunta_tui.ui.widgets.sync_indicator import SyncIndicator
from sync import FileRemote

SIZE = (100, 30)


def _far_person(repo) -> str:
    """A person the list shows after the first rows (so a jump cannot just take row 0)."""
    return repo.create("person", {"given_name": "Öljy", "family_name": "Öhman"})


async def test_palette_jump_to_a_person_from_the_organisations_tab_shows_people(
    make_app, repo, screen_text
) -> None:
    person = _far_person(repo)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("o")  # the organisations sub-tab
        await settle(pilot)
        assert app.screen.query_one(FilteredList).kind == "organization"
        app.show_record("person", person)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MembersScreen)
        assert screen.query_one(FilteredList).kind == "person"
        assert screen.query_one("#member-kinds", Tabs).active == "kind-person"
        assert screen.current == ("person", person)
        highlighted = screen.query_one(FilteredList).records.highlighted
        assert (highlighted.kind, highlighted.id) == ("person", person)
        await pilot.press("e")  # edits the person shown, who is also the list's row
        await settle(pilot)
        assert form_of(pilot).record_id == person


async def test_detail_keeps_the_person_jumped_to_after_a_consent_is_saved(
    make_app, repo, screen_text
) -> None:
    person = _far_person(repo)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press(*"/kuopio", "enter")  # a filter the person is not in
        await settle(pilot)
        app.show_record("person", person)
        await settle(pilot)
        assert app.screen.current == ("person", person)
        open_form(app, "consent", defaults={"person": person, "purpose": "newsletter",
                                            "action": "granted", "at": "2017-12-01T08:00:00Z",
                                            "source": "manual"})  # fmt: skip
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, MembersScreen)
        assert app.screen.current == ("person", person)
        assert "Öljy Öhman" in screen_text(app)
        await pilot.press("down")  # moving the cursor shows the list's row again
        await settle(pilot)
        assert app.screen.current != ("person", person)


async def test_members_sub_tab_keys(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert app.screen.query_one(FilteredList).kind == "organization"
        await pilot.press("p")
        await settle(pilot)
        assert app.screen.query_one(FilteredList).kind == "person"
        assert app.screen.query_one("#member-kinds", Tabs).active == "kind-person"


async def test_language_switch_relabels_the_webinar_and_story_filters(
    make_app, screen_text
) -> None:
    app = make_app(language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await settle(pilot)
        assert "Kaikki webinaarit" in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        text = screen_text(app)
        assert "All webinars" in text and "Kaikki webinaarit" not in text
        await pilot.press("4")
        await settle(pilot)
        stage = app.screen.query_one("#filter-stage", Select)
        stage.value = "running"
        await settle(pilot)
        assert "Running" in screen_text(app)
        await pilot.press("f2")
        await settle(pilot)
        text = screen_text(app)
        assert "Käynnissä" in text and "Running" not in text
        assert "Organisaatio" in text and "Organisation" not in text


async def test_textual_strings_are_finnish_in_the_finnish_ui(make_app, screen_text) -> None:
    app = make_app(language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await settle(pilot)
        text = screen_text(app)
        assert "Search for commands" not in text and "Hae henkilöä" in text
        await pilot.press("escape")
        await pilot.press("3")
        await settle(pilot)
        app.screen.query_one("#when", Select).focus()
        await pilot.press("enter")  # opens the menu: its footer key closes it
        await settle(pilot)
        text = screen_text(app)
        assert "Dismiss menu" not in text and "Sulje valikko" in text
        assert "palette" not in text


async def test_a_new_replica_is_not_shown_as_synced(tmp_path: Path) -> None:
    from conftest import FROZEN_NOW

    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp

    # A new laptop: an empty replica, nothing pending, a shared file it has never synced with.
    repo = Repository.open(tmp_path / "new", replica_name="uusi")
    remote = FileRemote(tmp_path / "shared.json")
    app = DigikuntaApp(repo, remote=remote, language="fi", clock=lambda: FROZEN_NOW)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            indicator = app.screen.query_one(SyncIndicator)
            shown = str(indicator.render())
            assert "ajan tasalla" not in shown, shown
            assert "ei vielä synkronoitu" in shown
            assert not indicator.has_class("-synced")
            await pilot.press("s")
            await app.workers.wait_for_complete()
            await settle(pilot)
            shown = str(app.screen.query_one(SyncIndicator).render())
            assert "ajan tasalla" in shown and "ei vielä" not in shown
    finally:
        repo.close()


async def test_delete_confirmation_counts_read_right_in_finnish(make_app, repo, screen_text):
    person = repo.create("person", {"given_name": "Yksi", "family_name": "Ilmoittautuja"})
    webinar = repo.page("webinar", limit=1)[0].id
    repo.register(webinar, [person])
    app = make_app(language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        app.show_record("person", person)
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        text = str(app.screen.query_one(".dialog-message", Static).render())
        assert "Yksi Ilmoittautuja" in text
        assert "1 webinaari-ilmoittautumistaan" not in text  # "1" with a plural partitive
        assert "webinaari-ilmoittautumisensa poistetaan (1 kpl)" in text


async def test_unticked_role_boxes_are_empty(make_app, repo, screen_text) -> None:
    person = repo.create(
        "person", {"given_name": "Rooli", "family_name": "Testi", "roles": ["facilitator"]}
    )
    app = make_app(language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        open_form(app, "person", person)
        await settle(pilot)
        boxes = form_of(pilot).editor("roles").query_one(CheckList)

        def lines() -> list[str]:
            return [boxes.render_line(y).text for y in range(boxes.option_count)]

        ticked = [line for line in lines() if "▐X▌" in line]
        unticked = [line for line in lines() if "▐ ▌" in line]
        assert len(ticked) == 1 and "Fasilitaattori" in ticked[0], lines()
        assert len(unticked) == boxes.option_count - 1, lines()
        boxes.select("staff")
        await settle(pilot)
        assert len([line for line in lines() if "▐X▌" in line]) == 2
