"""Report benchmark: the whole network's impact report against the domain's impact alone. JSON.

For each size (default 5 000 people with 500 stories, and 50 000 people with 5 000 stories;
two indicators a story, three measurements each) a synthetic data set is loaded, then, in one
process and interleaved (median of ``--runs``):

- the **floor**: ``Repository.impact()`` — reading the stories, organisations and indicators
  from the replica and summing them by the domain's rules;
- the **report**: ``make_report`` (the same reads plus webinars and registrations, per
  organisation and per theme, every story: ``gather_s``) and ``report_html`` (jinja2, the SVG
  charts: ``render_s``).

Printed per size: seconds of each, the report's bytes, the peak of Python allocations of each
(tracemalloc, one extra run each), and the ratio report / floor (target ≤ 3×). Across sizes:
how the report's time grew against the data (``growth``: time ratio ÷ size ratio; ≤ 1 is no
worse than linear).

Usage: python bench/report_bench.py [--sizes 5000:500,50000:5000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def _peak(work: Callable[[], Any]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(folder: Path, people: int, stories: int, runs: int) -> dict[str, Any]:
    """Load one size and time the floor and the report, interleaved."""
    from digikunta_tui.domain.report import make_report, report_html
    from digikunta_tui.domain.repository import Repository

    repo = Repository.open(folder / f"data-{people}")
    try:
        load_s, records = _timed(
            lambda: repo.load_synthetic(people, n_stories=stories, measurements=3, validate=False)
        )

        def floor() -> Any:
            return repo.impact()

        split: list[tuple[float, float]] = []

        def report() -> str:
            start = time.perf_counter()
            gathered = make_report(repo)
            middle = time.perf_counter()
            html = report_html(gathered, lang="fi")
            split.append((middle - start, time.perf_counter() - middle))
            return html

        report()  # templates compiled, pygal imported: both once per process, not per report
        floors, reports = [], []
        size = 0
        for _ in range(runs):
            seconds, _impact = _timed(floor)
            floors.append(seconds)
            seconds, html = _timed(report)
            reports.append(seconds)
            size = len(html.encode("utf-8"))
        floor_s, report_s = statistics.median(floors), statistics.median(reports)
        gather_s = statistics.median(g for g, _ in split[-runs:])
        render_s = statistics.median(r for _, r in split[-runs:])
        return {
            "people": people,
            "stories": stories,
            "records": records,
            "load_s": round(load_s, 2),
            "floor_impact_s": round(floor_s, 3),
            "report_s": round(report_s, 3),
            "ratio": round(report_s / floor_s, 2),
            "gather_s": round(gather_s, 3),
            "render_s": round(render_s, 3),
            "report_bytes": size,
            "floor_peak_mb": round(_peak(floor) / 2**20, 1),
            "report_peak_mb": round(_peak(report) / 2**20, 1),
            "runs": {
                "floor": [round(s, 3) for s in floors],
                "report": [round(s, 3) for s in reports],
            },
        }
    finally:
        repo.close()


def main(argv: list[str] | None = None) -> None:
    """Measure every size and print the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000:500,50000:5000", help="people:stories,…")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = [tuple(int(n) for n in item.split(":")) for item in args.sizes.split(",")]
    results = []
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        for people, stories in sizes:
            results.append(measure(Path(tmp), people, stories, args.runs))
    out: dict[str, Any] = {"benchmark": "report", "target_ratio": 3.0, "sizes": results}
    if len(results) >= 2:
        small, large = results[0], results[-1]
        data = large["records"] / small["records"]
        out["growth"] = {
            "data_ratio": round(data, 2),
            "report_time_ratio": round(large["report_s"] / small["report_s"], 2),
            "floor_time_ratio": round(large["floor_impact_s"] / small["floor_impact_s"], 2),
            "report_growth": round(large["report_s"] / small["report_s"] / data, 2),
            "bytes_growth": round(large["report_bytes"] / small["report_bytes"] / data, 2),
        }
    out["loadavg"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(out, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
