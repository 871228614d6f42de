"""Sync benchmark: prints JSON.

For 1k, 10k and 100k records: first sync into an empty shared file, a no-op sync, the first
pull into a second replica, and a round where two replicas each changed 1 % of the records
(A syncs, B syncs, A syncs); each beside a floor measured in the same run on the same
document: stdlib ``json.loads`` + ``json.dumps`` (wall time; beside it CPU time, which leaves
out fsync waits and the other processes of a shared machine). Targets: no-op < 10 ms; 1 %
round < 1.0x the floor at 10k and 100k; first pull < 1.5x the floor at 100k; peak memory
< 120 MB at 100k; and ``digikunta sync`` finding nothing changed, as a whole process, < 2x a
process that only imports sqlite3 (``cli``; skip it with ``--no-cli``).

Setup, the timed syncs, the floor and the memory runs each have their own process. Peak memory
is measured as a laptop syncs: one replica per process, one process per sync (push the whole
document, pull the whole document, a 1 % change); the timed run keeps two replicas in one
process and reports that figure separately. The first pull is timed twice: in the timed run,
after replica A's syncs in the same process, and in the memory run's own process, as a new
laptop makes it (``first_pull_own_process_*``).

``--http`` adds, at up to 10k records, the HTTP remote against WsgiDAV, Apache mod_dav_fs over
TLS and S3 (moto); the servers are started by ``bench/bench_servers.py``.

Usage: python bench/sync_bench.py [--sizes 1000,10000,100000] [--http] [--no-cli]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

GIVEN = ["Aino", "Eino", "Väinö", "Helmi", "Ville", "Jaana", "Toni", "Sanna", "Åke", "Yrjö"]
FAMILY = ["Virtanen", "Mäkelä", "Utti", "Korhonen", "Nieminen", "Hämäläinen", "Kärkkäinen"]
ROLES = ["management", "staff", "staff_representative", "working_committee"]


def person(i: int, rnd: random.Random) -> dict[str, object]:
    g, f = rnd.choice(GIVEN), rnd.choice(FAMILY)
    return {
        "given_name": g,
        "family_name": f,
        "email": f"{g.lower()}.{f.lower()}.{i}@example.fi",
        "phone": f"+35840{rnd.randrange(10**6, 10**7)}",
        "organization": f"org{i % 200:05d}",
        "roles": rnd.sample(ROLES, 2),
        "job_title": "Kehittämispäällikkö",
    }


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 2)


def floor_ms(data: bytes, repeat: int) -> tuple[float, float]:
    """The floor's wall and CPU time (medians, ms)."""
    times, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        json.dumps(json.loads(data))
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return median_ms(times), median_ms(cpu)


def setup(folder: Path, n: int) -> None:
    """Create replica A with ``n`` people and an empty replica B (own process)."""
    from sync import Replica

    rnd = random.Random(n)
    a = Replica.open(folder / "a.sqlite", name="A")
    a.put_many(("person", f"p{i:07d}", person(i, rnd)) for i in range(n))
    Replica.open(folder / "b.sqlite", name="B").close()
    a.close()


def measure(folder: Path, n: int, transport: str) -> dict[str, object]:
    """The timed syncs (own process, so its peak RSS is the sync's)."""
    from importlib import import_module

    from sync import FileRemote, Replica, sync

    for name in ("sync.document", "sync.reconcile", "sync.commit"):
        import_module(name)  # a sync loads these on first use: not timed, as before

    rnd = random.Random(n + 1)
    shared = folder / "shared" / "digikunta.json"
    shared.parent.mkdir(exist_ok=True)
    server = None
    if transport != "file":
        from bench_servers import open_server

        server = open_server(transport, shared)
        make_remote = server.make_remote
    else:

        def make_remote():
            return FileRemote(shared)

    a = Replica.open(folder / "a.sqlite")
    b = Replica.open(folder / "b.sqlite")
    remote_a, remote_b = make_remote(), make_remote()
    ids = [f"p{i:07d}" for i in range(n)]

    t = time.perf_counter()
    sync(a, remote_a)
    first = time.perf_counter() - t
    noop = []
    for _ in range(7):
        t = time.perf_counter()
        report = sync(a, remote_a)
        noop.append(time.perf_counter() - t)
        assert report.fast_path, "a no-op sync must take the fast path"
    t, c = time.perf_counter(), time.process_time()
    sync(b, remote_b)
    first_pull = time.perf_counter() - t
    first_pull_cpu = time.process_time() - c

    rounds, rounds_cpu = [], []
    k = max(1, n // 100)
    for r in range(3 if n <= 10_000 else 1):
        a.put_many(("person", rid, {"job_title": f"A{r}"}) for rid in rnd.sample(ids, k))
        b.put_many(("person", rid, {"phone": f"+35850{rnd.randrange(10**6, 10**7)}"})
                   for rid in rnd.sample(ids, k))  # fmt: skip
        t, c = time.perf_counter(), time.process_time()
        sync(a, remote_a)
        sync(b, remote_b)
        sync(a, remote_a)
        rounds.append(time.perf_counter() - t)
        rounds_cpu.append(time.process_time() - c)
    if server is not None:
        server.copy_out()  # the stored document, for its size and the floor
        server.close()
    same = a.pending() == b.pending() == 0 and a.count() == b.count() == n
    return {
        "first_sync_into_empty_ms": round(first * 1000, 2),
        "first_pull_ms": round(first_pull * 1000, 2),
        "noop_sync_ms": median_ms(noop),
        "one_percent_round_ms": median_ms(rounds),
        "first_pull_cpu_ms": round(first_pull_cpu * 1000, 2),
        "one_percent_round_cpu_ms": median_ms(rounds_cpu),
        "converged": same,
        "document_bytes": shared.stat().st_size,
        "two_replicas_one_process_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
        ),
    }


