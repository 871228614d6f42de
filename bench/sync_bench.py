"""Sync benchmark: prints JSON. Each size runs in its own process so peak RSS is per size.

For 1k, 10k and 100k records: first sync into an empty shared file, a no-op sync, the first
pull into a second replica, and a round where two replicas each changed 1 % of the records
(A syncs, B syncs, A syncs); each beside a floor measured in the same run on the same
document: stdlib ``json.loads`` + ``json.dumps``. Targets (at 10k): no-op < 10 ms, 1 % round
< 3x the floor, peak memory < 200 MB at 100k.

Usage: python bench/sync_bench.py [--sizes 1000,10000,100000] [--http]
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


def floor_ms(data: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        json.dumps(json.loads(data))
        times.append(time.perf_counter() - t)
    return median_ms(times)


def run_size(n: int, transport: str) -> dict[str, object]:
    from sync import FileRemote, Replica, sync

    rnd = random.Random(n)
    tmp = Path(tempfile.mkdtemp(prefix=f"syncbench{n}-"))
    shared = tmp / "shared" / "digikunta.json"
    shared.parent.mkdir()
    server = None
    if transport == "http":
        from webdav_server import run_webdav

        server = run_webdav(shared.parent, strict=True)
        base = server.__enter__()

        def make_remote():  # noqa: ANN202
            from sync.http_remote import HttpRemote

            return HttpRemote(base + shared.name)
    else:

        def make_remote():  # noqa: ANN202
            return FileRemote(shared)

    a = Replica.open(tmp / "a.sqlite", name="A")
    b = Replica.open(tmp / "b.sqlite", name="B")
    ids = [f"p{i:07d}" for i in range(n)]
    a.put_many(("person", rid, person(i, rnd)) for i, rid in enumerate(ids))
    remote_a, remote_b = make_remote(), make_remote()

    t = time.perf_counter()
    sync(a, remote_a)
    first = time.perf_counter() - t
    data = shared.read_bytes()
    repeat = 5 if n <= 10_000 else 2
    floor = floor_ms(data, repeat)

    noop = []
    for _ in range(7):
        t = time.perf_counter()
        report = sync(a, remote_a)
        noop.append(time.perf_counter() - t)
        assert report.fast_path, "a no-op sync must take the fast path"

    t = time.perf_counter()
    sync(b, remote_b)
    first_pull = time.perf_counter() - t

    rounds = []
    k = max(1, n // 100)
    for r in range(3 if n <= 10_000 else 1):
        a.put_many(("person", rid, {"job_title": f"A{r}"}) for rid in rnd.sample(ids, k))
        b.put_many(("person", rid, {"phone": f"+35850{rnd.randrange(10**6, 10**7)}"})
                   for rid in rnd.sample(ids, k))  # fmt: skip
        t = time.perf_counter()
        sync(a, remote_a)
        sync(b, remote_b)
        sync(a, remote_a)
        rounds.append(time.perf_counter() - t)
    assert list(a.records()) == list(b.records()), "replicas must converge"
    if server is not None:
        server.__exit__(None, None, None)
    round_ms = median_ms(rounds)
    return {
        "records": n,
        "transport": transport,
        "document_bytes": len(data),
        "floor_json_loads_dumps_ms": floor,
        "first_sync_into_empty_ms": round(first * 1000, 2),
        "first_pull_ms": round(first_pull * 1000, 2),
        "noop_sync_ms": median_ms(noop),
        "one_percent_round_ms": round_ms,
        "one_percent_round_vs_floor": round(round_ms / floor, 2) if floor else None,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--http", action="store_true", help="also the HTTP remote (WsgiDAV)")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        n, transport = args.one.split(":")
        print(json.dumps(run_size(int(n), transport)))
        return
    results = []
    transports = ["file", "http"] if args.http else ["file"]
    for n in [int(s) for s in args.sizes.split(",")]:
        for transport in transports:
            if transport == "http" and n > 10_000:
                continue
            out = subprocess.run(
                [sys.executable, __file__, "--one", f"{n}:{transport}"],
                check=True, capture_output=True, text=True,
            )  # fmt: skip
            results.append(json.loads(out.stdout))
    print(json.dumps({"benchmark": "sync", "results": results}, indent=2))


if __name__ == "__main__":
    main()
