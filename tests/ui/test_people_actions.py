"""From a person: consents granted and withdrawn with their history, webinars registered and
unregistered; from a story: its indicators. Driven by Pilot on the demo data."""

from __future__ import annotations

from forms_testing import form_of, set_field, settle
from notices import notices_of
from textual.widgets import SelectionList, Static

from digikunta_tui.domain.repository import Repository
from digikunta_tui.ui.dialogs.confirm import ChoiceDialog
from digikunta_tui.ui.dialogs.person_actions import ConsentsDialog
from digikunta_tui.ui.dialogs.pick import PickRecordsDialog
from digikunta_tui.ui.dialogs.story_actions import ChooseDialog
from digikunta_tui.ui.forms.flows import select_record

SIZE = (120, 36)


def registered_person(repo: Repository) -> str:
    """A demo person with at least one registration."""
    for row in repo.page("person", limit=100):
        if repo.registrations_of_person(row.id):
            return row.id
    raise AssertionError("the demo data has no registered person")


async def show_person(pilot, person_id: str) -> None:
    await pilot.press("2")
    await settle(pilot)
    select_record(pilot.app.screen, "person", person_id)
    pilot.app.screen.query_one("RecordList").focus()
    await settle(pilot)


async def test_consents_are_granted_and_withdrawn_from_the_person_with_their_history(
    make_app, repo: Repository
) -> None:
    person = registered_person(repo)
    before = len(repo.consent_history(person))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await show_person(pilot, person)
        await pilot.press("ctrl+k")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConsentsDialog)
        await pilot.click("#withdraw-photo")
        await settle(pilot)
        assert repo.consent_state(person)["photo"] == "withdrawn"
        state = str(dialog.query_one("#state-photo", Static).render())
        assert state == "Photo: Withdrawn"
        await pilot.click("#grant-photo")
        await settle(pilot)
        assert repo.consent_state(person)["photo"] == "granted"
        history = str(dialog.query_one("#consent-history", Static).render()).splitlines()
        assert len(history) == before + 2
        assert "Photo: Granted (recorded by this laptop (test), Entered manually)" in history[0]
        assert "Photo: Withdrawn" in history[1]
        await pilot.press("escape")
        await settle(pilot)
        detail = str(app.screen.query_one("#member-detail", Static).render())
        assert "Photo: Granted" in detail
        assert app.sync_status.pending > 0


async def test_the_consent_keys_say_to_choose_a_person_on_the_organisations_tab(
    make_app, repo: Repository
) -> None:
    app = make_app()
    org = repo.page("organization", limit=1)[0].id
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await settle(pilot)
        app.screen.show_record("organization", org)
        app.screen.query_one("RecordList").focus()
        await pilot.press("ctrl+k")
        await settle(pilot)
        assert not isinstance(app.screen, ConsentsDialog)
        assert any("Choose a person first" in n.message for n in notices_of(app))


async def test_a_person_is_registered_and_unregistered_from_the_members_view(
    make_app, repo: Repository
) -> None:
    person = registered_person(repo)
    [(reg_id, reg, _webinar)] = repo.registrations_of_person(person)[:1]
    registered_to = reg["webinar"]
    other = next(row.id for row in repo.page("webinar") if row.id != registered_to)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await show_person(pilot, person)
        await pilot.press("ctrl+r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PickRecordsDialog)
        listing = dialog.query_one(SelectionList)
        assert registered_to in listing.selected  # ticked: registered now
        listing.deselect(registered_to)
        listing.select(other)
        await settle(pilot)
        await pilot.click("#pick-ok")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ChoiceDialog)  # unregistering asks first
        await pilot.click("#answer-confirm")
        await settle(pilot)
        webinars = {r["webinar"] for _id, r, _w in repo.registrations_of_person(person)}
        assert other in webinars and registered_to not in webinars
        assert repo.get("registration", reg_id) is None
        assert any("added 1, removed 1" in n.message for n in notices_of(app))


async def test_indicators_are_added_and_edited_from_their_story(make_app, repo: Repository) -> None:
    story = next(row.id for row in repo.page("story") if repo.indicators_of(row.id))
    count = len(repo.indicators_of(story))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        await settle(pilot)
        select_record(app.screen, "story", story)
        app.screen.query_one("RecordList").focus()
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, ChooseDialog)
        assert len(app.screen.options) == count + 1
        await pilot.press("enter")  # "+ New indicator", the first option
        await settle(pilot)
        form = form_of(pilot)
        assert form.kind == "indicator"
        assert form.editor("story").stored_value() == story
        set_field(form, "name", "Uusi mittari")
        set_field(form, "level", "output")
        set_field(form, "category", "time_saved_h")
        set_field(form, "direction", "decrease")
        set_field(form, "unit", "h")
        await pilot.press("ctrl+o")
        await settle(pilot)
        names = [fields.get("name") for _id, fields in repo.indicators_of(story)]
        assert len(names) == count + 1 and "Uusi mittari" in names