def memory(folder: Path, step: str) -> dict[str, float]:
    """One sync as a laptop does it (one replica per process); returns the process's peak RSS.

    ``pull``: a new replica pulls the whole document; ``one_percent``: replica A changes 1 %
    and syncs; ``push``: a copy of A writes the whole document into a new shared folder.
    """
    import shutil
    from importlib import import_module

    from sync import FileRemote, Replica, sync

    for name in ("sync.document", "sync.reconcile", "sync.commit"):
        import_module(name)  # as in measure(): the sync's time leaves out these imports

    shared = folder / "shared" / "digikunta.json"
    if step == "pull":
        replica, remote = Replica.open(folder / "c.sqlite", name="C"), FileRemote(shared)
    elif step == "one_percent":
        replica, remote = Replica.open(folder / "a.sqlite"), FileRemote(shared)
        # 1 % of the people, picked in SQL: loading every record first (as this step once
        # did) left the process 11 MB larger at 100 000 records before the sync began
        sql = "SELECT id FROM records WHERE kind = 'person' AND rowid % 100 = 7"
        ids = [rid for (rid,) in replica.conn.execute(sql)]
        replica.put_many(("person", rid, {"job_title": "M"}) for rid in ids)
        del ids
    else:
        shutil.copy(folder / "a.sqlite", folder / "d.sqlite")
        replica, remote = Replica.open(folder / "d.sqlite"), FileRemote(folder / "push" / "d.json")
        (folder / "push").mkdir(exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t, c = time.perf_counter(), time.process_time()
    sync(replica, remote)
    wall, cpu = time.perf_counter() - t, time.process_time() - c
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "before_sync_mb": round(before, 1),
        "peak_mb": round(after, 1),
        "sync_ms": round(wall * 1000, 2),
        "sync_cpu_ms": round(cpu * 1000, 2),
    }


def _child(*args: str) -> str:
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    return out.stdout


def run_size(n: int, transport: str) -> dict[str, object]:
    """Set up, measure and compare with the floor, each in its own process."""
    with tempfile.TemporaryDirectory(prefix=f"syncbench{n}-") as tmp:
        _child("--setup", tmp, str(n))
        result = {"records": n, "transport": transport}
        result.update(json.loads(_child("--measure", tmp, str(n), transport)))
        floor, floor_cpu = json.loads(
            _child("--floor", str(Path(tmp) / "shared" / "digikunta.json"))
        )
        if transport == "file":
            steps = {
                s: json.loads(_child("--memory", tmp, s)) for s in ("push", "pull", "one_percent")
            }
            result["peak_rss_mb_per_sync"] = {s: v["peak_mb"] for s, v in steps.items()}
            result["peak_rss_mb"] = max(v["peak_mb"] for v in steps.values())
            # the first pull as a new laptop makes it: its own process, nothing else in it
            result["first_pull_own_process_ms"] = steps["pull"]["sync_ms"]
            result["first_pull_own_process_cpu_ms"] = steps["pull"]["sync_cpu_ms"]
    result["floor_json_loads_dumps_ms"] = floor
    result["one_percent_round_vs_floor"] = round(result["one_percent_round_ms"] / floor, 2)
    result["first_pull_vs_floor"] = round(result["first_pull_ms"] / floor, 2)
    # CPU time beside the wall time: on a shared machine the other jobs change both the
    # syncs' and the floor's wall time; CPU time leaves out waiting (fsync, other processes).
    result["floor_cpu_ms"] = floor_cpu
    result["one_percent_round_cpu_vs_floor_cpu"] = round(
        result["one_percent_round_cpu_ms"] / floor_cpu, 2
    )
    result["first_pull_cpu_vs_floor_cpu"] = round(result["first_pull_cpu_ms"] / floor_cpu, 2)
    if "first_pull_own_process_ms" in result:
        result["first_pull_own_process_vs_floor"] = round(
            result["first_pull_own_process_ms"] / floor, 2
        )
        result["first_pull_own_process_cpu_vs_floor_cpu"] = round(
            result["first_pull_own_process_cpu_ms"] / floor_cpu, 2
        )
    return result


