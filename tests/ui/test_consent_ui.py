"""A consent conflict in the Members view: shown with both events, settled from the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from forms_testing import form_of, set_field, settle
from notices import notices_of
from textual.widgets import Static

from digikunta_tui.domain.repository import Repository
from digikunta_tui.ui.forms.flows import record_palette_actions, select_record
from sync import FileRemote, sync


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Repository]:
    """A second coordinator's laptop."""
    repository = Repository.open(tmp_path / "other", replica_name="toinen")
    yield repository
    repository.close()


def synced(repo: Repository, shared: Path) -> None:
    sync(repo.replica, FileRemote(shared))
    repo.refresh()


def subscriber(repo: Repository) -> str:
    """A demo person with an e-mail whose newsletter consent is granted."""
    for row in repo.page("person", limit=100):
        if row.fields.get("email") and repo.consent_state(row.id).get("newsletter") == "granted":
            return row.id
    raise AssertionError("the demo data has no subscriber")


def detail(app) -> str:
    return str(app.screen.query_one("#member-detail", Static).render())


async def test_member_detail_shows_a_consent_conflict_until_it_is_settled(
    make_app, repo: Repository, other: Repository, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)  # (nothing is written to the current folder)
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    pid = subscriber(repo)
    synced(repo, shared)
    synced(other, shared)
    # Decided on both laptops before either synced: a withdrawal here, a new grant there.
    withdrawal = repo.add_consent(pid, "newsletter", "withdrawn")
    regrant = other.add_consent(pid, "newsletter", "granted", source="web_form")
    synced(other, shared)
    synced(repo, shared)
    assert repo.consent_state(pid)["newsletter"] == "conflict"

    app = make_app(export_folder=tmp_path)
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("2")
        await settle(pilot)
        select_record(app.screen, "person", pid)  # the list's cursor on the person
        await settle(pilot)
        text = detail(app)
        assert "Newsletter: conflict: recorded on two laptops, neither knowing of the other" in text
        assert (
            "• Withdrawn, " in text and "recorded by this laptop (test) (Entered manually)" in text
        )
        assert "• Granted, " in text
        assert f"recorded by laptop {other.replica.replica_id} (Web form)" in text
        assert (
            "Settle it by recording the right consent again" in text
            and "record: new consent" in text
        )
        assert "Webinar invitations: Granted" in text  # other purposes as before

        # The mailing list leaves the person out, and says so.
        await pilot.press("3")
        await settle(pilot)
        app.screen.query_one("RecordList").focus()
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("enter")  # the path prompt, the export folder filled in
        await settle(pilot)
        email = repo.get("person", pid)["email"]
        assert email not in next(tmp_path.glob("mailing-list-*.csv")).read_text("utf-8")
        name = f"{repo.get('person', pid)['given_name']} {repo.get('person', pid)['family_name']}"
        warnings = [n.message for n in notices_of(app) if n.severity == "warning"]
        assert f"Left out, newsletter consent in conflict (1): {name}." in " ".join(warnings)
        await pilot.press("2")
        await settle(pilot)
        select_record(app.screen, "person", pid)
        await settle(pilot)

        callbacks = {title: cb for title, _help, cb in record_palette_actions(app)}
        callbacks["record: new consent"]()
        await settle(pilot)
        form = form_of(pilot)
        assert form.editor("person").value == pid
        set_field(form, "purpose", "newsletter")
        set_field(form, "action", "withdrawn")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        text = detail(app)
        assert "Newsletter: Withdrawn" in text
        assert "conflict" not in text and "Settle it" not in text

    state = repo.consent_status(pid)["newsletter"]
    [settled] = state.heads
    assert sorted(settled.fields["follows"]) == sorted([withdrawal, regrant])
    synced(repo, shared)
    synced(other, shared)
    assert other.consent_state(pid)["newsletter"] == "withdrawn"
