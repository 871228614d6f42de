"""The search index is built and refreshed in a worker: the UI paints and answers keys meanwhile.

``HeldRepository`` is the real Repository; its index work (the app's worker) pauses at its
first progress report, in the middle of the real build or refresh, until the test releases
it. The test waits for that pause with an Event, never with a sleep.
"""

from __future__ import annotations

import asyncio
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from large_pull import shared_with_many_people
from notices import notices_of
from textual.widgets import Input

from digikunta_tui.domain import index as index_module
from digikunta_tui.domain.repository import Progress, Repository
from digikunta_tui.ui.app import DigikuntaApp
from digikunta_tui.ui.dialogs.save_path import SavePathDialog
from digikunta_tui.ui.forms.record_form import RecordForm
from digikunta_tui.ui.screens.dashboard import DashboardScreen
from digikunta_tui.ui.screens.members import MembersScreen
from digikunta_tui.ui.screens.webinars import WebinarsScreen
from digikunta_tui.ui.widgets.filtered_list import FilteredList
from sync import FileRemote, sync

SIZE = (100, 30)
FROZEN_NOW = datetime(2017, 12, 1, 8, 0, tzinfo=UTC)
HOLD_SECONDS = 60
"""A worker is never held longer than this, even when a test fails before releasing it."""


class HeldRepository(Repository):
    """A real Repository whose next index job (once ``hold`` is set) pauses mid-work."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.hold = threading.Event()
        """Set: the next prepare_index pauses at its first progress report."""
        self.held = threading.Event()
        """Set by the worker when it has paused (the build or refresh is under way)."""
        self.release = threading.Event()
        """Set by the test: the paused job goes on."""
        super().__init__(*args, **kwargs)

    def prepare_index(
        self, *, progress: Progress | None = None, cancel: threading.Event | None = None
    ) -> int:
        if not self.hold.is_set():
            return super().prepare_index(progress=progress, cancel=cancel)

        def paused(done: int, total: int) -> None:
            if not self.held.is_set():
                self.held.set()
                self.release.wait(HOLD_SECONDS)
            if progress is not None:
                progress(done, total)

        return super().prepare_index(progress=paused, cancel=cancel)


def app_on(repo: Repository, **kwargs: Any) -> DigikuntaApp:
    kwargs.setdefault("remote", None)
    kwargs.setdefault("language", "en")
    return DigikuntaApp(repo, clock=lambda: FROZEN_NOW, **kwargs)


async def wait_held(repo: HeldRepository) -> None:
    """Wait (off the event loop, which keeps running) until the index worker has paused."""
    assert await asyncio.to_thread(repo.held.wait, HOLD_SECONDS), "the index job never started"


def demo_without_index(data: Path) -> None:
    with Repository.open(data, replica_name="test") as seed:
        seed.load_demo()
    for path in data.glob("index.sqlite*"):
        path.unlink()


def count_builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count whole index builds (the real build runs; each call is recorded)."""
    builds: list[int] = []
    real = index_module.build_file

    def counted(*args: Any, **kwargs: Any) -> Any:
        builds.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(index_module, "build_file", counted)
    return builds


