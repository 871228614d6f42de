"""Three replicas sharing one file converge, and no write is silently dropped.

A hypothesis state machine puts, deletes, erases, resolves conflicts and syncs in random order
(sometimes with a write that fails before or after it reached the file); at the end every
replica syncs twice, round after round, and all must hold the same records and open conflicts,
and every value ever written must be accounted for.

Two laptops may also make records of different kinds under one id (``x0``): the organisation
keeps it and the person moves to ``x0:person``, which can also be written directly. Every value
names the kind it was written to, so a field that crossed kinds shows.

See docs/sync-model.md#convergence and docs/sync-model.md#no-lost-edit.
"""

from __future__ import annotations

import itertools
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule
from sync_testkit import open_conflict_ids, unaccounted_writes

from sync import FileRemote, RemoteChanged, RemoteOffline, Replica, ReplicaError, sync
from sync.document import parse_document
from sync.records import is_alive

KINDS = {
    "p0": ("person",),
    "p1": ("person",),
    "p2": ("person",),
    "w0": ("webinar",),
    "w1": ("webinar",),
    "x0": ("organization", "person"),  # one id, two kinds: laptops may pick either
    "x0:person": ("person",),  # where the person moves
}
FIELDS = ("name", "town", "notes")
TEXTS = ("Ville", "Kuopio", 'sanoi "hei"', "rivi\nrivi", "ääkkönen ✓", "")
replicas = st.integers(0, 2)
record_ids = st.sampled_from(sorted(KINDS))


