"""The palette with a name typed: records rank above actions, and Enter never runs an action
that only a scattering of the name's letters matched (it once undid a saved consent)."""

from __future__ import annotations

from textual.command import Command, CommandList, CommandPalette

from digikunta_tui.ui.commands import PaletteTarget
from digikunta_tui.ui.screens.members import MembersScreen

SIZE = (100, 30)


def _tiina_with_a_consent(repo) -> tuple[str, str]:
    """A person whose name's letters also appear, in order, in "tietue: uusi webinaari"; and a
    consent recorded just now (what "undo" would take back)."""
    person = repo.create("person", {"given_name": "Tiina", "family_name": "Tuomela"})
    consent = repo.add_consent(person, "newsletter", "granted", source="manual")
    return person, consent


async def _options_for(pilot, query: str) -> list[PaletteTarget]:
    """Type ``query`` into the open palette and wait until its hits are listed."""
    await pilot.press(*query)
    options = pilot.app.screen.query_one(CommandList)
    for _ in range(200):
        await pilot.pause(0.05)
        targets = [
            option.hit.command
            for option in (options.get_option_at_index(i) for i in range(options.option_count))
            if isinstance(option, Command)
        ]
        if targets and all(
            isinstance(target, PaletteTarget) and target.query == query for target in targets
        ):
            return targets
    raise AssertionError(f"the palette never listed the hits of {query!r}")


async def test_palette_ranks_people_above_actions(make_app, repo) -> None:
    _tiina_with_a_consent(repo)
    app = make_app(language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        targets = await _options_for(pilot, "ti")  # both people and actions start with "ti"
        assert targets[0].record
        kinds = [target.record for target in targets]
        assert kinds == sorted(kinds, reverse=True), "an action ranked above a record"
        assert not kinds[-1], "'ti' starts 'tietue: …': the actions are listed too, below"


async def test_palette_offers_no_action_for_a_name(make_app, repo) -> None:
    _tiina_with_a_consent(repo)
    app = make_app(language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        targets = await _options_for(pilot, "tiina")
        assert targets and all(target.record for target in targets)


async def test_palette_name_and_enter_at_once_opens_the_person_and_undoes_nothing(
    make_app, repo
) -> None:
    person, consent = _tiina_with_a_consent(repo)
    app = make_app(language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        # Enter arrives with the name, before the palette has listed the name's hits: the list
        # still shows the actions offered before anything was typed.
        await pilot.press(*"tiina", "enter")
        for _ in range(200):
            await pilot.pause(0.05)
            if isinstance(app.screen, MembersScreen) and app.screen.current == ("person", person):
                break
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not CommandPalette.is_open(app)
        assert isinstance(app.screen, MembersScreen)
        assert app.screen.current == ("person", person)
        assert repo.get("consent", consent) is not None, "the consent was undone"
        assert repo.get("person", person) is not None


async def test_palette_enter_on_a_name_that_matches_nothing_runs_nothing(make_app, repo) -> None:
    _person, consent = _tiina_with_a_consent(repo)
    app = make_app(language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"xyzzy", "enter")
        await pilot.pause(0.3)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert repo.get("consent", consent) is not None
        assert CommandPalette.is_open(app)  # still open, saying there is no match
        options = app.screen.query_one(CommandList)
        for _ in range(200):
            if options.option_count and "Ei osumia" in str(options.get_option_at_index(0).prompt):
                break
            await pilot.pause(0.05)
        assert "Ei osumia" in str(options.get_option_at_index(0).prompt)
