"""Benchmark of the domain repository at scale: search as you type, paging, loading, indexing.

Run: ``.venv/bin/python bench/domain_bench.py [--people N]`` (default 50 000). Prints JSON.
Targets: a keystroke (median) under 10 ms, a page of 100 under 5 ms. Beside them, a floor
measured in the same run: the same questions put to the same index file in plain SQL.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digikunta_tui.domain.repository import Repository


def _ms(fn: Callable[[], Any], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times


def _summary(times: list[float]) -> dict[str, float]:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median_ms": round(statistics.median(ordered), 3), "p95_ms": round(p95, 3)}


def _typing(repo: Repository, word: str, repeat: int) -> dict[str, Any]:
    page_times: list[float] = []
    search_times: list[float] = []
    per_key: dict[str, dict[str, float]] = {}
    for end in range(1, len(word) + 1):
        prefix = word[:end]
        p = _ms(lambda q=prefix: repo.page("person", query=q, limit=100), repeat)
        s = _ms(lambda q=prefix: repo.search(q, limit=20), repeat)
        page_times += p
        search_times += s
        per_key[prefix] = {
            "page_ms": round(statistics.median(p), 3),
            "search_ms": round(statistics.median(s), 3),
            "matches": repo.count("person", query=prefix),
        }
    return {"page": _summary(page_times), "search": _summary(search_times), "per_key": per_key}


def _floors(index_path: Path, deep: int, word: str, repeat: int) -> dict[str, float]:
    """The same questions asked of the same index file in plain SQL: what SQLite alone costs."""
    import sqlite3

    conn = sqlite3.connect(index_path)
    page_sql = (
        "SELECT id, title, subtitle FROM items WHERE kind = 'person'"
        " ORDER BY sort_key, id LIMIT 100 OFFSET ?"
    )
    deep_page = _ms(lambda: conn.execute(page_sql, (deep,)).fetchall(), repeat * 4)
    keys: list[float] = []
    for n in range(1, len(word) + 1):
        expr = f'"{word[:n]}"*'

        def keystroke(expr: str = expr) -> None:
            conn.execute("SELECT count(*) FROM fts WHERE fts MATCH ?", (expr,)).fetchone()
            conn.execute(
                "SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rank LIMIT 100", (expr,)
            ).fetchall()

        keys.extend(_ms(keystroke, repeat))
    conn.close()
    return {
        "deep_page_median_ms": round(statistics.median(deep_page), 3),
        "keystroke_count_and_top_100_median_ms": round(statistics.median(keys), 3),
    }


def main(argv: list[str] | None = None) -> None:
    """Build the data sets in a temporary folder and print the measurements as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--word", default="virtanen")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        with Repository.open(root / "demo") as demo:
            demo.load_demo()
        demo_s = time.perf_counter() - start

        repo = Repository.open(root / "big")
        start = time.perf_counter()
        records = repo.load_synthetic(args.people)
        load_s = time.perf_counter() - start
        start = time.perf_counter()
        repo.index.rebuild(repo.replica)
        index_s = time.perf_counter() - start
        start = time.perf_counter()
        repo.refresh()
        refresh_idle_ms = (time.perf_counter() - start) * 1000

        people = repo.count("person")
        deep = max(0, people - 100)
        first_page = _ms(lambda: repo.page("person", limit=100), args.repeat * 4)
        deep_page = _ms(lambda: repo.page("person", offset=deep, limit=100), args.repeat * 4)
        middle_page = _ms(
            lambda: repo.page("person", offset=people // 2, limit=100), args.repeat * 4
        )
        org = repo.page("organization", limit=1)[0].id
        filtered = _ms(
            lambda: repo.page("person", filters={"organization": org}, limit=100), args.repeat * 4
        )
        typing = _typing(repo, args.word, args.repeat)
        floor = _floors(repo.index_path, deep, args.word, args.repeat)
        pid = repo.page("person", limit=1)[0].id
        edit = _ms(lambda: repo.update("person", pid, {"notes": str(time.time())}), args.repeat)
        repo.close()

    result = {
        "people": args.people,
        "records": records,
        "demo_create_ms": round(demo_s * 1000, 1),
        "synthetic_load_s": round(load_s, 2),
        "index_build_s": round(index_s, 2),
        "refresh_nothing_changed_ms": round(refresh_idle_ms, 3),
        "page_100": {
            "first_median_ms": round(statistics.median(first_page), 3),
            "middle_median_ms": round(statistics.median(middle_page), 3),
            "deep_median_ms": round(statistics.median(deep_page), 3),
            "filtered_by_org_median_ms": round(statistics.median(filtered), 3),
        },
        "typing": {"word": args.word, **typing},
        "edit_and_reindex_median_ms": round(statistics.median(edit), 3),
        "floor_raw_sqlite": floor,
        "targets": {"keystroke_median_ms": 10, "page_100_ms": 5},
    }
    result["csv_import"] = csv_import_bench(CSV_IMPORT_PEOPLE)
    print(json.dumps(result, indent=2, ensure_ascii=False))


# --- CSV import (``digikunta import``) ----------------------------------------------------------

CSV_IMPORT_PEOPLE = 10_000


def _people_csv(repo: Repository, people: int) -> str:
    """``people`` new people (blank ids) of the demo's organisations, as ``digikunta export``
    writes them."""
    from digikunta_tui.domain.synthetic import synthetic_records
    from digikunta_tui.domain.transfer import export_csv

    orgs = [row.id for row in repo.page("organization", limit=100)]
    rows = [
        ("", {**fields, "organization": orgs[i % len(orgs)]})
        for i, (_, _, fields) in enumerate(
            r for r in synthetic_records(people, seed=11) if r[0] == "person"
        )
    ]
    return export_csv("person", rows)


def _csv_floor(text: str) -> tuple[int, float]:
    """The floor: the stdlib ``csv`` reader and pydantic validation of the same rows."""
    import csv
    import io

    from digikunta_tui.domain.models import MODELS

    model = MODELS["person"]
    start = time.perf_counter()
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows = 0
    for cells in reader:
        fields: dict[str, Any] = {
            k: v for k, v in zip(header, cells, strict=True) if v and k != "id"
        }
        if "roles" in fields:
            fields["roles"] = [part.strip() for part in fields["roles"].split(";")]
        model.model_validate(fields)
        rows += 1
    return rows, time.perf_counter() - start


def csv_import_bench(people: int) -> dict[str, Any]:
    """CSV import of ``people`` new people into the demo replica, as ``digikunta import`` does
    it (read, check every row, write in one transaction, index), against the floor."""
    from digikunta_tui.domain.transfer import apply_import, plan_import, read_rows

    with tempfile.TemporaryDirectory() as tmp:
        repo = Repository.open(Path(tmp) / "import")
        repo.load_demo()
        text = _people_csv(repo, people)
        start = time.perf_counter()
        rows = read_rows(text.encode("utf-8"), "people.csv", "person")
        read_s = time.perf_counter() - start
        plan = plan_import(repo, "person", rows)
        check_s = time.perf_counter() - start - read_s
        if plan.problems:
            raise SystemExit(f"the benchmark's CSV has problems: {plan.problems[:3]}")
        written = apply_import(repo, plan)
        total_s = time.perf_counter() - start
        repo.close()
    floor_rows, floor_s = _csv_floor(text)
    return {
        "rows": written,
        "import_s": round(total_s, 2),
        "import_rows_per_s": round(written / total_s),
        "phases_s": {
            "read": round(read_s, 3),
            "check": round(check_s, 2),
            "write_and_index": round(total_s - read_s - check_s, 2),
        },
        "floor_csv_and_pydantic_s": round(floor_s, 3),
        "floor_rows_per_s": round(floor_rows / floor_s),
        "import_over_floor": round(total_s / floor_s, 1),
    }


if __name__ == "__main__":
    main()
