"""Sync from the app: a worker thread, messages, the always-visible indicator."""

from __future__ import annotations

from pathlib import Path

from notices import notices_of

from digikunta_tui.ui.messages import SyncFailed, SyncFinished
from digikunta_tui.ui.screens.members import MembersScreen
from digikunta_tui.ui.widgets.sync_indicator import SyncIndicator
from sync import FileRemote

SIZE = (100, 30)


async def test_sync_through_a_file_remote_updates_the_indicator(
    make_app, screen_text, tmp_path: Path
) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    messages: list[object] = []
    app = make_app(remote=FileRemote(shared))
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        assert app.sync_status.state == "pending"
        assert "pending" in screen_text(app)
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(isinstance(m, SyncFinished) for m in messages)
        assert app.sync_status.state == "synced"
        assert app.sync_status.last_sync is not None
        text = screen_text(app)
        assert "synced" in text and "never synced" not in text
        assert shared.exists()
        await pilot.press("5")
        await pilot.pause()
        assert "ok" in screen_text(app)  # the history lists the sync


async def test_unreachable_remote_shows_offline_without_freezing(
    make_app, screen_text, tmp_path: Path
) -> None:
    messages: list[object] = []
    app = make_app(remote=FileRemote(tmp_path / "no-such-folder" / "digikunta.json"))
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        failures = [m for m in messages if isinstance(m, SyncFailed)]
        assert [f.kind for f in failures] == ["offline"]
        assert app.sync_status.state == "offline"
        assert "offline" in str(app.screen.query_one(SyncIndicator).render())
        await pilot.press("2")  # still responsive
        await pilot.pause()
        assert isinstance(app.screen, MembersScreen)
        assert "offline" in screen_text(app)


async def test_sync_without_a_remote_only_warns(make_app) -> None:
    app = make_app(remote=None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await pilot.pause()
        assert app.sync_status.state == "pending"  # nothing to sync with: changes stay local
        assert all(worker.group != "sync" for worker in app.workers)
        assert any("not configured" in n.message for n in notices_of(app))


async def test_a_second_replica_sees_the_first_ones_data_after_sync(
    make_app, tmp_path: Path
) -> None:
    from digikunta_tui.domain.repository import Repository

    shared = tmp_path / "digikunta.json"
    first = make_app(remote=FileRemote(shared))
    async with first.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await first.workers.wait_for_complete()
        await pilot.pause()
    other = Repository.open(tmp_path / "other", replica_name="other")
    try:
        from digikunta_tui.ui.app import DigikuntaApp

        second = DigikuntaApp(other, remote=FileRemote(shared), language="en")
        async with second.run_test(size=SIZE) as pilot:
            assert other.count("person") == 0
            await pilot.press("s")
            await second.workers.wait_for_complete()
            await pilot.pause()
            assert other.count("person") == 16
            await pilot.press("2")
            await pilot.pause()
            assert second.screen.query_one("FilteredList").records.total == 16
    finally:
        other.close()
