"""App benchmarks at 50 000 people; prints JSON with each figure beside its floor and target.

* First paint: a fresh process in a pseudo-terminal (100×30, ``TERM=xterm-256color``), timed
  from spawning it until the terminal has received the first screen (a marker text read back
  from the pty), for the Digikunta app on a 50 000-person replica and for a minimal Textual app
  (Header, a 100-row OptionList, Footer) — the floor, measured the same way in the same run.
  This is what a user waits for: imports, opening the repository, composing and writing the
  frame. Target: app < 1.5 × floor.
* Filter keystroke → repaint: type a name into the member filter at 50 000 people. Each key is
  timed from just before it is sent until the list's last visible line has been rendered again
  (``render_line`` of the bottom row, recorded by a hook), so Pilot's own waiting is not
  counted. The floor is a minimal app doing the same with a plain Python list of 50 000 names
  filtered by prefix in a line-API list. Target: median < 50 ms.

* First paint with the search index MISSING (a new laptop, a deleted cache): the same, on a
  copy of the replica without its index (deleted before every run). The app opens the
  repository with ``prepare=False`` and builds the index in a worker after the first frame.
  Target: app < 1.5 × floor.
* The longest event-loop stall: a 10 ms ``set_interval`` inside the app records the largest
  gap between its ticks (headless, in this process) during a first pull of every person from a
  shared file into an empty replica (the sync and then the index build, both in workers),
  during an index rebuild (the index deleted, the app opened on it), and after ``f2`` (the
  language switched, then a sync: nothing may be rebuilt). The floor is the same timer in a
  minimal idle app for as long. Target: < 100 ms each.

The built replica (and a shared file holding it) is cached in the temp dir between runs
(delete it to rebuild). Usage: ``python bench/ui_bench.py [--people 50000] [--runs 5]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIZE = (100, 30)
FLOOR_MARKER = b"Person 0"
APP_MARKER = b"Yleiskatsaus"  # the first tab, painted in the first frame (language "fi")
PAINT_BOUND_S = 60.0


def cached_replica(people: int) -> Path:
    """A data dir holding ``people`` synthetic people, built once and kept in the temp dir."""
    folder = Path(tempfile.gettempdir()) / f"digikunta-ui-bench-{people}"
    if (folder / "done").exists():
        from digikunta_tui.domain.repository import Repository

        with Repository.open(folder, replica_name="bench"):  # the index as this code builds it
            pass
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    from digikunta_tui.domain.repository import Repository

    repo = Repository.open(folder, replica_name="bench")
    repo.load_synthetic(people)
    repo.close()
    (folder / "done").write_text("ok", encoding="utf-8")
    return folder


# ---------------------------------------------------------------------------- first paint
def run_floor_app() -> None:
    """The minimal app (child process)."""
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, OptionList

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield OptionList(*[f"Person {i}" for i in range(100)])
            yield Footer()

    Minimal().run()


def run_digikunta_app(folder: Path) -> None:
    """The Digikunta app on the replica, started as ``digikunta`` does (child process): the
    repository opened with ``prepare=False`` (see ``commands/app_cmd.open_app``)."""
    from digikunta_tui.domain.repository import Repository

    repo = Repository.open(folder, replica_name="bench", prepare=False)
    from digikunta_tui.ui.app import DigikuntaApp

    DigikuntaApp(repo, remote=None, language="fi").run()


def time_first_paint(mode: str, folder: Path, marker: bytes) -> float:
    """Seconds from spawning ``mode`` in a pty until ``marker`` has been written to it."""
    import fcntl
    import pty
    import struct
    import termios

    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="xterm-256color", LANG="C.UTF-8")
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", mode, "--folder", str(folder)],
        stdin=follower, stdout=follower, stderr=follower, env=env, cwd=ROOT,
        start_new_session=True, close_fds=True,
    )  # fmt: skip
    os.close(follower)
    seen = b""
    elapsed = float("nan")
    try:
        while time.perf_counter() - started < PAINT_BOUND_S:
            ready, _, _ = select.select([leader], [], [], 0.5)
            if not ready:
                if child.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            seen += chunk
            if marker in seen:
                elapsed = time.perf_counter() - started
                break
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        os.close(leader)
    if elapsed != elapsed:  # NaN: never painted
        raise RuntimeError(f"{mode} never painted; output tail: {seen[-500:]!r}")
    return elapsed


# ---------------------------------------------------------------------------- keystrokes
class RepaintClock:
    """Records when a list's bottom visible line is rendered after a key was sent."""

    def __init__(self) -> None:
        self.armed = False
        self.painted = asyncio.Event()
        self.at = 0.0

    def wrap(self, cls: Any) -> None:
        """Hook ``cls.render_line`` (the class's own, so only that list is timed)."""
        original = cls.render_line
        clock = self

        def render_line(widget: Any, y: int) -> Any:
            strip = original(widget, y)
            if clock.armed and y == widget.size.height - 1:
                clock.armed, clock.at = False, time.perf_counter()
                clock.painted.set()
            return strip

        cls.render_line = render_line

    async def time_key(self, pilot: Any, key: str) -> float:
        """Milliseconds from sending ``key`` until the list has repainted."""
        self.painted.clear()
        self.armed = True
        started = time.perf_counter()
        await pilot.press(key)
        await asyncio.wait_for(self.painted.wait(), timeout=30)
        return (self.at - started) * 1000


