"""Syncs that end at awkward moments: right before the next one starts, and while quitting."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from textual.worker import Worker, WorkerState

from digikunta_tui.ui.app import DigikuntaApp
from digikunta_tui.ui.messages import SyncFailed, SyncFinished
from sync import FileRemote

SIZE = (100, 30)
SAFETY_WAIT = 60.0
"""Only so that a broken build fails instead of hanging; never reached when things work."""


async def test_a_sync_started_as_one_reports_cancels_no_worker(make_app, tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    app: DigikuntaApp = make_app(remote=FileRemote(shared))
    messages: list[object] = []
    started_again = False

    def hook(message: object) -> None:
        nonlocal started_again
        messages.append(message)
        if isinstance(message, SyncFinished) and not started_again:
            started_again = True
            # As the automatic sync's timer may: the next sync starts right after the report.
            app.call_later(app.action_sync_now)

    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await pilot.press("s")
        for _ in range(400):  # a bound on waiting, not a speed requirement
            if sum(isinstance(m, SyncFinished) for m in messages) >= 2:
                break
            await pilot.pause(0.02)
        await app.workers.wait_for_complete()  # raised WorkerCancelled before the fix
        await pilot.pause()
        syncs = [m for m in messages if isinstance(m, Worker.StateChanged)]
        states = [m.state for m in syncs if m.worker.group == "sync"]
        assert WorkerState.CANCELLED not in states
        assert sum(isinstance(m, SyncFinished) for m in messages) == 2
        assert app.sync_status.state == "synced"


class BlockingRemote(FileRemote):
    """A shared file whose first ``write`` waits until the test releases it."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.entered = threading.Event()
        self.release = threading.Event()

    def write(self, data: Any, expected_tag: str | None, *, scrub: frozenset[str]) -> str:
        """Block between the merge and the write."""
        self.entered.set()
        self.release.wait(SAFETY_WAIT)
        return super().write(data, expected_tag, scrub=scrub)


async def test_a_sync_ending_while_the_app_quits_ends_it_cleanly(make_app, tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    remote = BlockingRemote(shared)
    app: DigikuntaApp = make_app(remote=remote)
    messages: list[object] = []
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        await pilot.press("s")
        assert await asyncio.to_thread(remote.entered.wait, SAFETY_WAIT)
        await pilot.press("q")  # quitting: "finishing the sync…"
        remote.release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert any(isinstance(m, (SyncFinished, SyncFailed)) for m in messages)
    assert app.return_code in (0, None)
