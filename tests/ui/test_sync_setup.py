"""Sync set-up in the app (a dialog, written to the config keeping its comments) and
"sync before quitting?" when changes are pending and a remote is set."""

from __future__ import annotations

from pathlib import Path

from forms_testing import settle
from notices import notices_of
from textual.widgets import Input

from digikunta_tui.config import SyncSettings, load_config
from digikunta_tui.domain.repository import Repository
from digikunta_tui.remotes import make_remote
from digikunta_tui.ui.dialogs.confirm import ChoiceDialog
from digikunta_tui.ui.dialogs.sync_setup import SyncSetup, SyncSetupDialog
from sync import FileRemote

SIZE = (120, 36)
CONFIG = '# my settings\n[ui]\nlanguage = "en"  # keep English\n'


def setup_for(config: Path) -> SyncSetup:
    return SyncSetup(
        config_file=config,
        make_remote=lambda target: make_remote(SyncSettings(), target),
        replica_name="test",
    )


async def test_sync_is_set_up_from_the_app_and_saved_in_the_config(
    make_app, repo: Repository, tmp_path: Path
) -> None:
    config = tmp_path / "config.toml"
    config.write_text(CONFIG, "utf-8")
    shared = tmp_path / "jaettu" / "digikunta.json"
    shared.parent.mkdir()
    app = make_app(sync_setup=setup_for(config))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")  # not set up yet: the set-up dialog opens
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SyncSetupDialog)
        box = dialog.query_one("#setup-remote", Input)
        box.value = str(tmp_path / "ei-ole" / "digikunta.json")
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert app.screen is dialog  # refused in the dialog, nothing written
        assert "does not exist" in str(dialog.query_one("#setup-error").render())
        assert config.read_text("utf-8") == CONFIG
        box.value = str(shared)
        dialog.query_one("#setup-name", Input).value = "Ville, läppäri"
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert not isinstance(app.screen, SyncSetupDialog)
        assert isinstance(app.remote, FileRemote)
        await pilot.press("s")  # syncs with the new shared file at once
        await settle(pilot)
        assert shared.exists() and repo.pending() == 0
    text = config.read_text("utf-8")
    assert text.startswith(CONFIG)  # the user's lines and comments as they were
    cfg = load_config(config, environ={})
    assert cfg.sync.remote == str(shared) and cfg.replica.name == "Ville, läppäri"
    assert cfg.ui.language == "en"


async def test_without_a_way_to_set_it_up_s_only_explains(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await settle(pilot)
        assert not isinstance(app.screen, SyncSetupDialog)
        assert any("sync: set up" in n.message for n in notices_of(app))


async def test_quitting_with_pending_changes_asks_to_sync_first_and_then_syncs(
    make_app, repo: Repository, tmp_path: Path
) -> None:
    shared = tmp_path / "digikunta.json"
    app = make_app(remote=FileRemote(shared))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.sync_status.pending > 0  # the demo data was never synced
        await pilot.press("q")
        await settle(pilot)
        question = app.screen
        assert isinstance(question, ChoiceDialog)
        await pilot.click("#answer-cancel")  # back to work
        await settle(pilot)
        assert app.is_running and not isinstance(app.screen, ChoiceDialog)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)  # asked again
        await pilot.click("#answer-sync")
        await settle(pilot)
    assert app.return_code == 0
    assert repo.pending() == 0 and shared.exists()


async def test_quit_without_syncing_keeps_the_changes_pending(
    make_app, repo: Repository, tmp_path: Path
) -> None:
    shared = tmp_path / "digikunta.json"
    app = make_app(remote=FileRemote(shared))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        await pilot.click("#answer-quit")
        await settle(pilot)
    assert repo.pending() > 0 and not shared.exists()


async def test_a_failed_sync_before_quitting_keeps_the_app_open(
    make_app, repo: Repository, tmp_path: Path
) -> None:
    unreachable = tmp_path / "no-such-folder" / "digikunta.json"
    app = make_app(remote=FileRemote(unreachable))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        await pilot.click("#answer-sync")
        await settle(pilot)
        assert app.is_running and repo.pending() > 0
        assert app.sync_status.state == "offline"
        await pilot.press("q")  # asked once: now it quits
        await settle(pilot)
    assert app.return_code == 0
