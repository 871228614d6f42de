"""A large sync shows its progress (posted from the worker), and quitting during it ends soon.

``HeldSyncApp`` is the real app; the test holds its sync worker inside the engine's progress
report for the first merge chunk (the sync is under way, nothing committed yet) and waits for
that with an Event, never with a sleep.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from large_pull import shared_with_many_people
from textual.widgets import ProgressBar

from digikunta_tui.domain.repository import Repository
from digikunta_tui.ui.app import DigikuntaApp
from digikunta_tui.ui.messages import SyncFinished, WorkProgressed
from digikunta_tui.ui.widgets.work_progress import WorkProgress
from sync import FileRemote

SIZE = (100, 30)
HOLD_SECONDS = 60


class HeldSyncApp(DigikuntaApp):
    """The app, its sync held at the first merge chunk's progress report until released."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.held = threading.Event()
        self.release = threading.Event()

    def _sync_progress(self) -> Callable[[str, int, int], None]:
        report = super()._sync_progress()

        def progress(phase: str, done: int, total: int) -> None:
            report(phase, done, total)
            if phase == "merging" and not self.held.is_set():
                self.held.set()
                self.release.wait(HOLD_SECONDS)

        return progress


async def test_a_large_pull_shows_its_progress_in_the_status_area(
    repo: Repository, tmp_path: Path, screen_text
) -> None:
    shared = shared_with_many_people(tmp_path, 1000, seed=2)
    messages: list[object] = []
    app = HeldSyncApp(repo, remote=FileRemote(shared), language="en")
    try:
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await pilot.press("s")
            assert await asyncio.to_thread(app.held.wait, HOLD_SECONDS)
            await pilot.pause()
            assert app.activity is not None and app.activity.kind == "merging"
            status = app.screen.query_one(WorkProgress)
            bar = status.query_one(ProgressBar)
            assert bar.total is not None and bar.total > 3000  # records to merge
            assert "merging…" in screen_text(app)
            await pilot.press("2")  # the UI answers meanwhile
            await pilot.pause()
            assert app.screen.query_one(WorkProgress).query_one(ProgressBar)
            app.release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            await app.workers.wait_for_complete()  # the index refresh after it
            await pilot.pause()
            assert app.activity is None
            assert not app.screen.query_one(WorkProgress).has_class("-active")
    finally:
        app.release.set()
    progressed = [m for m in messages if isinstance(m, WorkProgressed)]
    sync_phases = [m.kind for m in progressed if m.work == "sync"]
    assert {"reading", "merging", "committing"} <= set(sync_phases)
    merging = [m for m in progressed if m.kind == "merging"]
    assert merging[-1].done == merging[-1].total > 3000
    assert any(m.work == "index" for m in progressed)  # the refresh after it showed too
    assert any(isinstance(m, SyncFinished) for m in messages)


async def test_quitting_during_a_large_merge_ends_the_app_and_commits_nothing(
    repo: Repository, tmp_path: Path, screen_text
) -> None:
    shared = shared_with_many_people(tmp_path, 1000, seed=2)
    people = repo.counts()["person"]
    pending = repo.replica.pending()
    app = HeldSyncApp(repo, remote=FileRemote(shared), language="en")
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("s")
            assert await asyncio.to_thread(app.held.wait, HOLD_SECONDS)
            await pilot.press("q")
            await pilot.pause()
            assert "finishing the sync" in screen_text(app)
            assert app.return_code is None  # still running: the sync has not stopped yet
            app.release.set()  # the engine checks the cancel flag at the next merge chunk
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app._exit  # the app ended as soon as the sync worker had
    finally:
        app.release.set()
    assert repo.counts()["person"] == people  # nothing pulled was committed
    assert repo.replica.pending() == pending  # and the local changes are still to push
