"""The app's sync worker: every failure shows, automatic sync goes on, quitting cancels a sync."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from textual import work
from textual.notifications import Notify
from textual.widgets import Static
from textual.worker import WorkerState

from digikunta_tui.domain.repository import Repository
from digikunta_tui.ui.app import DigikuntaApp
from digikunta_tui.ui.messages import SyncFailed, SyncFinished
from digikunta_tui.ui.widgets.sync_indicator import SyncIndicator
from sync import FileRemote, RemoteRead

SIZE = (100, 30)
SAFETY_WAIT = 60.0
"""Only so that a broken build fails instead of hanging; never reached when things work."""


class FailingOnceRemote(FileRemote):
    """A real shared file whose first read raises ``fault``; later reads work."""

    def __init__(self, path: Path, fault: BaseException) -> None:
        super().__init__(path)
        self.fault: BaseException | None = fault

    def read(self, known_tag: str | None) -> RemoteRead:
        """Raise the fault once."""
        fault, self.fault = self.fault, None
        if fault is not None:
            raise fault
        return super().read(known_tag)


class BlockingReadRemote(FileRemote):
    """A real shared file whose first read blocks until ``release`` is set.

    With ``cancellable`` it has the ``cancel()`` an HTTP remote has: it releases the read.
    """

    def __init__(self, path: Path, *, cancellable: bool) -> None:
        super().__init__(path)
        self.entered = threading.Event()
        self.release = threading.Event()
        self.returned = threading.Event()
        self.cancel_calls = 0
        if cancellable:
            self.cancel = self._cancel  # type: ignore[method-assign]

    def _cancel(self) -> None:
        self.cancel_calls += 1
        self.release.set()

    def read(self, known_tag: str | None) -> RemoteRead:
        """Block (the first time) until released."""
        try:
            if not self.entered.is_set():
                self.entered.set()
                assert self.release.wait(SAFETY_WAIT)
            return super().read(known_tag)
        finally:
            self.returned.set()


async def _until(pilot: Any, condition: Any) -> bool:
    """Let the app run until ``condition()`` holds (a bound on waiting, not on speed)."""
    for _ in range(600):
        if condition():
            return True
        await pilot.pause(0.05)
    return bool(condition())


FAULTS = [
    pytest.param(MemoryError(), "MemoryError", id="MemoryError"),
    pytest.param(
        RecursionError("maximum recursion depth exceeded"), "RecursionError", id="RecursionError"
    ),
    pytest.param(
        sqlite3.OperationalError("database or disk is full"),
        "database or disk is full",
        id="disk-full",
    ),
    pytest.param(RuntimeError("the remote has a bug"), "the remote has a bug", id="RuntimeError"),
]


@pytest.mark.parametrize(("fault", "shown"), FAULTS)
async def test_any_failure_shows_and_the_next_automatic_sync_runs(
    make_app, tmp_path: Path, fault: BaseException, shown: str
) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    messages: list[object] = []
    # A long interval: the test drives the timer's callback itself.
    app = make_app(remote=FailingOnceRemote(shared, fault), auto_sync_minutes=60)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        failures = [m for m in messages if isinstance(m, SyncFailed)]
        assert [f.kind for f in failures] == ["error"] and shown in failures[0].message
        assert app.sync_status.state == "error"
        assert "sync failed" in str(app.screen.query_one(SyncIndicator).render())
        await pilot.press("5")
        await pilot.pause()
        state = str(app.screen.query_one("#sync-status", Static).render())
        assert "State: sync failed: " in state and shown in state
        app.auto_sync()  # the timer fires
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(isinstance(m, SyncFinished) for m in messages)
        assert app.sync_status.state == "synced"
        assert shared.exists() and app.repo.replica.pending() == 0


async def test_the_timer_keeps_syncing_after_a_failure(make_app, tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    messages: list[object] = []
    remote = FailingOnceRemote(shared, RuntimeError("first sync fails"))
    app = make_app(remote=remote, auto_sync_minutes=0.002)  # every 0.12 s, driven by the timer
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        assert await _until(pilot, lambda: any(isinstance(m, SyncFinished) for m in messages))
        await app.workers.wait_for_complete()
        assert [m.kind for m in messages if isinstance(m, SyncFailed)] == ["error"]
        assert shared.exists()


class BrokenWorkerApp(DigikuntaApp):
    """The sync worker itself has a bug outside its error handling (a fault injected here)."""

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync")
    def run_sync(self, cancel: threading.Event) -> None:
        raise RuntimeError("a bug in the worker")


async def test_a_worker_that_dies_still_ends_syncing(repo: Repository, tmp_path: Path) -> None:
    app = BrokenWorkerApp(repo, remote=FileRemote(tmp_path / "digikunta.json"), language="en")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert await _until(pilot, lambda: not app.sync_status.syncing)
        assert app.sync_status.state == "error"
        assert "a bug in the worker" in app.sync_status.detail()
        app.auto_sync()  # not skipped as "a sync is running": it starts and fails again
        assert app.sync_status.state == "syncing"
        assert await _until(pilot, lambda: not app.sync_status.syncing)
        assert app.sync_status.state == "error"


@pytest.mark.parametrize("key", ["q", "ctrl+c"])
async def test_quit_cancels_a_running_sync_and_loses_nothing(
    make_app, repo: Repository, tmp_path: Path, key: str
) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    person = repo.page("person", limit=1)[0]
    repo.update("person", person.id, {"notes": "a pending edit"})
    pending = repo.replica.pending()
    remote = BlockingReadRemote(shared, cancellable=True)
    messages: list[object] = []
    app = make_app(remote=remote)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.press("s")
        assert await asyncio.to_thread(remote.entered.wait, SAFETY_WAIT)
        worker = next(w for w in app.workers if w.group == "sync")
        await pilot.press(key)
        assert await _until(pilot, lambda: app.return_code is not None)  # it exits by itself
    assert remote.cancel_calls == 1 and remote.returned.is_set()
    assert worker.state == WorkerState.SUCCESS  # the worker ended (it reported the cancel)
    assert [m.kind for m in messages if isinstance(m, SyncFailed)] == ["cancelled"]
    notes = [m.notification.message for m in messages if isinstance(m, Notify)]
    assert not any("failed" in note.lower() for note in notes)  # quitting is silent
    assert repo.get("person", person.id)["notes"] == "a pending edit"
    assert repo.replica.pending() == pending  # nothing committed, nothing lost
    assert not shared.exists()  # nothing written either
    assert repo.replica.history(limit=1)[0].outcome == "cancelled"


async def test_quit_waits_for_a_sync_it_cannot_cut_short(make_app, tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    remote = BlockingReadRemote(shared, cancellable=False)  # a file remote: no cancel()
    app = make_app(remote=remote)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        assert await asyncio.to_thread(remote.entered.wait, SAFETY_WAIT)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code is None and app.is_running  # still waiting for the worker
        assert app.sync_status.state == "finishing"
        assert "finishing the sync" in str(app.screen.query_one(SyncIndicator).render())
        await pilot.press("s")  # no new sync once quitting
        assert sum(1 for w in app.workers if w.group == "sync") == 1
        remote.release.set()
        assert await _until(pilot, lambda: app.return_code is not None)
    assert not shared.exists()  # the sync stopped at its next step, before writing


async def test_quit_without_a_sync_exits_at_once(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+c")
        assert await _until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 0


async def test_a_warning_of_the_sync_is_shown_and_kept_in_the_history(
    make_app, repo: Repository, tmp_path: Path
) -> None:
    from sync import sync

    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    sync(repo.replica, FileRemote(shared))
    whole = shared.read_bytes()
    shared.write_bytes(whole[: len(whole) // 2])  # a torn upload on a server writing in place
    messages: list[object] = []
    app = make_app(remote=FileRemote(shared))
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        warnings = [
            m.notification
            for m in messages
            if isinstance(m, Notify) and m.notification.severity == "warning"
        ]
        assert len(warnings) == 1 and "truncated" in warnings[0].message
        assert app.sync_status.state != "failed"
    assert "truncated" in repo.replica.history(limit=1)[0].message
    from sync.document import parse_document

    restored = parse_document(shared.read_bytes(), "restored").all_records()
    assert set(restored) == set(parse_document(whole, "before").all_records())