def cli_noop(runs: int = 15) -> dict[str, object]:
    """``digikunta sync`` finding nothing changed, as a whole process, against a process that
    only imports sqlite3 (interleaved, medians; 1 000 records): once as the tests run it (no
    config file, the folders named by environment variables) and once as a laptop does (a
    config file naming the remote in the platform's config folder, the replica in its data
    folder: ``HOME`` is a temporary folder).

    The program's bytecode is compiled first, as installing it does (pip compiles the
    ``.pyc`` files of a wheel): from a checkout under ``PYTHONDONTWRITEBYTECODE=1`` every
    process would otherwise compile every module of the CLI, a cost no installed laptop pays,
    while the floor's standard library is compiled.
    """
    import compileall
    import os
    import shutil

    for package in ("digikunta_tui", "sync"):
        compileall.compile_dir(ROOT / package, quiet=1)

    with tempfile.TemporaryDirectory(prefix="syncbench-cli-") as tmp:
        _child("--setup", tmp, "1000")
        data = Path(tmp) / "data"
        data.mkdir()
        shutil.move(Path(tmp) / "a.sqlite", data / "replica.sqlite")
        shared = Path(tmp) / "shared" / "digikunta.json"
        shared.parent.mkdir()
        env = dict(os.environ, DIGIKUNTA_DATA_DIR=str(data))
        env["DIGIKUNTA_CONFIG"] = str(Path(tmp) / "none.toml")
        script = Path(sys.executable).with_name("digikunta")
        cli = [str(script), "--quiet", "sync", "--remote", str(shared)]
        subprocess.run(cli, env=env, check=True, capture_output=True)  # first sync + index
        home = Path(tmp) / "home"
        laptop = {k: v for k, v in os.environ.items() if not k.startswith(("DIGIKUNTA_", "XDG_"))}
        laptop["HOME"] = str(home)
        (home / ".config" / "digikunta").mkdir(parents=True)
        (home / ".config" / "digikunta" / "config.toml").write_text(
            f'[replica]\nname = "Ville, laptop"\n[sync]\nremote = "{shared}"\n', "utf-8"
        )
        (home / ".local" / "share").mkdir(parents=True)
        shutil.copytree(data, home / ".local" / "share" / "digikunta")
        laptop_cli = [str(script), "--quiet", "sync"]
        floor_cmd = [sys.executable, "-c", "import sqlite3"]
        cli_t, laptop_t, floor_t = [], [], []
        for _ in range(runs):
            for cmd, environ, out in (
                (floor_cmd, env, floor_t),
                (cli, env, cli_t),
                (laptop_cli, laptop, laptop_t),
            ):
                t = time.perf_counter()
                subprocess.run(cmd, env=environ, check=True, capture_output=True)
                out.append(time.perf_counter() - t)
    floor = statistics.median(floor_t)
    return {
        "cli_noop_sync_process_ms": median_ms(cli_t),
        "python_import_sqlite3_process_ms": median_ms(floor_t),
        "cli_noop_vs_floor": round(statistics.median(cli_t) / floor, 2),
        "cli_noop_with_config_file_process_ms": median_ms(laptop_t),
        "cli_noop_with_config_file_vs_floor": round(statistics.median(laptop_t) / floor, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument(
        "--http", action="store_true", help="also the HTTP remote (WsgiDAV, Apache-TLS, S3)"
    )
    parser.add_argument("--no-cli", action="store_true", help="skip the CLI no-op processes")
    parser.add_argument("--setup", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--floor", help=argparse.SUPPRESS)
    parser.add_argument("--memory", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        setup(Path(args.setup[0]), int(args.setup[1]))
        return
    if args.measure:
        folder, n, transport = args.measure
        print(json.dumps(measure(Path(folder), int(n), transport)))
        return
    if args.memory:
        print(json.dumps(memory(Path(args.memory[0]), args.memory[1])))
        return
    if args.floor:
        data = Path(args.floor).read_bytes()
        print(json.dumps(floor_ms(data, 5 if len(data) < 20_000_000 else 2)))
        return
    results = []
    transports = ["file", "http", "apache", "s3"] if args.http else ["file"]
    for n in [int(s) for s in args.sizes.split(",")]:
        for transport in transports:
            if transport != "file" and n > 10_000:
                continue
            results.append(run_size(n, transport))
    out: dict[str, object] = {"benchmark": "sync", "results": results}
    if not args.no_cli:
        out["cli"] = cli_noop()
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
