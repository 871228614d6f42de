"""Automatic sync every N minutes (from the config) runs the same background sync as `s`."""

from __future__ import annotations

from pathlib import Path

from textual.notifications import Notify

from digikunta_tui.ui.app import DigikuntaApp
from digikunta_tui.ui.messages import SyncFinished
from sync import FileRemote


async def _syncs_done(app: DigikuntaApp) -> None:
    """Wait for the running sync workers (a dashboard load that newer data superseded is
    cancelled by design: waiting for every worker would raise for it)."""
    syncing = [w for w in app.workers if w.group == "sync"]
    if syncing:  # an empty list would mean every worker to ``wait_for_complete``
        await app.workers.wait_for_complete(syncing)


async def test_auto_sync_runs_on_its_own(make_app, tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    messages: list[object] = []
    # 0.002 minutes: a sync every 0.12 s, so the test need not wait long.
    app = make_app(remote=FileRemote(shared), auto_sync_minutes=0.002)
    assert app.repo.replica.pending() > 0  # (the app may sync before its first screen)
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        for _ in range(200):  # a bound on waiting, not a speed requirement
            if any(isinstance(m, SyncFinished) for m in messages):
                break
            await pilot.pause(0.05)
        await _syncs_done(app)
        await pilot.pause()
        assert any(isinstance(m, SyncFinished) for m in messages)
        assert shared.exists()
        assert app.repo.replica.pending() == 0
        # The next interval may already be running: check what it cannot undo.
        assert app.sync_status.pending == 0
        assert app.sync_status.last_sync is not None


async def test_no_auto_sync_without_a_remote_or_interval(make_app, tmp_path: Path) -> None:
    messages: list[object] = []
    app = make_app(remote=None, auto_sync_minutes=0.002)
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        for _ in range(10):
            await pilot.pause(0.05)
        assert not any(isinstance(m, SyncFinished) for m in messages)
        assert app.sync_status.state != "synced"


async def test_an_automatic_sync_that_changes_nothing_does_not_notify(
    make_app, tmp_path: Path
) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    app = make_app(remote=FileRemote(shared), auto_sync_minutes=0.002)
    messages: list[object] = []
    async with app.run_test(size=(100, 30), message_hook=messages.append) as pilot:
        for _ in range(200):  # the first automatic sync pushes the demo data: one notification
            if sum(isinstance(m, SyncFinished) for m in messages) >= 3:
                break
            await pilot.pause(0.05)
        await _syncs_done(app)
        await pilot.pause()
        finished = sum(isinstance(m, SyncFinished) for m in messages)
        assert finished >= 3
        notes = [m.notification.message for m in messages if isinstance(m, Notify)]
        assert len(notes) == 1, notes  # later syncs found nothing new and stayed quiet