def _summary(timings: list[float]) -> dict[str, float]:
    return {
        "keys": len(timings),
        "median_ms": round(statistics.median(timings), 2),
        "max_ms": round(max(timings), 2),
    }


async def keystroke_floor(people: int, word: str) -> dict[str, float]:
    """The minimal app: an Input filtering a Python list of ``people`` names by prefix."""
    from rich.segment import Segment
    from textual.app import App, ComposeResult
    from textual.geometry import Size
    from textual.scroll_view import ScrollView
    from textual.strip import Strip
    from textual.widgets import Input

    names = [f"Nimi{i % 977:03d} Sukunimi{i}" for i in range(people)]
    names[::7] = [f"{word.title()}{i} Person" for i in range(len(names[::7]))]

    class PlainList(ScrollView):
        rows: list[str] = names

        def show(self, rows: list[str]) -> None:
            self.rows = rows
            self.virtual_size = Size(self.size.width, len(rows))
            self.refresh()

        def render_line(self, y: int) -> Strip:
            index = self.scroll_offset.y + y
            text = self.rows[index] if index < len(self.rows) else ""
            return Strip([Segment(" " + text)]).crop_extend(0, self.size.width, None)

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Input()
            yield PlainList()

        def on_input_changed(self, event: Input.Changed) -> None:
            words = event.value.lower().split()
            rows = [n for n in names if all(w in n.lower() for w in words)]
            self.query_one(PlainList).show(rows)

    clock = RepaintClock()
    clock.wrap(PlainList)
    app = Minimal()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        timings = [await clock.time_key(pilot, k) for k in _keys(word)]
    return _summary(timings)


def _keys(word: str) -> list[str]:
    return list(word) + ["backspace"] * len(word)


async def keystroke_app(folder: Path) -> tuple[dict[str, float], str]:
    """Type into the Digikunta member filter; returns the summary and the word typed."""
    from textual.widgets import Input

    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.i18n import set_language
    from digikunta_tui.ui.app import DigikuntaApp
    from digikunta_tui.ui.widgets.filtered_list import FilteredList
    from digikunta_tui.ui.widgets.record_list import RecordList

    set_language("fi")
    repo = Repository.open(folder, replica_name="bench")
    clock = RepaintClock()
    clock.wrap(RecordList)
    app = DigikuntaApp(repo, remote=None, language="fi")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await app.workers.wait_for_complete()
        await pilot.pause()
        listing = app.screen.query_one(FilteredList)
        first = listing.records.row_at(0)
        word = str(first.title).split()[-1][:5].lower() if first else "mat"
        app.screen.query_one(Input).focus()
        await pilot.pause()
        timings = [await clock.time_key(pilot, k) for k in _keys(word)]
        total = listing.records.total
    repo.close()
    return {**_summary(timings), "rows_after": total}, word


# ---------------------------------------------------------------------------- stalls
def without_index(source: Path, target: Path) -> Path:
    """``target`` holding a copy of ``source``'s replica and no index (made once)."""
    if not (target / "replica.sqlite").exists():
        target.mkdir(parents=True, exist_ok=True)
        for path in source.glob("replica.sqlite*"):
            shutil.copy2(path, target / path.name)
    drop_index(target)
    return target


