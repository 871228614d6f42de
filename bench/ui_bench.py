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

The built replica is cached in the temp dir between runs (delete it to rebuild).
Usage: ``python bench/ui_bench.py [--people 50000] [--runs 5]``.
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
    """The Digikunta app on the replica, started as ``digikunta`` does (child process)."""
    from digikunta_tui.i18n import set_language

    set_language("fi")  # before opening: the index subtitles are in the UI language
    from digikunta_tui.domain.repository import Repository

    repo = Repository.open(folder, replica_name="bench")
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
    time_first_paint("app", folder, APP_MARKER)  # warm the OS caches for both
    floor, ours = [], []
    for _ in range(args.runs):  # interleaved, so drift hits both alike
        floor.append(time_first_paint("floor", folder, FLOOR_MARKER))
        ours.append(time_first_paint("app", folder, APP_MARKER))
    app_keys, word = asyncio.run(keystroke_app(folder))
    floor_keys = asyncio.run(keystroke_floor(args.people, word))
    floor_med, ours_med = statistics.median(floor), statistics.median(ours)
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
