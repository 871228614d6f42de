"""App benchmarks at 50 000 people; prints JSON.

* First paint: a fresh process from start (imports included) until the first screen is shown,
  for the Digikunta app on a 50 000-person replica and for a minimal Textual app (Header, one
  list, Footer) measured in the same run — the floor. Target: app < 1.5 × floor.
* Filter keystroke → repaint: type into the member filter at 50 000 people; median per key.
  Target < 50 ms.

The built replica is cached in the temp dir between runs (delete it to rebuild).
Usage: ``python bench/ui_bench.py [--people 50000] [--runs 3]``.
"""

from __future__ import annotations

import time

_START = time.perf_counter()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SIZE = (100, 30)


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


def paint_floor() -> float:
    """Seconds from process start to the first paint of a minimal Textual app."""
    from textual.app import App, ComposeResult
    from textual.widgets import Footer, Header, OptionList

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Header()
            yield OptionList(*[f"Person {i}" for i in range(100)])
            yield Footer()

    return asyncio.run(_first_paint(Minimal()))


def paint_app(folder: Path) -> float:
    """Seconds from process start to the first paint of the Digikunta app."""
    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp

    repo = Repository.open(folder, replica_name="bench")
    return asyncio.run(_first_paint(DigikuntaApp(repo, remote=None, language="fi")))


async def _first_paint(app: object) -> float:
    async with app.run_test(size=SIZE) as pilot:  # type: ignore[attr-defined]
        await pilot.pause()
        return time.perf_counter() - _START


async def keystroke_latency(folder: Path) -> dict[str, float]:
    """Type a name into the member filter and back out; time each key until repainted."""
    from textual.widgets import Input

    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp
    from digikunta_tui.ui.widgets.filtered_list import FilteredList

    repo = Repository.open(folder, replica_name="bench")
    app = DigikuntaApp(repo, remote=None, language="fi")
    timings: list[float] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await pilot.pause()
        listing = app.screen.query_one(FilteredList)
        first = listing.records.row_at(0)
        word = str(first.title).split()[-1][:5].lower() if first else "mat"
        app.screen.query_one(Input).focus()
        await pilot.pause()
        keys = list(word) + ["backspace"] * len(word)
        for key in keys:
            started = time.perf_counter()
            await pilot.press(key)
            await pilot.pause()
            app.screen._compositor.render_strips()  # the repaint itself
            timings.append((time.perf_counter() - started) * 1000)
        total = listing.records.total
    repo.close()
    return {
        "keys": len(timings),
        "median_ms": round(statistics.median(timings), 2),
        "max_ms": round(max(timings), 2),
        "rows_after": total,
    }


def _child(mode: str, folder: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--folder", folder],
        capture_output=True, text=True, check=True, env=env, cwd=ROOT,
    )  # fmt: skip
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    """Run the benchmarks and print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", choices=["floor", "app"])
    parser.add_argument("--folder", default="")
    args = parser.parse_args()
    if args.child:
        value = paint_floor() if args.child == "floor" else paint_app(Path(args.folder))
        print(value)
        return
    sys.path.insert(0, str(ROOT))
    build_started = time.perf_counter()
    folder = cached_replica(args.people)
    build_s = time.perf_counter() - build_started
    floor = [_child("floor", str(folder)) for _ in range(args.runs)]
    ours = [_child("app", str(folder)) for _ in range(args.runs)]
    latency = asyncio.run(keystroke_latency(folder))
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
                "filter_keystroke": {**latency, "target_median_ms": 50},
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