def drop_index(folder: Path) -> None:
    """Delete the search index (and any abandoned build) in ``folder``."""
    for path in folder.glob("index*"):
        path.unlink()


def cached_shared(folder: Path) -> Path:
    """A shared file holding the cached replica's records (pushed once, kept)."""
    shared = folder / "shared" / "digikunta.json"
    if (folder / "shared-done").exists():
        return shared
    shared.parent.mkdir(exist_ok=True)
    from digikunta_tui.domain.repository import Repository
    from sync import FileRemote, sync

    with Repository.open(folder, replica_name="bench") as repo:
        sync(repo.replica, FileRemote(shared))
    (folder / "shared-done").write_text("ok", encoding="utf-8")
    return shared


class StallMeter:
    """The largest gap between ticks of a 10 ms timer on the event loop (a stalled loop ticks
    late)."""

    INTERVAL = 0.01

    def __init__(self) -> None:
        self.last: float | None = None
        self.max_gap = 0.0
        self.ticks = 0

    def reset(self) -> None:
        """Start a new measurement."""
        self.last, self.max_gap, self.ticks = None, 0.0, 0

    def tick(self) -> None:
        """The timer's callback."""
        now = time.perf_counter()
        if self.last is not None:
            self.max_gap = max(self.max_gap, now - self.last)
        self.last, self.ticks = now, self.ticks + 1

    def figures(self, started: float) -> dict[str, float]:
        """The measurement's figures (``started``: when the work began)."""
        return {
            "max_stall_ms": round(self.max_gap * 1000, 1),
            "ticks": self.ticks,
            "work_s": round(time.perf_counter() - started, 2),
        }


async def _settle(app: Any, pilot: Any) -> None:
    """Wait until no sync, index job or other worker runs any more."""
    while True:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if (
            not app._syncing
            and not app._indexing
            and not any(not w.is_finished for w in app.workers)
        ):
            return


async def stall_during(folder: Path, remote: Any, action: str) -> dict[str, float]:
    """Open the app on ``folder`` (``prepare=False``, as the app does) and measure the longest
    stall while it does ``action``: ``open`` (whatever the index needs), ``sync`` (press
    ``s``), ``f2-sync`` (press ``f2``, then ``s``)."""
    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp

    repo = Repository.open(folder, replica_name="bench", prepare=False)
    meter = StallMeter()
    app = DigikuntaApp(repo, remote=remote, language="fi")
    try:
        async with app.run_test(size=SIZE) as pilot:
            app.set_interval(meter.INTERVAL, meter.tick)
            started = time.perf_counter()
            if action != "open":
                await _settle(app, pilot)
                meter.reset()
                started = time.perf_counter()
                for key in ("f2", "s") if action == "f2-sync" else ("s",):
                    await pilot.press(key)
            await _settle(app, pilot)
            figures = meter.figures(started)
            figures["index_ready"] = repo.index_ready
    finally:
        repo.close()
    return figures


class _MinimalApp:
    """The floor's app: Header, a 100-row OptionList, Footer (as for the first paint)."""

    @staticmethod
    def make() -> Any:
        from textual.app import App, ComposeResult
        from textual.widgets import Footer, Header, OptionList

        class Minimal(App[None]):
            def compose(self) -> ComposeResult:
                yield Header()
                yield OptionList(*[f"Person {i}" for i in range(100)])
                yield Footer()

        return Minimal()


async def stall_floor(work: Any = None, seconds: float = 0.0) -> dict[str, float]:
    """The same timer in a minimal Textual app while ``work()`` runs in a thread (or, no
    ``work``, idle for ``seconds``)."""
    meter = StallMeter()
    app = _MinimalApp.make()
    async with app.run_test(size=SIZE) as pilot:
        app.set_interval(meter.INTERVAL, meter.tick)
        await pilot.pause()
        meter.reset()
        started = time.perf_counter()
        if work is None:
            await asyncio.sleep(seconds)
        else:
            await asyncio.to_thread(work)
        await pilot.pause()
        return meter.figures(started)


