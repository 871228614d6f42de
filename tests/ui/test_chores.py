"""Webinar chores and deleting with confirmation, driven through the views' keys."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from forms_testing import settle
from notices import notices_of
from textual.widgets import Button, Input, SelectionList, Static

from digikunta_tui.ui.dialogs.attendance import AttendanceDialog
from digikunta_tui.ui.dialogs.confirm import ChoiceDialog
from digikunta_tui.ui.dialogs.pick import PickRecordsDialog
from digikunta_tui.ui.forms.record_form import RecordForm


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is written to the current folder; it is a temporary one all the same."""
    monkeypatch.chdir(tmp_path)


async def open_view(pilot: Any, key: str, kind: str, record_id: str) -> None:
    """Show a view with a record selected and the list focused (so letter keys reach the view)."""
    await pilot.press(key)
    await settle(pilot)
    pilot.app.screen.show_record(kind, record_id)
    pilot.app.screen.query_one("RecordList").focus()
    await settle(pilot)


def message_of(dialog: ChoiceDialog) -> str:
    return str(dialog.query_one(".dialog-message", Static).render())


def held_webinar(repo: Any) -> str:
    return next(r.id for r in repo.page("webinar") if r.fields.get("status") == "held")


async def test_register_people_with_filter(make_app, repo) -> None:
    app = make_app()
    webinar = held_webinar(repo)
    before = len(repo.registrations_of(webinar))
    pending = repo.replica.pending()
    registered = {reg["person"] for _id, reg, _p in repo.registrations_of(webinar)}
    free = [r for r in repo.page("person", limit=100) if r.id not in registered]
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, "3", "webinar", webinar)
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PickRecordsDialog)
        listing = dialog.query_one(SelectionList)
        offered = {listing.get_option_at_index(i).value for i in range(listing.option_count)}
        assert offered.isdisjoint(registered)
        await pilot.press(*free[0].fields["family_name"])
        await settle(pilot)
        assert listing.option_count >= 1
        await pilot.press("enter")
        assert app.focused is listing
        await pilot.press("space")
        await settle(pilot)
        assert dialog.chosen == [free[0].id], (listing.highlighted, listing.selected)
        dialog.query_one(Input).value = ""
        await settle(pilot)
        listing.select(free[1].id)
        await settle(pilot)
        await pilot.click("#pick-ok")
        await settle(pilot)
        assert not isinstance(app.screen, PickRecordsDialog)
        assert app.sync_status.pending > pending
    people = {reg["person"] for _id, reg, _p in repo.registrations_of(webinar)}
    assert len(people) == before + 2
    assert {free[0].id, free[1].id} <= people


async def test_attendance_for_held_webinar(make_app, repo) -> None:
    app = make_app()
    webinar = held_webinar(repo)
    reg_id = repo.registrations_of(webinar)[0][0]
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, "3", "webinar", webinar)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AttendanceDialog)
        box = dialog.query_one(f"#minutes-{reg_id}", Input)
        box.value = "5000"
        await pilot.click("#attendance-save")
        await settle(pilot)
        assert app.screen is dialog  # too many minutes: stays open with a message
        box.value = "55"
        # The error line above moved the buttons: press it rather than click old coordinates.
        dialog.query_one("#attendance-save", Button).press()
        await settle(pilot)
        assert not isinstance(app.screen, AttendanceDialog)
    assert repo.get("registration", reg_id)["attended_minutes"] == 55


async def test_attendance_refused_before_the_webinar_is_held(make_app, repo) -> None:
    webinar = repo.create(
        "webinar", {"title": "Tuleva", "starts_at": "2018-01-16T10:00:00Z", "status": "planned"}
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, "3", "webinar", webinar)
        await pilot.press("a")
        await settle(pilot)
        assert not isinstance(app.screen, AttendanceDialog)
        messages = [n.message for n in notices_of(app)]
        assert any("held" in m for m in messages)


