"""Benchmark of the domain repository at scale: search as you type, paging, loading, indexing.

Run: ``.venv/bin/python bench/domain_bench.py [--people N]`` (default 50 000). Prints JSON.
Targets: a keystroke (median) under 10 ms, a page of 100 under 5 ms, a build of the search
index at most 3× its floor. Beside them, floors measured in the same run: the same questions
put to the same index file in plain SQL, and the time SQLite needs to bulk-insert the rows the
build writes (the index's rows with their full-text columns) into one table with no index —
builds and floors interleaved, medians reported, because the machine is shared and noisy.
Applying changes one by one is timed too (what ``REBUILD_FRACTION`` is chosen from).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digikunta_tui.domain import index as index_module
from digikunta_tui.domain import index_build
from digikunta_tui.domain.repository import INDEX_FILE, REPLICA_FILE, Repository


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
    count_times: list[float] = []
    per_key: dict[str, dict[str, float]] = {}
    for end in range(1, len(word) + 1):
        prefix = word[:end]
        p = _ms(lambda q=prefix: repo.page("person", query=q, limit=100), repeat)
        c = _ms(lambda q=prefix: repo.count("person", query=q), repeat)
        s = _ms(lambda q=prefix: repo.search(q, limit=20), repeat)
        page_times += p
        count_times += c
        search_times += s
        per_key[prefix] = {
            "page_ms": round(statistics.median(p), 3),
            "count_ms": round(statistics.median(c), 3),
            "search_ms": round(statistics.median(s), 3),
            "matches": repo.count("person", query=prefix),
        }
    return {
        "page": _summary(page_times),
        "count": _summary(count_times),
        "search": _summary(search_times),
        "per_key": per_key,
    }


def _floors(index_path: Path, deep: int, word: str, repeat: int) -> dict[str, float]:
    """The same questions asked of the same index file in plain SQL: what SQLite alone costs."""
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


def _built_rows(index_path: Path) -> list[tuple[Any, ...]]:
    """Every row a build writes: the ``items`` columns and the full-text columns, in order
    (NULL text for the kinds without text rows: the floor writes every ``items`` row)."""
    conn = sqlite3.connect(index_path)
    rows = conn.execute(
        "SELECT items.*, fts.title, fts.body, fts.kind FROM items LEFT JOIN fts"
        " ON fts.rowid = items.rowid ORDER BY items.rowid"
    ).fetchall()
    conn.close()
    return rows


def _batches_by_filled_columns(
    rows: list[tuple[Any, ...]],
) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """``rows`` as INSERT statements naming only each row's non-NULL columns, in batches.

    Python's sqlite3 binds a ``None`` about five times slower than an ``int`` (3.11), and a
    build names only its kind's own columns; a floor binding every NULL would be slower than
    it need be and flatter the build. Rows stay in rowid order within a run of one pattern."""
    batches: list[tuple[str, list[tuple[Any, ...]]]] = []
    pattern: tuple[int, ...] | None = None
    for row in rows:
        filled = tuple(n for n, value in enumerate(row) if value is not None)
        if filled != pattern or len(batches[-1][1]) >= index_build.BATCH:
            pattern = filled
            names = ", ".join("rowid" if n == 0 else f"c{n}" for n in filled)
            insert = f"INSERT INTO floor ({names}) VALUES ({', '.join('?' * len(filled))})"
            batches.append((insert, []))
        batches[-1][1].append(tuple(row[n] for n in filled))
    return batches


def _insert_floor(folder: Path, rows: list[tuple[Any, ...]]) -> float:
    """Seconds to bulk-insert ``rows`` into one table with only its rowid, as a build writes."""
    path = folder / "floor.sqlite"
    index_build.remove_files(path)
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in (
        "journal_mode = OFF",
        "synchronous = OFF",
        "locking_mode = EXCLUSIVE",
        f"cache_size = -{index_build.BUILD_CACHE_KIB}",
    ):
        conn.execute(f"PRAGMA {pragma}")
    width = len(rows[0])
    columns = ", ".join(f"c{n}" for n in range(1, width))
    conn.execute(f"CREATE TABLE floor (rowid INTEGER PRIMARY KEY, {columns})")
    batches = _batches_by_filled_columns(rows)
    start = time.perf_counter()
    conn.execute("BEGIN")
    for insert, batch in batches:
        conn.executemany(insert, batch)
    conn.execute("COMMIT")
    seconds = time.perf_counter() - start
    conn.close()
    index_build.remove_files(path)
    return seconds


def _build_against_floor(repo: Repository, folder: Path, rounds: int) -> dict[str, Any]:
    """A new index file built ``rounds`` times, interleaved with the insert floor."""
    rows = _built_rows(repo.index_path)
    builds: list[float] = []
    floors: list[float] = []
    for _ in range(rounds):
        floors.append(_insert_floor(folder, rows))
        start = time.perf_counter()
        repo.index.rebuild(repo.replica)
        builds.append(time.perf_counter() - start)
    build, floor = statistics.median(builds), statistics.median(floors)
    return {
        "rounds": rounds,
        "build_s": round(build, 2),
        "build_all_s": [round(b, 2) for b in builds],
        "floor_insert_same_rows_s": round(floor, 2),
        "floor_all_s": [round(f, 2) for f in floors],
        "ratio": round(build / floor, 2),
        "target_ratio": 3,
        "rows": len(rows),
    }


def _sizes(repo: Repository) -> dict[str, float]:
    repo.replica.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    folder = repo.index_path.parent
    replica = (folder / REPLICA_FILE).stat().st_size
    index = sum(p.stat().st_size for p in folder.glob(INDEX_FILE + "*"))
    return {
        "index_mb": round(index / 2**20, 1),
        "replica_mb": round(replica / 2**20, 1),
        "index_per_replica": round(index / replica, 2),
    }


def _apply_cost(repo: Repository, changed: int, build_s: float, records: int) -> dict[str, Any]:
    """Changes applied one by one (rebuilding forbidden) against a build, per record."""
    people = repo.page("person", limit=changed)
    items = [("person", row.id, {"notes": f"muutos {time.time()}"}) for row in people]
    repo.replica.put_many(items)
    saved = index_module.REBUILD_FRACTION
    index_module.REBUILD_FRACTION = 2.0  # never a new file: apply them
    try:
        start = time.perf_counter()
        applied = repo.index.refresh(repo.replica)
        seconds = time.perf_counter() - start
    finally:
        index_module.REBUILD_FRACTION = saved
    per_apply = seconds / max(applied, 1)
    per_build = build_s / records
    return {
        "changed": applied,
        "apply_s": round(seconds, 2),
        "apply_ms_per_record": round(per_apply * 1000, 4),
        "build_ms_per_record": round(per_build * 1000, 4),
        "crossover_fraction": round(per_build / per_apply, 3),
        "rebuild_fraction_set": index_module.REBUILD_FRACTION,
    }


def main(argv: list[str] | None = None) -> None:
    """Build the data sets in a temporary folder and print the measurements as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5, help="index builds (and floors)")
    parser.add_argument("--word", default="virtanen")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        root = Path(tmp)
        start = time.perf_counter()
        with Repository.open(root / "demo") as demo:
            demo.load_demo()
        demo_s = time.perf_counter() - start

        repo = Repository.open(root / "big")
        start = time.perf_counter()
        records = repo.load_synthetic(args.people)
        load_s = time.perf_counter() - start
        build = _build_against_floor(repo, root, args.rounds)
        sizes = _sizes(repo)
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
        with_fields = _ms(
            lambda: [row.fields for row in repo.page("person", limit=100)], args.repeat * 4
        )
        typing = _typing(repo, args.word, args.repeat)
        floor = _floors(repo.index_path, deep, args.word, args.repeat)
        pid = repo.page("person", limit=1)[0].id
        edit = _ms(lambda: repo.update("person", pid, {"notes": str(time.time())}), args.repeat)
        apply = _apply_cost(repo, max(records // 100, 1), build["build_s"], records)
        repo.close()

    result = {
        "people": args.people,
        "records": records,
        "demo_create_ms": round(demo_s * 1000, 1),
        "synthetic_load_s": round(load_s, 2),
        "index_build": build,
        "index_build_s": build["build_s"],
        "files": sizes,
        "refresh_nothing_changed_ms": round(refresh_idle_ms, 3),
        "page_100": {
            "first_median_ms": round(statistics.median(first_page), 3),
            "middle_median_ms": round(statistics.median(middle_page), 3),
            "deep_median_ms": round(statistics.median(deep_page), 3),
            "filtered_by_org_median_ms": round(statistics.median(filtered), 3),
            "first_with_fields_median_ms": round(statistics.median(with_fields), 3),
        },
        "typing": {"word": args.word, **typing},
        "edit_and_reindex_median_ms": round(statistics.median(edit), 3),
        "apply_changes_one_by_one": apply,
        "floor_raw_sqlite": floor,
        "targets": {"keystroke_median_ms": 10, "page_100_ms": 5, "index_build_ratio": 3},
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