def _same_work(folder: Path, shared: Path | None) -> Any:
    """The floor's work: what the app's workers do (a sync if ``shared``, then the index)."""
    from digikunta_tui.domain.repository import Repository
    from sync import FileRemote, sync

    def work() -> None:
        with Repository.open(folder, replica_name="bench", prepare=False) as repo:
            if shared is not None:
                sync(repo.replica, FileRemote(shared))
            repo.prepare_index()

    return work


async def stalls(folder: Path, people: int) -> dict[str, Any]:
    """The three stall figures, each beside the same work done in a thread of a minimal app
    (the floor: what the work itself costs the event loop, through the GIL)."""
    from digikunta_tui.domain.repository import Repository
    from sync import FileRemote

    shared = cached_shared(folder)
    pulled = folder.parent / f"digikunta-ui-bench-{people}-pulled"

    def empty() -> Path:
        shutil.rmtree(pulled, ignore_errors=True)
        pulled.mkdir()
        with Repository.open(pulled, replica_name="bench"):  # an empty replica and index
            pass
        return pulled

    figures: dict[str, Any] = {"floor_idle_minimal_app": await stall_floor(seconds=5.0)}
    figures["first_pull"] = {
        "floor_same_work_in_minimal_app": await stall_floor(_same_work(empty(), shared)),
        "digikunta_app": await stall_during(empty(), FileRemote(shared), "sync"),
    }
    drop_index(pulled)
    floor = await stall_floor(_same_work(pulled, None))
    drop_index(pulled)
    figures["index_rebuild"] = {
        "floor_same_work_in_minimal_app": floor,
        "digikunta_app": await stall_during(pulled, None, "open"),
    }
    figures["after_f2_then_sync"] = {
        "floor_same_work_in_minimal_app": await stall_floor(_same_work(pulled, shared)),
        "digikunta_app": await stall_during(pulled, FileRemote(shared), "f2-sync"),
    }
    shutil.rmtree(pulled, ignore_errors=True)
    figures["target_max_stall_ms"] = 100
    return figures


def main() -> None:
    """Run the benchmarks and print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", choices=["floor", "app"])
    parser.add_argument("--folder", default="")
    args = parser.parse_args()
    if args.child:
        run_floor_app() if args.child == "floor" else run_digikunta_app(Path(args.folder))
        return
    sys.path.insert(0, str(ROOT))
    build_started = time.perf_counter()
    folder = cached_replica(args.people)
    build_s = time.perf_counter() - build_started
    bare = without_index(folder, folder.parent / f"digikunta-ui-bench-{args.people}-noindex")
    time_first_paint("app", folder, APP_MARKER)  # warm the OS caches for both
    time_first_paint("app", bare, APP_MARKER)
    floor, ours, missing = [], [], []
    for _ in range(args.runs):  # interleaved, so drift hits all alike
        floor.append(time_first_paint("floor", folder, FLOOR_MARKER))
        ours.append(time_first_paint("app", folder, APP_MARKER))
        drop_index(bare)
        missing.append(time_first_paint("app", bare, APP_MARKER))
    drop_index(bare)
    stall_figures = asyncio.run(stalls(folder, args.people))
    app_keys, word = asyncio.run(keystroke_app(folder))
    floor_keys = asyncio.run(keystroke_floor(args.people, word))
    floor_med, ours_med = statistics.median(floor), statistics.median(ours)
    missing_med = statistics.median(missing)
    print(
        json.dumps(
            {
                "people": args.people,
                "replica_build_or_cache_s": round(build_s, 2),
                "first_paint": {
                    "floor_minimal_app_s": round(floor_med, 3),
                    "digikunta_app_s": round(ours_med, 3),
                    "ratio": round(ours_med / floor_med, 2),
                    "target_ratio": 1.5,
                    "runs": args.runs,
                },
                "first_paint_index_missing": {
                    "floor_minimal_app_s": round(floor_med, 3),
                    "digikunta_app_s": round(missing_med, 3),
                    "ratio": round(missing_med / floor_med, 2),
                    "target_ratio": 1.5,
                    "runs": args.runs,
                },
                "event_loop_stalls": stall_figures,
                "filter_keystroke": {
                    "typed": word,
                    "floor_plain_list": floor_keys,
                    "digikunta_app": app_keys,
                    "ratio_median": round(app_keys["median_ms"] / floor_keys["median_ms"], 2),
                    "target_median_ms": 50,
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
