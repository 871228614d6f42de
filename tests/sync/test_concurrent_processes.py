"""Several processes (and threads) syncing one shared file at the same time.

See docs/sync-model.md#convergence and docs/sync-model.md#edits-made-while-a-sync-runs.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sync_testkit import (
    PROCS,
    BackgroundSync,
    child_env,
    live_shared,
    open_conflict_ids,
    unaccounted_writes,
)

from sync import FileRemote, Replica, sync

PROCESSES = 3
ITERATIONS = 40


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_processes_editing_and_syncing_one_file_converge(tmp_path: Path, seed: int) -> None:
    shared = tmp_path / "cloud" / "digikunta.json"
    shared.parent.mkdir()
    paths = [tmp_path / f"laptop{i}.sqlite" for i in range(PROCESSES)]
    script = str(PROCS / "concurrent_child.py")
    procs = []
    for i, path in enumerate(paths):
        args = [script, str(path), str(shared), str(i), str(ITERATIONS), str(seed)]
        procs.append(
            subprocess.Popen(
                [sys.executable, *args],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=child_env(),
            )
        )
    results = []
    for proc in procs:
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))

    remote = FileRemote(shared)
    replicas = [Replica.open(p) for p in paths]
    try:
        for _ in range(2):
            for rep in replicas:
                sync(rep, remote)
        first = replicas[0]
        for rep in replicas[1:]:
            assert list(rep.records()) == list(first.records())
            assert open_conflict_ids(rep) == open_conflict_ids(first)
        for rep in replicas:
            assert rep.pending() == 0
        # every distinct edit is there, in every replica and in the shared document
        doc = live_shared(shared)
        for i, result in enumerate(results):
            assert len(result["distinct"]) == ITERATIONS
            for n, rid in enumerate(result["distinct"]):
                assert first.get("note", rid) == {
                    "by": i,
                    "i": n,
                    "text": f"prosessi {i} kirjoitti {n}",
                }
                assert rid in doc
        # concurrent edits of the shared records: current, seen and overwritten, or a conflict
        ledger = [tuple(e) for result in results for e in result["shared"]]
        assert ledger, "the processes edited shared records"
        for rep in replicas:
            assert unaccounted_writes(ledger, rep) == []
        stories = {rid: fields for _, rid, fields in first.records("story")}
        assert {rid: doc[rid] for rid in ("s0", "s1", "s2") if rid in doc} == stories
    finally:
        for rep in replicas:
            rep.close()


class GatedRemote(FileRemote):
    """A file remote whose write waits until the test lets it go (after an edit landed)."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.writing = threading.Event()
        self.go = threading.Event()
        self.gate = True

    def write(self, data: bytes, expected_tag: str | None, *, scrub: frozenset[str]) -> str:
        if self.gate:
            self.gate = False
            self.writing.set()
            assert self.go.wait(60), "the test never let the write go"
        return super().write(data, expected_tag, scrub=scrub)


def test_an_edit_saved_while_a_sync_runs_is_merged_not_overwritten(
    make_replica, shared: Path
) -> None:
    a, b = make_replica("a"), make_replica("b")
    plain = FileRemote(shared)
    a.put("person", "p1", {"name": "Ville", "town": "Kuopio", "email": "v@example.fi"})
    a.put("person", "p2", {"name": "Anna"})
    sync(a, plain)
    sync(b, plain)
    b.put("person", "p1", {"town": "Tervo", "phone": "040 123"})  # pulled by A's sync
    b.put("person", "p2", {"name": "Anna K."})
    sync(b, plain)

    a.put("person", "p1", {"email": "ville@example.fi"})  # pending when the sync starts
    gated = GatedRemote(shared)
    syncing = BackgroundSync(a, gated)
    assert gated.writing.wait(60)
    # the sync has read and merged; it is about to write and commit. Now the person edits:
    a.put("person", "p1", {"name": "Ville Virtanen"})  # a field the sync did not touch
    a.put("person", "p2", {"name": "Anna Korhonen"})  # a field the sync is changing
    a.put("person", "p3", {"name": "Uusi jäsen"})  # a new record
    gated.go.set()
    syncing.finish()

    p1 = a.get("person", "p1")
    assert p1 == {
        "name": "Ville Virtanen",
        "town": "Tervo",
        "phone": "040 123",
        "email": "ville@example.fi",
    }
    assert a.get("person", "p2") == {"name": "Anna Korhonen"}  # the later local edit stays
    # B's concurrent value is not silently lost: the person never saw it
    lost = {(c.record, c.field, c.lost.get("value")) for c in a.conflicts()}
    assert ("p2", "name", "Anna K.") in lost
    assert a.get("person", "p3") == {"name": "Uusi jäsen"}
    assert a.pending() >= 2  # the edits made during the sync still wait to be pushed

    sync(a, plain)
    sync(b, plain)
    sync(a, plain)
    assert list(b.records()) == list(a.records())
    assert b.get("person", "p1")["name"] == "Ville Virtanen"
    assert b.get("person", "p3") == {"name": "Uusi jäsen"}
    assert open_conflict_ids(a) == open_conflict_ids(b)
    assert a.pending() == 0 and b.pending() == 0


def test_an_edit_saved_while_a_sync_runs_on_a_record_the_sync_deletes(
    make_replica, shared: Path
) -> None:
    """B deleted the record; A's sync pulls the deletion while A edits it: the edit revives it."""
    a, b = make_replica("a"), make_replica("b")
    plain = FileRemote(shared)
    a.put("person", "p1", {"name": "Ville", "town": "Kuopio"})
    sync(a, plain)
    sync(b, plain)
    b.delete("person", "p1")
    sync(b, plain)
    a.put("person", "p9", {"name": "Jotain"})  # so that A's sync writes
    gated = GatedRemote(shared)
    worker = threading.Thread(target=sync, args=(a, gated))
    worker.start()
    assert gated.writing.wait(60)
    a.put("person", "p1", {"town": "Varkaus"})
    gated.go.set()
    worker.join()
    assert a.get("person", "p1") is not None
    assert a.get("person", "p1")["town"] == "Varkaus"
    sync(a, plain)
    sync(b, plain)
    assert b.get("person", "p1") == a.get("person", "p1")
    assert b.get("person", "p1")["town"] == "Varkaus"