async def test_ics_and_mailing_list_exports(make_app, repo, tmp_path: Path) -> None:
    app = make_app(export_folder=tmp_path)
    webinar = held_webinar(repo)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, "3", "webinar", webinar)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("enter")  # the path prompt: the export folder is filled in
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        messages = [n.message for n in notices_of(app)]
    ics = tmp_path / f"webinar-{webinar[:8]}.ics"
    assert ics.read_text("utf-8").startswith("BEGIN:VCALENDAR")
    assert any(str(ics) in m for m in messages)
    mailing = next(tmp_path.glob("mailing-list-*.csv"))
    rows = list(csv.DictReader(mailing.open(encoding="utf-8")))
    assert [row["email"] for row in rows] == [p["email"] for p in repo.mailing_list()]
    # The app's file has the columns the CLI's ``digikunta mailing-list`` has, in its order.
    from digikunta_tui.commands.mailing_cmd import render

    cli_header = render(repo.mailing_list(), "csv").splitlines()[0]
    assert mailing.read_text("utf-8").splitlines()[0] == cli_header
    assert cli_header == "email,given_name,family_name,organization"


async def test_a_drafted_newsletter_comes_out_once_in_the_ui_language(make_app, repo) -> None:
    app = make_app()
    webinar = held_webinar(repo)
    story = repo.page("story", limit=1)[0]
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, "3", "webinar", webinar)
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PickRecordsDialog)
        dialog.query_one(SelectionList).select(story.id)
        await settle(pilot)
        await pilot.click("#pick-ok")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RecordForm) and form.kind == "newsletter"
        newsletter_id, fields = repo.newsletter_of(webinar)
        assert form.record_id == newsletter_id
        assert story.id in fields["stories"]
        await pilot.press("ctrl+o")  # save the draft as it is
        await settle(pilot)
        assert not isinstance(app.screen, RecordForm)
    _newsletter_id, fields = repo.newsletter_of(webinar)
    assert "#" not in str(fields.get("body") or "")  # the body is the summary people write
    text = repo.newsletter_markdown(webinar, lang="en")
    assert text.count("\n# ") + text.startswith("# ") == 1  # one heading, not one per wrapping
    assert text.count(story.fields["title"]) == 1
    assert "Webinaari" not in text and "Kokeilut" not in text  # English all through


async def test_delete_person_after_confirmation(make_app, repo) -> None:
    app = make_app()
    person = repo.page("person", limit=1)[0].id
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, "2", "person", person)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.click("#answer-cancel")
        await settle(pilot)
        assert repo.get("person", person) is not None
        await pilot.press("d")
        await settle(pilot)
        await pilot.click("#answer-confirm")
        await settle(pilot)
    assert repo.get("person", person) is None
    assert repo.registrations_of_person(person) == []


async def test_delete_webinar_says_registrations_go_too(make_app, repo) -> None:
    app = make_app()
    webinar = held_webinar(repo)
    registrations = [rid for rid, _r, _p in repo.registrations_of(webinar)]
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, "3", "webinar", webinar)
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert f"registrations will be deleted too ({len(registrations)})" in message_of(dialog)
        await pilot.click("#answer-confirm")
        await settle(pilot)
    assert repo.get("webinar", webinar) is None
    assert all(repo.get("registration", rid) is None for rid in registrations)


async def test_delete_organisation_with_people_unlinks_or_cancels(make_app, repo) -> None:
    app = make_app()
    org = next(r.id for r in repo.page("organization") if repo.people_of(r.id))
    people = [row.id for row in repo.people_of(org)]
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, "2", "organization", org)
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ChoiceDialog)
        assert str(len(people)) in message_of(dialog)
        await pilot.click("#answer-cancel")
        await settle(pilot)
        assert repo.get("organization", org) is not None
        assert all(repo.get("person", p)["organization"] == org for p in people)
        await pilot.press("d")
        await settle(pilot)
        await pilot.click("#answer-unlink")
        await settle(pilot)
    assert repo.get("organization", org) is None
    for person in people:
        fields = repo.get("person", person)
        assert fields is not None and fields.get("organization") is None


async def test_edit_key_opens_the_selected_story(make_app, repo) -> None:
    app = make_app()
    story = repo.page("story", limit=1)[0].id
    async with app.run_test(size=(120, 40)) as pilot:
        await open_view(pilot, "4", "story", story)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm)
        assert app.screen.record_id == story
