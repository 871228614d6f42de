"""Edit a replica and sync it to a shared file in a loop, until killed (kill -9 tests).

Usage: crash_child.py REPLICA SHARED SEED RUN

Prints (flushed) ``seeded N`` once N records exist, then ``put ID FIELD VALUE`` after each
``put`` has returned (so the edit is committed), and ``synced`` after each sync.
"""

from __future__ import annotations

import random
import sys

from sync import FileRemote, Replica, SyncError, sync

SEED_RECORDS = 300


def main() -> None:
    replica_path, shared_path, seed, run = (
        sys.argv[1],
        sys.argv[2],
        int(sys.argv[3]),
        int(sys.argv[4]),
    )
    rng = random.Random(seed * 1000 + run)
    replica = Replica.open(replica_path, name=f"crash child {run}")
    remote = FileRemote(shared_path, lock_timeout=30.0)
    if replica.count() == 0:
        replica.put_many(
            ("person", f"p{n:04d}", {"name": f"Henkilö {n}", "n": n, "town": "Kuopio"})
            for n in range(SEED_RECORDS)
        )
    print(f"seeded {replica.count()}", flush=True)
    for i in range(1, 100_000):
        action = rng.random()
        value = run * 1_000_000 + i
        if action < 0.15:
            rid = f"n{run}-{i}"
            replica.put("note", rid, {"v": value})
            print(f"put {rid} v {value}", flush=True)
        else:
            rid = f"p{rng.randrange(SEED_RECORDS):04d}"
            field = rng.choice(("n", "town", "v"))
            replica.put("person", rid, {field: value})
            print(f"put {rid} {field} {value}", flush=True)
        if i % rng.choice((1, 3, 7)) == 0:
            try:
                sync(replica, remote)
            except SyncError as exc:  # should not happen with one writer; report it
                print(f"syncerror {exc}", flush=True)
            else:
                print("synced", flush=True)


if __name__ == "__main__":
    main()
