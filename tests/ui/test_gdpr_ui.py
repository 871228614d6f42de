"""GDPR from the Members view: see everything, export JSON, erase, and the erasure syncs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from forms_testing import settle
from textual.widgets import Static

from digikunta_tui.ui.dialogs.confirm import ChoiceDialog
from digikunta_tui.ui.dialogs.gdpr import GdprDialog
from sync import FileRemote


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def person_with_everything(repo) -> str:
    """A person with an email, consents and registrations; given a phone number too."""
    for row in repo.page("person", limit=100):
        if (
            row.fields.get("email")
            and repo.consents_of(row.id)
            and repo.registrations_of_person(row.id)
        ):
            repo.update("person", row.id, {"phone": "+358401234567"})
            return row.id
    raise AssertionError("demo data has no such person")


async def test_gdpr_export_then_erase_and_sync(make_app, repo, tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    person = person_with_everything(repo)
    fields = repo.get("person", person)
    consents = len(repo.consents_of(person))
    registrations = len(repo.registrations_of_person(person))
    app = make_app(remote=FileRemote(shared), export_folder=tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")  # the person's data reaches the shared file first
        await settle(pilot)
        assert fields["email"] in shared.read_text("utf-8")
        await pilot.press("2")
        await settle(pilot)
        app.screen.show_record("person", person)
        app.screen.query_one("RecordList").focus()
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, GdprDialog)
        assert fields["email"] in str(dialog.query_one(".dialog-body Static", Static).render())
        await pilot.click("#gdpr-export")
        await settle(pilot)
        await pilot.press("enter")  # the path prompt, the export folder filled in
        await settle(pilot)
        exported = json.loads((tmp_path / f"gdpr-{person[:8]}.json").read_text("utf-8"))
        assert exported["person"]["email"] == fields["email"]
        await pilot.click("#gdpr-erase")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ChoiceDialog)
        text = str(confirm.query_one(".dialog-message", Static).render())
        assert f"consent events ({consents})" in text
        assert f"webinar registrations ({registrations})" in text
        assert "next sync" in text
        await pilot.click("#answer-confirm")
        await settle(pilot)
        assert not isinstance(app.screen, (GdprDialog, ChoiceDialog))
        assert repo.get("person", person) is None
        await pilot.press("s")
        await settle(pilot)
        await settle(pilot)
    document = shared.read_text("utf-8")
    name = f"{fields['given_name']} {fields['family_name']}"
    for value in (
        name,
        json.dumps(fields["given_name"], ensure_ascii=False),
        json.dumps(fields["family_name"], ensure_ascii=False),
        fields["email"],
        "401234567",
    ):
        assert value not in document
    assert person in document  # only the tombstone remains


async def test_gdpr_needs_a_person(make_app, repo) -> None:
    app = make_app()
    org = repo.page("organization", limit=1)[0].id
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        app.screen.show_record("organization", org)
        app.screen.query_one("RecordList").focus()
        await pilot.press("g")
        await settle(pilot)
        assert not isinstance(app.screen, GdprDialog)
