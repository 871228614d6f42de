"""One of several processes editing its own replica and syncing one shared file in a loop.

Usage: concurrent_child.py REPLICA SHARED INDEX ITERATIONS SEED

Each iteration puts one record of its own (``w<INDEX>-<i>``), sometimes edits one of a few
shared records, and syncs. At the end it syncs twice more and prints one JSON line:
``{"distinct": [ids], "shared": [[id, field, value, stamp, previous value], ...], "errors": n}``.
"""

from __future__ import annotations

import json
import random
import sys

from sync import FileRemote, Replica, SyncError, sync

SHARED_IDS = ("s0", "s1", "s2")


def _sync(replica: Replica, remote: FileRemote) -> bool:
    try:
        sync(replica, remote)
    except SyncError:  # lock timeout or too many concurrent writers: try again next time
        return False
    return True


def main() -> None:
    replica_path, shared_path = sys.argv[1], sys.argv[2]
    index, iterations, seed = int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    rng = random.Random(seed * 100 + index)
    replica = Replica.open(replica_path, name=f"process {index}")
    remote = FileRemote(shared_path, lock_timeout=30.0)
    distinct, shared, errors = [], [], 0
    for i in range(iterations):
        rid = f"w{index}-{i}"
        replica.put("note", rid, {"by": index, "i": i, "text": f"prosessi {index} kirjoitti {i}"})
        distinct.append(rid)
        if rng.random() < 0.5:
            sid = rng.choice(SHARED_IDS)
            field = rng.choice(("title", "owner"))
            before = replica.record(sid)
            prev = before["fields"].get(field) if before else None
            value = f"p{index}-{i}"
            replica.put("story", sid, {field: value})
            stamp = replica.record(sid)["stamps"][field]
            shared.append([sid, field, value, stamp, prev])
        if rng.random() < 0.7 and not _sync(replica, remote):
            errors += 1
    done = 0
    for _ in range(20):
        if _sync(replica, remote):
            done += 1
            if done == 2:
                break
    print(json.dumps({"distinct": distinct, "shared": shared, "errors": errors}), flush=True)


if __name__ == "__main__":
    main()
