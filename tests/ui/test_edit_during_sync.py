"""An edit saved while the background sync runs is merged, never overwritten.

See docs/sync-model.md#edits-made-while-a-sync-runs.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from digikunta_tui.domain.repository import Repository
from digikunta_tui.ui.messages import SyncFinished
from sync import FileRemote, sync

SIZE = (100, 30)
SAFETY_WAIT = 60.0
"""Only so that a broken build fails instead of hanging; never reached when things work."""


class BlockingRemote(FileRemote):
    """A shared file whose first ``write`` waits until the test releases it."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.entered = threading.Event()
        self.release = threading.Event()
        self._blocked_once = False

    def write(self, data: Any, expected_tag: str | None, *, scrub: frozenset[str]) -> str:
        """Block (the first time) between the merge and the write."""
        if not self._blocked_once:
            self._blocked_once = True
            self.entered.set()
            self.release.wait(SAFETY_WAIT)
        return super().write(data, expected_tag, scrub=scrub)


async def test_an_edit_during_a_blocked_sync_survives_and_syncs_next_time(
    make_app, repo: Repository, tmp_path: Path
) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    remote = BlockingRemote(shared)
    person = repo.page("person", limit=1)[0]
    messages: list[object] = []
    app = make_app(remote=remote)
    async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
        try:
            await pilot.press("s")
            assert await asyncio.to_thread(remote.entered.wait, SAFETY_WAIT)
            assert app.sync_status.state == "syncing"
            # The worker has merged and is about to write: edit and create now.
            repo.update("person", person.id, {"notes": "written during the sync"})
            new_id = repo.create("organization", {"name": "Tervon kunta", "type": "municipality"})
        finally:
            remote.release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(isinstance(m, SyncFinished) for m in messages)
        replica = repo.replica
        assert repo.get("person", person.id)["notes"] == "written during the sync"
        assert repo.get("organization", new_id) is not None
        assert {person.id, new_id} <= set(replica.state.dirty_ids())  # still waiting to be synced
        assert app.sync_status.pending >= 2
        # If the sync reports the edit as a conflict at all, the edit is the value kept.
        assert all(c.kept.get("value") == "written during the sync" for c in replica.conflicts())

        other = Repository.open(tmp_path / "other", replica_name="other")
        try:
            sync(other.replica, FileRemote(shared))
            assert other.get("person", person.id) is not None  # the first sync did arrive
            assert other.get("person", person.id).get("notes") != "written during the sync"

            await pilot.press("s")  # the next sync carries the edit
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert replica.pending() == 0
            sync(other.replica, FileRemote(shared))
            assert other.get("person", person.id)["notes"] == "written during the sync"
            assert other.get("organization", new_id)["name"] == "Tervon kunta"
        finally:
            other.close()


def test_an_edit_during_a_sync_of_the_same_field_is_not_a_conflict(tmp_path: Path) -> None:
    with Repository.open(tmp_path / "a") as repo:
        person_id = repo.create(
            "person", {"given_name": "Aino", "family_name": "Ahonen", "notes": "before"}
        )
        remote = HookedRemote(tmp_path / "shared.json")
        remote.before_write = lambda: repo.update("person", person_id, {"notes": "during"})
        sync(repo.replica, remote)
        assert repo.get("person", person_id)["notes"] == "during"
        assert repo.replica.conflicts() == []


class HookedRemote(FileRemote):
    """A shared file that runs ``before_write`` once, between the merge and the write."""

    before_write: Any = None

    def write(self, data: Any, expected_tag: str | None, *, scrub: frozenset[str]) -> str:
        """Run the hook (once), then write."""
        hook, self.before_write = self.before_write, None
        if hook is not None:
            hook()
        return super().write(data, expected_tag, scrub=scrub)