async def test_with_the_index_missing_the_first_screen_paints_before_the_build(
    tmp_path: Path, screen_text, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # (nothing is written to the current folder)
    data = tmp_path / "data"
    demo_without_index(data)
    repo = HeldRepository.open(data, replica_name="test", prepare=False)
    repo.hold.set()
    assert not repo.index_ready
    app = app_on(repo)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_held(repo)  # the build runs, held in the middle
            await pilot.pause()
            assert isinstance(app.screen, DashboardScreen)
            assert not repo.index_ready
            text = screen_text(app)
            assert "indexing…" in text  # the status area, with a progress bar
            assert "Indexing… this panel fills in" in text  # where the dashboard's lists go
            await pilot.press("2")
            await pilot.pause()
            assert isinstance(app.screen, MembersScreen)
            listing = app.screen.query_one(FilteredList)
            assert listing.waiting and listing.records.total == 0
            assert "indexing…" in screen_text(app)
            await pilot.press("n")  # a form needs the index: the app says so, opens nothing
            await pilot.pause()
            assert isinstance(app.screen, MembersScreen)
            assert any("being built" in n.message for n in notices_of(app))
            await pilot.press("ctrl+p", *"sanna")  # the palette says so too, no error
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
            for view in "34512":  # every view paints meanwhile; none reads the missing index
                await pilot.press(view)
                await pilot.pause()
                assert ["dashboard", "members", "webinars", "stories", "sync"][
                    int(view) - 1
                ] == app.screen.VIEW
            await pilot.press("3", "r", "a", "i", "w", "m")
            await pilot.pause()
            assert isinstance(app.screen, SavePathDialog)  # the mailing list is from the replica
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("4", "e", "d", "c", "u", "2", "g")
            await pilot.pause()
            assert not repo.index_ready and repo.held.is_set()

            repo.release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert repo.index_ready
            assert isinstance(app.screen, MembersScreen)
            listing = app.screen.query_one(FilteredList)
            assert not listing.waiting
            assert listing.records.total == repo.count(listing.kind) > 0
            assert "indexing" not in screen_text(app)
            await pilot.press("/", *"sanna")
            await pilot.pause()
            assert listing.records.total == 1
    finally:
        repo.release.set()
        repo.close()


async def test_the_ui_answers_keys_while_the_index_refreshes_after_a_large_pull(
    tmp_path: Path,
) -> None:
    shared = shared_with_many_people(tmp_path, 1000, seed=1)
    data = tmp_path / "data"
    with Repository.open(data, replica_name="test") as seed:
        seed.load_demo()
    repo = HeldRepository.open(data, replica_name="test")  # the index is ready
    people_before = repo.count("person")
    repo.hold.set()
    app = app_on(repo, remote=FileRemote(shared))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("s")
            await wait_held(repo)  # the sync is done; its index refresh runs, held
            await pilot.pause()
            assert repo.counts().get("person", 0) > people_before + 900
            assert app.activity is not None and app.activity.kind == "indexing"
            await pilot.press("2", "/", *"sanna")
            await pilot.pause()
            assert isinstance(app.screen, MembersScreen)
            listing = app.screen.query_one(FilteredList)
            assert listing.query_one(Input).value == "sanna"
            assert listing.records.row_at(0).title == "Sanna Kokeilija"  # the previous index
            await pilot.press("escape", "3")
            await pilot.pause()
            assert isinstance(app.screen, WebinarsScreen)
            await pilot.press("2", "escape", "e")  # a form opens (writes wait for nobody)
            await pilot.pause()
            assert isinstance(app.screen, RecordForm)
            await pilot.press("escape")
            await pilot.pause()
            assert not repo.release.is_set() and repo.held.is_set()  # all that while held

            repo.release.set()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.activity is None
            assert not repo.index_needs_work
            await pilot.press("1", "2")
            await pilot.pause()
            listing = app.screen.query_one(FilteredList)
            assert listing.query_text == "sanna"  # kept; cleared, the list has everyone
            listing.query_one(Input).value = ""
            await pilot.pause()
            assert listing.records.total == repo.count("person") > people_before + 900
    finally:
        repo.release.set()
        repo.close()


async def test_f2_then_a_sync_rebuilds_nothing(
    make_app, repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, screen_text
) -> None:
    shared = tmp_path / "digikunta.json"
    sync(repo.replica, FileRemote(shared))
    with Repository.open(tmp_path / "other", replica_name="other") as other:
        sync(other.replica, FileRemote(shared))
        other.refresh()
        sanna = other.page("person", query="sanna")[0].id
        other.update("person", sanna, {"job_title": "Digituki"})
        sync(other.replica, FileRemote(shared))
    builds = count_builds(monkeypatch)
    app = make_app(remote=FileRemote(shared))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")  # Finnish
        await pilot.pause()
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await app.workers.wait_for_complete()  # the index refresh the sync asked for
        await pilot.pause()
        assert not repo.index_needs_work
        assert repo.get("person", sanna)["job_title"] == "Digituki"
        await pilot.press("2", "/", *"digituki")
        await pilot.pause()
        listing = app.screen.query_one(FilteredList)
        assert [listing.records.row_at(0).id] == [sanna] and listing.records.total == 1
        assert "Henkilöt" in screen_text(app)  # still Finnish
    assert builds == []


async def test_2_then_slash_vir_in_one_press_reaches_the_filter(make_app, repo) -> None:
    virtanen = repo.create("person", {"given_name": "Ville", "family_name": "Virtanen"})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "/", "v", "i", "r")
        await pilot.pause()
        assert isinstance(app.screen, MembersScreen)
        listing = app.screen.query_one(FilteredList)
        assert listing.query_one(Input).value == "vir"
        assert isinstance(app.focused, Input)
        assert [listing.records.row_at(i).id for i in range(listing.records.total)] == [virtanen]


async def test_quitting_during_the_first_build_stops_it_at_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    demo_without_index(data)
    repo = HeldRepository.open(data, replica_name="test", prepare=False)
    repo.hold.set()
    app = app_on(repo)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_held(repo)
            await pilot.press("q")
            await pilot.pause()
            assert app._exit  # no sync runs: the app ends at once
    finally:
        repo.release.set()  # the build goes on to its next batch, sees the cancel, stops
    repo.close()  # waits for the index job: it has stopped, nothing half-built is left
    index_files = sorted(p.name for p in data.iterdir() if p.name.startswith("index"))
    assert set(index_files) <= {"index.sqlite", "index.sqlite-wal", "index.sqlite-shm"}
    with Repository.open(data, replica_name="test", prepare=False) as again:
        assert not again.index_ready and again.index_needs_work  # the next start builds it
