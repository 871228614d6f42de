"""Quitting while a sync hangs on a server that dribbles one byte at a time (a real HttpRemote).

The slices meet here: the app's quit sets the sync's cancel flag and calls ``HttpRemote.cancel``,
which shuts the socket the worker is blocked on. The app exits by itself, the server sees the
client go, the worker has ended, and the pending edit is still pending, with nothing written.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

from textual.worker import WorkerState

from digikunta_tui.domain.repository import Repository
from sync.http_remote import HttpRemote

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
from hostile_server import run_hostile

SIZE = (100, 30)
SAFETY_WAIT = 60.0
"""Only so that a broken build fails instead of hanging; never reached when things work."""


async def _until(pilot: Any, condition: Any) -> bool:
    for _ in range(1200):
        if condition():
            return True
        await pilot.pause(0.05)
    return bool(condition())


async def test_q_during_a_dribbling_download_exits_and_loses_nothing(
    make_app, repo: Repository
) -> None:
    person = repo.page("person", limit=1)[0]
    repo.update("person", person.id, {"notes": "kirjoitettu junassa"})
    pending = repo.replica.pending()
    with run_hostile(dribble_interval=0.5) as server:
        # A deadline of an hour: only the cancel can end this download soon.
        remote = HttpRemote(server.url("dribble.json"), deadline=3600, retries=0)
        app = make_app(remote=remote)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("s")
            seen = server.seen("dribble.json")
            assert await asyncio.to_thread(seen.answering.wait, SAFETY_WAIT)
            worker = next(w for w in app.workers if w.group == "sync")
            await pilot.press("q")
            assert await _until(pilot, lambda: app.return_code is not None)
        assert await asyncio.to_thread(seen.gone.wait, SAFETY_WAIT)  # the socket was closed
        assert worker.state in (WorkerState.SUCCESS, WorkerState.CANCELLED)
        assert server.all_methods() == ["GET"]  # nothing was written
    assert repo.get("person", person.id)["notes"] == "kirjoitettu junassa"
    assert repo.replica.pending() == pending
    assert repo.replica.history(limit=1)[0].outcome == "cancelled"
