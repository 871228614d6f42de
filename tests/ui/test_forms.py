"""Record forms: create and edit every kind, validation as you type, unsaved changes."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from forms_testing import form_of, set_field, settle, shown_errors, type_into
from textual.widgets import Button, Input, Markdown

from digikunta_tui.domain import index as index_module
from digikunta_tui.domain.repository import Repository
from digikunta_tui.ui.dialogs.confirm import ChoiceDialog
from digikunta_tui.ui.forms.flows import new_record, open_form, record_palette_actions
from digikunta_tui.ui.forms.measurements import MeasurementRow, MeasurementsEditor
from digikunta_tui.ui.forms.record_form import RecordForm


def first(repo: Any, kind: str, **filters: str) -> str:
    """Id of the first listed record of a kind."""
    return str(repo.page(kind, filters=filters or None, limit=1)[0].id)


def unregistered_person(repo: Any, webinar_id: str) -> str:
    """A person not yet registered to the webinar."""
    taken = {reg["person"] for _id, reg, _p in repo.registrations_of(webinar_id)}
    return next(row.id for row in repo.page("person", limit=100) if row.id not in taken)


def new_values(repo: Any) -> dict[str, dict[str, Any]]:
    """Valid input for a new record of every kind (as typed into the form)."""
    webinar = first(repo, "webinar")
    story = first(repo, "story")
    return {
        "organization": {"name": "Tervon kunta", "type": "municipality", "joined_on": "7.11.2017"},
        "person": {"given_name": "Aino", "family_name": "Ärväs", "roles": ["staff"]},
        "webinar": {"title": "Kolmas webinaari", "starts_at": "16.1.2018 12.00"},
        "registration": {"webinar": webinar, "person": unregistered_person(repo, webinar)},
        "newsletter": {"title": "Uutiskirje 2", "body": "# Otsikko\n\nTeksti"},
        "story": {"title": "Uusi kokeilu", "stage": "idea", "themes": "sote, digi"},
        "indicator": {
            "story": story,
            "level": "output",
            "category": "time_saved_h",
            "name": "Säästetyt tunnit",
            "direction": "increase",
        },
        "consent": {
            "person": first(repo, "person"),
            "purpose": "newsletter",
            "action": "granted",
        },
    }


@pytest.mark.parametrize(
    "kind",
    [
        "organization",
        "person",
        "webinar",
        "registration",
        "newsletter",
        "story",
        "indicator",
        "consent",
    ],
)
async def test_new_record_saves_to_the_replica(make_app, repo, kind: str) -> None:
    app = make_app()
    values = new_values(repo)[kind]
    before_count = repo.counts().get(kind, 0)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        before = repo.replica.pending()
        new_record(app, kind)
        await settle(pilot)
        form = form_of(pilot)
        for name, value in values.items():
            set_field(form, name, value)
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert not isinstance(app.screen, RecordForm), shown_errors(app.screen)
        assert repo.counts()[kind] == before_count + 1
        assert repo.replica.pending() > before
        assert app.sync_status.pending == repo.replica.pending()


async def add_person_from_the_list(pilot, given: str, family: str) -> None:
    """In the members view: ``n`` from the list, the two names typed, saved with the button."""
    pilot.app.screen.query_one("RecordList").focus()
    await pilot.press("n")
    await settle(pilot)
    form = form_of(pilot)
    await type_into(pilot, form, "given_name", given)
    await type_into(pilot, form, "family_name", family)
    await pilot.click("#form-save")
    await settle(pilot)


async def test_new_person_appears_selected_in_the_list(make_app, repo) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await add_person_from_the_list(pilot, "Aino", "Ärväs")
        new_id = next(row.id for row in repo.page("person", query="Ärväs"))
        assert app.screen.current == ("person", new_id)
        records = app.screen.query_one("RecordList")
        assert records.highlighted.id == new_id


EDITS = {
    "organization": ("name", "Kuopion kaupunki"),
    "person": ("job_title", "Rehtori"),
    "webinar": ("theme", "Tekoäly"),
    "registration": ("attended_minutes", "45"),
    "newsletter": ("title", "Uutiskirje 1 (korjattu)"),
    "story": ("unit", "Varhaiskasvatus"),
    "indicator": ("unit", "h/kk"),
}


@pytest.mark.parametrize("kind", list(EDITS))
async def test_edit_updates_only_the_changed_field(make_app, repo, kind: str) -> None:
    app = make_app()
    record_id = first(repo, kind)
    old = repo.get(kind, record_id)
    name, value = EDITS[kind]
    async with app.run_test(size=(120, 40)) as pilot:
        before = repo.replica.pending()
        open_form(app, kind, record_id)
        await settle(pilot)
        form = form_of(pilot)
        assert not form.dirty
        set_field(form, name, value)
        await settle(pilot)
        assert form.dirty
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert not isinstance(app.screen, RecordForm)
    new = repo.get(kind, record_id)
    expected = int(value) if name == "attended_minutes" else value
    assert new[name] == expected
    assert {k: v for k, v in new.items() if k != name} == {
        k: v for k, v in old.items() if k != name
    }
    assert repo.replica.pending() >= before


async def test_indicator_measurements_rows_add_and_remove(make_app, repo) -> None:
    app = make_app()
    story = first(repo, "story")
    indicator_id, fields = repo.indicators_of(story)[0]
    count = len(fields.get("measurements") or [])
    async with app.run_test(size=(120, 40)) as pilot:
        open_form(app, "indicator", indicator_id)
        await settle(pilot)
        form = form_of(pilot)
        editor = form.query_one(MeasurementsEditor)
        form.query_one(".measurement-add", Button).press()
        await settle(pilot)
        rows = list(editor.query(MeasurementRow))
        assert len(rows) == count + 1
        rows[-1].query_one(".measurement-value", Input).value = "12,5"
        rows[-1].query_one(".measurement-date", Input).value = "1.2.2018"
        await settle(pilot)
        if count:
            first_remove = rows[0].query_one(".measurement-remove", Button)
            first_remove.press()
            await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert not isinstance(app.screen, RecordForm)
    measurements = repo.get("indicator", indicator_id)["measurements"]
    assert len(measurements) == max(count, 1)
    assert measurements[-1] == {"value": "12.5", "date": "2018-02-01"}


async def test_invalid_measurement_date_blocks_saving(make_app, repo) -> None:
    app = make_app()
    indicator_id, _fields = repo.indicators_of(first(repo, "story"))[0]
    async with app.run_test(size=(120, 40)) as pilot:
        open_form(app, "indicator", indicator_id)
        await settle(pilot)
        form = form_of(pilot)
        form.query_one(".measurement-add", Button).press()
        await settle(pilot)
        row = list(form.query(MeasurementRow))[-1]
        row.query_one(".measurement-value", Input).value = "3"
        row.query_one(".measurement-date", Input).value = "31.2.2018"
        await settle(pilot)
        assert form.editor("measurements").invalid
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.screen is form


async def test_invalid_field_blocks_saving_and_is_focused(make_app, repo, screen_text) -> None:
    app = make_app()
    count = repo.counts()["person"]
    async with app.run_test(size=(120, 40)) as pilot:
        open_form(app, "person")
        await settle(pilot)
        form = form_of(pilot)
        await type_into(pilot, form, "given_name", "Aino")
        await type_into(pilot, form, "family_name", "Ärväs")
        await type_into(pilot, form, "email", "aino.example.fi")
        assert form.editor("email").invalid
        assert "email" in screen_text(app).lower()
        form.editor("given_name").focus_control()
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.screen is form
        assert app.focused is form.editor("email").query_one(Input)
        assert repo.counts()["person"] == count
        await type_into(pilot, form, "email", "aino@example.fi")
        assert not form.editor("email").invalid


async def test_required_field_message_in_finnish(make_app, screen_text) -> None:
    app = make_app(language="fi")
    async with app.run_test(size=(120, 40)) as pilot:
        open_form(app, "person")
        await settle(pilot)
        form = form_of(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert form.editor("given_name").invalid
        assert app.focused is form.editor("given_name").query_one(Input)
        assert "Pakollinen" in screen_text(app) or "pakollinen" in screen_text(app)


async def test_duplicate_email_shows_the_repository_message(make_app, repo, screen_text) -> None:
    app = make_app()
    taken = next(row.fields["email"] for row in repo.page("person") if row.fields.get("email"))
    count = repo.counts()["person"]
    async with app.run_test(size=(120, 40)) as pilot:
        open_form(app, "person")
        await settle(pilot)
        form = form_of(pilot)
        set_field(form, "given_name", "Toinen")
        set_field(form, "family_name", "Henkilö")
        set_field(form, "email", taken.upper())
        await settle(pilot)
        assert not form.editor("email").invalid  # the field alone is fine
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.screen is form
        assert form.editor("email").invalid
        message = str(form.editor("email").query_one(".field-error").render())
        assert message.strip()
        assert repo.counts()["person"] == count


async def test_cancel_with_unsaved_changes_asks(make_app, repo) -> None:
    app = make_app()
    person = first(repo, "person")
    old = repo.get("person", person)
    async with app.run_test(size=(120, 40)) as pilot:
        open_form(app, "person", person)
        await settle(pilot)
        form = form_of(pilot)
        set_field(form, "job_title", "Muutettu")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.click("#answer-keep")
        await settle(pilot)
        assert app.screen is form
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#answer-discard")
        await settle(pilot)
        assert not isinstance(app.screen, (RecordForm, ChoiceDialog))
    assert repo.get("person", person) == old


async def test_unsaved_prompt_can_save(make_app, repo) -> None:
    app = make_app()
    person = first(repo, "person")
    async with app.run_test(size=(120, 40)) as pilot:
        open_form(app, "person", person)
        await settle(pilot)
        set_field(form_of(pilot), "job_title", "Tallennettu")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.click("#answer-save")
        await settle(pilot)
        assert not isinstance(app.screen, (RecordForm, ChoiceDialog))
    assert repo.get("person", person)["job_title"] == "Tallennettu"


async def test_cancel_without_changes_just_closes(make_app, repo) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        open_form(app, "webinar", first(repo, "webinar"))
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, (RecordForm, ChoiceDialog))


async def test_markdown_preview_follows_the_text_and_links_do_nothing(make_app, repo) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        open_form(app, "newsletter")
        await settle(pilot)
        form = form_of(pilot)
        set_field(form, "body", "# Hei\n\n[lopeta](app.quit) [@click=app.quit]x[/]")
        await settle(pilot)
        preview = form.editor("body").query_one(Markdown)
        assert "Hei" in preview.source
        preview.post_message(Markdown.LinkClicked(preview, "app.quit"))
        await settle(pilot)
        assert app.is_running
        assert app.screen is form


def test_consent_events_are_never_edited(repo) -> None:
    consent_id = repo.page("consent", limit=1)[0].id
    with pytest.raises(ValueError):
        RecordForm(repo, "consent", consent_id)


async def test_palette_offers_new_record_commands(make_app) -> None:
    app = make_app()
    async with app.run_test():
        titles = [title for title, _help, _cb in record_palette_actions(app)]
    assert "record: new person" in titles
    assert "record: new webinar" in titles


async def test_new_consent_from_members_starts_with_the_selected_person(make_app, repo) -> None:
    app = make_app()
    person = first(repo, "person")
    events = len(repo.consents_of(person))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        app.screen.show_record("person", person)
        callbacks = dict((t, cb) for t, _h, cb in record_palette_actions(app))
        callbacks["record: new consent"]()
        await settle(pilot)
        form = form_of(pilot)
        assert form.editor("person").value == person
        set_field(form, "purpose", "photo")
        set_field(form, "action", "declined")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
    assert len(repo.consents_of(person)) == events + 1
    assert repo.consent_state(person)["photo"] == "declined"


async def test_a_save_right_after_a_big_change_leaves_that_change_to_the_index_worker(
    make_app, repo, monkeypatch
) -> None:
    monkeypatch.setattr(index_module, "APPLY_NOW_MAX", 5)
    applied_on: list[str] = []
    real_apply = index_module.SearchIndex._apply

    def apply(self, *args, **kwargs):
        applied_on.append(threading.current_thread().name)
        return real_apply(self, *args, **kwargs)

    monkeypatch.setattr(index_module.SearchIndex, "_apply", apply)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        await app.workers.wait_for_complete()
        # Another process (a CLI sync, an import) lands 30 new people in this replica.
        with Repository.open(repo.index_path.parent) as other:
            other.replica.put_many(
                [
                    ("person", f"tuotu{n:03d}", {"given_name": "Tuotu", "family_name": "Kokeilija"})
                    for n in range(30)
                ]
            )
        applied_on.clear()
        await add_person_from_the_list(pilot, "Aino", "Ärväs")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert applied_on and "MainThread" not in applied_on  # 31 changes: the worker's
        assert repo.count("person", query="Kokeilija") >= 30
        new_id = next(row.id for row in repo.page("person", query="Ärväs"))
        assert app.screen.current == ("person", new_id)
