"""Erasure benchmark: what leaving no trace costs. Prints JSON.

1. ``secure_delete``: a round of syncs where two replicas of N records (default 10 000) each
   changed 1 % (A syncs, B syncs, A syncs), with the pragma off and on, rounds interleaved in
   one process so that both see the same machine. The figure is the ratio on / off.
2. Scrubbing after one person is erased, on the domain data set of ``bench/domain_bench.py``
   (default 50 000 people): the replica's scrub (``VACUUM`` + truncating checkpoint), and three
   ways to get the search index clean — FTS5 ``optimize`` (merge the segments), FTS5
   ``rebuild`` (re-tokenise every row), and a new index file built from the replica — each
   followed by ``VACUUM`` and the checkpoint where it applies. The floor is a plain
   ``VACUUM`` of the same index file, measured in the same run.

Usage: python bench/erasure_bench.py [--records 10000] [--people 50000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _secure_delete(folder: Path, n: int, rounds: int) -> dict[str, Any]:
    from sync import FileRemote, Replica, sync

    rnd = random.Random(n)
    a, b = Replica.open(folder / "a.sqlite"), Replica.open(folder / "b.sqlite")
    a.put_many(
        ("person", f"p{i:07d}", {"name": f"Henkilö {i}", "phone": f"+35840{i:07d}"})
        for i in range(n)
    )
    remote = FileRemote(folder / "shared" / "digikunta.json")
    remote.path.parent.mkdir()
    sync(a, remote)
    sync(b, remote)
    ids = [f"p{i:07d}" for i in range(n)]
    times: dict[str, list[float]] = {"off": [], "on": []}
    for r in range(rounds * 2):
        mode = ("off", "on")[r % 2]
        for replica in (a, b):
            replica.conn.execute(f"PRAGMA secure_delete={mode.upper()}")
        k = max(1, n // 100)
        a.put_many(("person", rid, {"job_title": f"A{r}"}) for rid in rnd.sample(ids, k))
        b.put_many(("person", rid, {"notes": f"B{r} " * 20}) for rid in rnd.sample(ids, k))
        start = time.perf_counter()
        sync(a, remote)
        sync(b, remote)
        sync(a, remote)
        times[mode].append(time.perf_counter() - start)
    a.close()
    b.close()
    off, on = statistics.median(times["off"]), statistics.median(times["on"])
    return {
        "records": n,
        "one_percent_round_ms": {
            "secure_delete_off": round(off * 1000, 1),
            "on": round(on * 1000, 1),
        },
        "on_vs_off": round(on / off, 3),
    }


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return round(time.perf_counter() - start, 3)


def _scrubs(folder: Path, people: int) -> dict[str, Any]:
    import sqlite3

    from digikunta_tui.domain.index import SearchIndex
    from digikunta_tui.domain.repository import INDEX_FILE, REPLICA_FILE, Repository

    source = folder / "source"
    repo = Repository.open(source)
    records = repo.load_synthetic(people)
    victim = repo.page("person", limit=1, offset=people // 2)[0].id
    repo.close()
    sizes = {
        "replica_mb": round((source / REPLICA_FILE).stat().st_size / 2**20, 1),
        "index_mb": round((source / INDEX_FILE).stat().st_size / 2**20, 1),
    }

    def erased_copy(name: str) -> tuple[Repository, SearchIndex]:
        """A copy of the data set with the person erased and the index refreshed, unscrubbed."""
        shutil.copytree(source, folder / name)
        repo = Repository.open(folder / name)
        repo.replica.erase("person", victim)
        repo.index.refresh(repo.replica)
        return repo, repo.index

    def abandon(repo: Repository) -> None:
        """Close without the scrub that closing does (the copy is thrown away)."""
        repo.index._close_connections()
        for conn in repo.replica._connections:
            conn.close()

    def checkpoint(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()

    results: dict[str, float] = {}
    repo, index = erased_copy("floor")
    conn = index._conn
    results["floor_plain_vacuum_of_the_index_s"] = _timed(lambda: conn.execute("VACUUM"))
    results["replica_scrub_s"] = _timed(repo.replica.scrub)
    abandon(repo)

    for strategy in ("optimize", "rebuild"):
        repo, index = erased_copy(strategy)
        conn = index._conn

        def scrub(conn: sqlite3.Connection = conn, command: str = strategy) -> None:
            conn.execute("INSERT INTO fts (fts) VALUES (?)", (command,))
            conn.execute("VACUUM")
            checkpoint(conn)

        results[f"index_fts_{strategy}_vacuum_checkpoint_s"] = _timed(scrub)
        abandon(repo)

    repo, index = erased_copy("new_file")

    def new_file() -> None:
        path = index.path
        index.close()
        for suffix in ("", "-wal", "-shm"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        fresh = SearchIndex.open(path, replica_id=repo.replica.replica_id)
        fresh.rebuild(repo.replica)
        fresh.close()

    results["index_new_file_rebuilt_s"] = _timed(new_file)
    for conn in repo.replica._connections:
        conn.close()

    repo, index = erased_copy("chosen")
    results["index_scrub_as_shipped_s"] = _timed(lambda: index.scrub(repo.replica.erasures))
    abandon(repo)
    floor = results["floor_plain_vacuum_of_the_index_s"]
    return {
        "people": people,
        "records": records,
        **sizes,
        **results,
        "shipped_vs_floor": round(results["index_scrub_as_shipped_s"] / floor, 2),
    }


def main() -> None:
    """Run both parts in a temporary folder and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="erasurebench-") as tmp:
        (Path(tmp) / "sd").mkdir()
        secure = _secure_delete(Path(tmp) / "sd", args.records, args.rounds)
        scrubs = _scrubs(Path(tmp), args.people)
    print(json.dumps({"benchmark": "erasure", "secure_delete": secure, "scrub": scrubs}, indent=2))


if __name__ == "__main__":
    main()