class FlakyRemote(FileRemote):
    """A file remote whose next write can fail once: before touching the file, or after it."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, lock_timeout=5.0)
        self.fail: tuple[type[Exception], bool] | None = None

    def write(self, data: bytes, expected_tag: str | None, *, scrub: frozenset[str]) -> str:
        fail, self.fail = self.fail, None
        if fail is not None and not fail[1]:
            raise fail[0](f"{self.path}: injected failure before the write")
        tag = super().write(data, expected_tag, scrub=scrub)
        if fail is not None:  # the write happened but its answer was lost
            raise fail[0](f"{self.path}: injected failure after the write")
        return tag


class ThreeReplicas(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="dk-machine-"))
        (self.dir / "cloud").mkdir()
        self.remote = FlakyRemote(self.dir / "cloud" / "digikunta.json")
        self.replicas = [Replica.open(self.dir / f"r{i}.sqlite") for i in range(3)]
        self.ledger: list[tuple[str, str, Any, str, Any]] = []
        self.counter = itertools.count()

    # ------------------------------------------------------------------ edits
    def _value(self, text: str, kind: str) -> str:
        return f"{text} #{next(self.counter)} ({kind})"  # every written value is unique

    @rule(
        i=replicas,
        rid=record_ids,
        which=st.integers(0, 1),
        fields=st.dictionaries(st.sampled_from(FIELDS), st.sampled_from(TEXTS), min_size=1),
    )
    def put(self, i: int, rid: str, which: int, fields: dict[str, str]) -> None:
        rep = self.replicas[i]
        kind = KINDS[rid][which % len(KINDS[rid])]
        values = {f: self._value(t, kind) for f, t in fields.items()}
        before = rep.record(rid)
        before_stamps = before["stamps"] if before else {}
        before_fields = before["fields"] if before else {}
        try:
            rep.put(kind, rid, values)
        except ReplicaError:
            assert before is not None and (before.get("erased") or before["kind"] != kind)
            return
        after = rep.record(rid)
        assert rep.get(kind, rid) is not None
        for field, value in values.items():
            assert after["fields"][field] == value
            stamp = after["stamps"][field]
            assert stamp > before_stamps.get(field, "")
            self.ledger.append((rid, field, value, stamp, before_fields.get(field), kind))

    @rule(i=replicas, rid=record_ids, which=st.integers(0, 1))
    def delete(self, i: int, rid: str, which: int) -> None:
        rep = self.replicas[i]
        kind = KINDS[rid][which % len(KINDS[rid])]
        if rep.get(kind, rid) is None:
            with pytest.raises(ReplicaError):
                rep.delete(kind, rid)
            return
        rep.delete(kind, rid)
        assert rep.get(kind, rid) is None

    @rule(i=replicas, rid=record_ids, which=st.integers(0, 1), dice=st.integers(0, 5))
    def erase(self, i: int, rid: str, which: int, dice: int) -> None:
        if dice:  # erasure is rare
            return
        rep = self.replicas[i]
        kind = KINDS[rid][which % len(KINDS[rid])]
        before = rep.record(rid)
        if before is not None and before["kind"] != kind:
            with pytest.raises(ReplicaError):
                rep.erase(kind, rid)
            assert rep.record(rid) == before
            return
        rep.erase(kind, rid)
        assert rep.get(kind, rid) is None
        assert all(c.record != rid for c in rep.conflicts(include_resolved=True))

    @precondition(lambda self: any(r.conflicts() for r in self.replicas))
    @rule(data=st.data())
    def resolve(self, data: st.DataObject) -> None:
        candidates = [(i, c) for i, r in enumerate(self.replicas) for c in r.conflicts()]
        i, entry = data.draw(st.sampled_from(candidates))
        rep = self.replicas[i]
        before = rep.record(entry.record)
        if entry.field is None:
            choice = data.draw(st.sampled_from(["restore", "delete"]))
            try:
                if choice == "restore":
                    rep.restore_record(entry.id)
                else:
                    rep.confirm_delete(entry.id)
            except ReplicaError:  # "delete" of a record that is no longer alive
                assert choice == "delete"  # (or of an id shared by two kinds: refused)
                return
        else:
            value = data.draw(
                st.sampled_from([entry.kept["value"], entry.lost["value"], "yhdistetty"])
            )
            if value == "yhdistetty":
                value = self._value(value, entry.kind)
            rep.resolve_field(entry.id, value)
            after = rep.record(entry.record)
            old = (before or {}).get("stamps", {}).get(entry.field)
            new = (after or {}).get("stamps", {}).get(entry.field)
            if new is not None and new != old:
                prev = (before or {}).get("fields", {}).get(entry.field)
                self.ledger.append((entry.record, entry.field, value, new, prev))
        assert rep.conflict(entry.id).resolved is not None

    # ------------------------------------------------------------------- sync
    @rule(i=replicas)
    def sync_one(self, i: int) -> None:
        sync(self.replicas[i], self.remote)

    @rule(
        i=replicas,
        error=st.sampled_from([RemoteChanged, RemoteOffline]),
        after_write=st.booleans(),
    )
    def flaky_sync(self, i: int, error: type[Exception], after_write: bool) -> None:
        rep = self.replicas[i]
        self.remote.fail = (error, after_write)
        try:
            sync(rep, self.remote)
        except RemoteOffline:
            assert error is RemoteOffline
        # RemoteChanged is retried by the engine: the sync must have succeeded
        self.remote.fail = None

    # --------------------------------------------------------------- the end
    def teardown(self) -> None:
        try:
            self._final_checks()
        finally:
            for rep in self.replicas:
                rep.close()
            shutil.rmtree(self.dir, ignore_errors=True)

    def _final_checks(self) -> None:
        self.remote.fail = None
        for _ in range(2):
            for rep in self.replicas:
                sync(rep, self.remote)
        first = self.replicas[0]
        expected = list(first.records())
        for rep in self.replicas[1:]:
            assert list(rep.records()) == expected
            assert open_conflict_ids(rep) == open_conflict_ids(first)
        for rep in self.replicas:
            assert rep.pending() == 0
            missing = unaccounted_writes(self.ledger, rep)
            assert missing == [], missing
            for kind, rid, fields in rep.records():  # no field crossed kinds
                assert all(v.endswith(f"({kind})") for v in fields.values()), (rid, fields)
        if self.remote.path.exists():
            doc = parse_document(self.remote.path.read_bytes(), str(self.remote.path))
            live = {rid: rec["fields"] for rid, rec in doc.all_records().items() if is_alive(rec)}
            assert live == {rid: f for _, rid, f in expected}
            assert sorted(c["id"] for c in doc.conflicts if not c["resolved"]) == (
                open_conflict_ids(first)
            )


ThreeReplicas.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestThreeReplicasConverge = ThreeReplicas.TestCase
