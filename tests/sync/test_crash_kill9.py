"""kill -9 at any point loses no committed edit and leaves the shared document valid.

See docs/sync-model.md#crash-safety.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sync_testkit import PROCS, child_env, shared_records

from sync import FileRemote, Replica, sync
from sync.document import parse_document
from sync.records import is_alive

TRIALS = 20
RUNS_PER_TRIAL = 2  # the second run reopens the replica the first one left after its crash
SEED_RECORDS = 300


def _run_and_kill(replica: Path, shared: Path, seed: int, run: int, delay: float) -> list[str]:
    """Start the child, let it work for ``delay`` seconds after seeding, SIGKILL it.

    Returns the complete lines it printed (a torn last line is dropped).
    """
    proc = subprocess.Popen(
        [sys.executable, str(PROCS / "crash_child.py"), str(replica), str(shared), str(seed),
         str(run)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(),
    )  # fmt: skip
    chunks: list[bytes] = []
    seeded = threading.Event()

    def drain() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            chunks.append(line)
            if line.startswith(b"seeded"):
                seeded.set()

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    while not seeded.wait(0.05):
        if proc.poll() is not None:
            reader.join()
            raise AssertionError(f"child exited early: {proc.stderr.read().decode()}")
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reader.join()
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()
    proc.stderr.close()
    return [c.decode() for c in chunks if c.endswith(b"\n")]


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(TRIALS))
def test_kill9_loses_no_committed_edit(tmp_path: Path, trial: int) -> None:
    rng = random.Random(20261129 + trial)
    shared = tmp_path / "cloud" / "digikunta.json"
    shared.parent.mkdir()
    replica_path = tmp_path / "laptop.sqlite"

    committed: dict[tuple[str, str], int] = {}  # (record, field) -> last value reported
    new_records: set[str] = set()
    syncs = 0
    for run in range(1, RUNS_PER_TRIAL + 1):
        lines = _run_and_kill(replica_path, shared, trial, run, rng.uniform(0.0, 0.5))
        assert lines and lines[0].startswith("seeded"), lines[:3]
        for line in lines:
            parts = line.split()
            if parts[0] == "put":
                committed[(parts[1], parts[2])] = int(parts[3])
                if parts[1].startswith("n"):
                    new_records.add(parts[1])
            elif parts[0] == "synced":
                syncs += 1
            else:
                assert parts[0] == "seeded", line  # no "syncerror" with a single writer
        # whatever moment the kill hit, the shared file (if any) is a valid document
        if shared.exists():
            parse_document(shared.read_bytes(), str(shared)).all_records()
        if syncs:
            assert shared.exists()

    leftovers = [p.name for p in shared.parent.iterdir() if not p.name.startswith(".")]
    assert set(leftovers) <= {"digikunta.json", "digikunta.json.bak", "digikunta.json.lock"}

    remote = FileRemote(shared, lock_timeout=5.0)
    with Replica.open(replica_path) as replica:
        sync(replica, remote)
        assert replica.pending() == 0
        assert replica.count("person") == SEED_RECORDS
        in_doc = shared_records(shared)
        for (rid, field), value in committed.items():
            kind = "note" if rid.startswith("n") else "person"
            fields = replica.get(kind, rid)
            assert fields is not None, rid
            # the reported value, or a later one the child committed but had no time to print
            assert fields[field] >= value, (rid, field, fields[field], value)
            assert is_alive(in_doc[rid])
            assert in_doc[rid]["fields"][field] == fields[field], (rid, field)
        for rid in new_records:
            assert replica.get("note", rid) is not None
        mine = list(replica.records())
        report = sync(replica, remote)
        assert not report.wrote

    with Replica.open(tmp_path / "fresh.sqlite") as fresh:
        sync(fresh, remote)
        assert list(fresh.records()) == mine
