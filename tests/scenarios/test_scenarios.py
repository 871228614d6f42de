"""The same multi-replica scenarios over a shared file and over real HTTP servers.

Every test gets ``make_remote`` (parametrised ``file``, ``http`` (WsgiDAV), ``apache``
(mod_dav_fs over TLS) and ``s3`` (moto)): each replica syncs through its own remote object, as
separate laptops would, all pointing at one shared document.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from scenario_remotes import RacingRemote, RemoteFactory

from sync import Remote, Replica, SyncReport, sync

Replicas = Callable[..., list[Replica]]


def _remotes(make_remote: RemoteFactory, replicas: list[Replica]) -> dict[str, Remote]:
    return {r.replica_id: make_remote() for r in replicas}


def _sync_round(replicas: list[Replica], remotes: dict[str, Remote]) -> list[SyncReport]:
    return [sync(r, remotes[r.replica_id]) for r in replicas]


def _assert_converged(replicas: list[Replica]) -> None:
    first = replicas[0]
    for other in replicas[1:]:
        assert list(other.records()) == list(first.records())
        assert [c.to_json() for c in other.conflicts(include_resolved=True)] == [
            c.to_json() for c in first.conflicts(include_resolved=True)
        ]
    for replica in replicas:
        assert replica.pending() == 0


def _shared_doc(make_remote: RemoteFactory) -> dict[str, Any]:
    return json.loads(make_remote.stored())


def test_first_sync_creates_the_document_and_the_others_pull_it(
    make_remote: RemoteFactory, make_replicas: Replicas
) -> None:
    a, b, c = make_replicas("A", "B", "C")
    remotes = _remotes(make_remote, [a, b, c])
    a.put("person", "p1", {"name": "Aino", "town": "Kuopio"})
    a.put("person", "p2", {"name": "Eero", "town": "Oulu"})

    first = sync(a, remotes[a.replica_id])
    assert first.transport == make_remote.report_transport
    assert first.wrote and first.pushed == 2 and first.pulled == 0
    doc = _shared_doc(make_remote)
    assert doc["format"] == "digikunta-sync" and doc["dataset"] == a.dataset
    assert sorted(rec["id"] for rec in doc["records"]) == ["p1", "p2"]

    for replica in (b, c):
        report = sync(replica, remotes[replica.replica_id])
        assert report.pulled == 2 and report.pushed == 0
        assert not report.wrote  # a pure pull never writes the shared document
        assert replica.dataset == a.dataset
    _assert_converged([a, b, c])
    assert b.get("person", "p1") == {"name": "Aino", "town": "Kuopio"}


def test_concurrent_edits_of_different_fields_are_merged(
    make_remote: RemoteFactory, make_replicas: Replicas
) -> None:
    a, b = make_replicas("A", "B")
    remotes = _remotes(make_remote, [a, b])
    a.put("person", "p1", {"name": "Aino", "town": "Kuopio", "phone": "040 1"})
    _sync_round([a, b], remotes)

    a.put("person", "p1", {"town": "Joensuu"})
    b.put("person", "p1", {"phone": "050 2"})
    reports = _sync_round([a, b, a], remotes)
    assert all(not r.conflicts for r in reports)

    expected = {"name": "Aino", "town": "Joensuu", "phone": "050 2"}
    assert a.get("person", "p1") == expected
    assert b.get("person", "p1") == expected
    assert a.conflicts(include_resolved=True) == []
    _assert_converged([a, b])


def test_same_field_conflict_reaches_every_replica_and_resolving_clears_it(
    make_remote: RemoteFactory, make_replicas: Replicas
) -> None:
    a, b, c = make_replicas("A", "B", "C")
    remotes = _remotes(make_remote, [a, b, c])
    a.put("person", "p1", {"name": "Aino", "phone": "040 1"})
    _sync_round([a, b, c], remotes)

    a.put("person", "p1", {"phone": "040 AAA"})
    b.put("person", "p1", {"phone": "050 BBB"})
    stamp_a = a.record("p1")["stamps"]["phone"]  # type: ignore[index]
    stamp_b = b.record("p1")["stamps"]["phone"]  # type: ignore[index]
    newer, older = (("050 BBB", stamp_b), ("040 AAA", stamp_a))
    if stamp_a > stamp_b:
        newer, older = older, newer

    reports = _sync_round([a, b, c], remotes) + _sync_round([a, b, c], remotes)
    assert sum(len(r.conflicts) for r in reports) >= 1
    _assert_converged([a, b, c])
    for replica in (a, b, c):
        (entry,) = replica.conflicts()
        assert entry.record == "p1" and entry.field == "phone"
        assert entry.kept == {"value": newer[0], "stamp": newer[1]}
        assert entry.lost == {"value": older[0], "stamp": older[1]}
        assert replica.get("person", "p1") == {"name": "Aino", "phone": newer[0]}
    assert [e["id"] for e in _shared_doc(make_remote)["conflicts"]] == [entry.id]

    c.resolve_field(entry.id, "040 AAA / 050 BBB")
    _sync_round([c, a, b], remotes)
    _assert_converged([a, b, c])
    for replica in (a, b, c):
        assert replica.conflicts() == []
        (resolved,) = replica.conflicts(include_resolved=True)
        assert resolved.id == entry.id and resolved.resolved is not None
        assert replica.get("person", "p1") == {"name": "Aino", "phone": "040 AAA / 050 BBB"}


def test_deletion_reaches_every_replica(
    make_remote: RemoteFactory, make_replicas: Replicas
) -> None:
    a, b, c = make_replicas("A", "B", "C")
    remotes = _remotes(make_remote, [a, b, c])
    a.put("person", "p1", {"name": "Aino"})
    a.put("person", "p2", {"name": "Eero"})
    _sync_round([a, b, c], remotes)

    b.delete("person", "p1")
    _sync_round([b, a, c], remotes)
    for replica in (a, b, c):
        assert replica.get("person", "p1") is None
        assert [rid for _, rid, _ in replica.records()] == ["p2"]
    (tomb,) = [r for r in _shared_doc(make_remote)["records"] if r["id"] == "p1"]
    assert tomb["deleted"] is not None and tomb["fields"] == {}
    _assert_converged([a, b, c])


def test_delete_versus_edit_restores_the_record_with_a_conflict(
    make_remote: RemoteFactory, make_replicas: Replicas
) -> None:
    a, b, c = make_replicas("A", "B", "C")
    remotes = _remotes(make_remote, [a, b, c])
    a.put("person", "p1", {"name": "Aino", "town": "Kuopio"})
    _sync_round([a, b, c], remotes)

    a.delete("person", "p1")
    b.put("person", "p1", {"town": "Iisalmi"})
    _sync_round([a, b, c], remotes)
    _sync_round([a, b, c], remotes)

    _assert_converged([a, b, c])
    for replica in (a, b, c):
        assert replica.get("person", "p1") == {"name": "Aino", "town": "Iisalmi"}
        (entry,) = replica.conflicts()
        assert entry.is_delete_conflict and entry.record == "p1"
        assert entry.lost["by"] == a.replica_id


def test_the_412_path_a_write_in_between_is_merged_not_lost(
    make_remote: RemoteFactory, make_replicas: Replicas
) -> None:
    """A reads, B writes, A's conditional write fails (412 / RemoteChanged), A merges again."""
    a, b = make_replicas("A", "B")
    remotes = _remotes(make_remote, [a, b])
    a.put("person", "p1", {"name": "Aino", "town": "Kuopio"})
    _sync_round([a, b], remotes)

    a.put("person", "p1", {"town": "Varkaus"})
    a.put("person", "p2", {"name": "Eero"})
    b.put("person", "p1", {"phone": "050 2"})
    b.put("person", "p3", {"name": "Helmi"})
    b_reports: list[SyncReport] = []
    racing = RacingRemote(
        remotes[a.replica_id], lambda: b_reports.append(sync(b, remotes[b.replica_id]))
    )
    before = len(make_remote.requests)

    report = sync(a, racing)

    assert b_reports and b_reports[0].wrote  # B really wrote between A's read and write
    assert report.attempts > 1 and racing.writes == 2 and racing.reads >= 2
    assert report.wrote
    if make_remote.transport != "file":
        assert ("PUT", 412) in make_remote.requests[before:]
    sync(b, remotes[b.replica_id])
    _assert_converged([a, b])
    assert a.get("person", "p1") == {"name": "Aino", "town": "Varkaus", "phone": "050 2"}
    assert [rid for _, rid, _ in a.records()] == ["p1", "p2", "p3"]
    assert a.conflicts(include_resolved=True) == []


def test_a_sync_with_nothing_new_takes_the_fast_path(
    make_remote: RemoteFactory, make_replicas: Replicas
) -> None:
    a, b = make_replicas("A", "B")
    remotes = _remotes(make_remote, [a, b])
    a.put("person", "p1", {"name": "Aino"})
    _sync_round([a, b], remotes)
    doc_before = make_remote.stored()
    version_before = make_remote.version()

    for replica in (a, b, a, b):
        before = len(make_remote.requests)
        report = sync(replica, remotes[replica.replica_id])
        assert report.fast_path and not report.wrote and report.unchanged
        assert report.attempts == 1
        if make_remote.transport != "file":
            # One conditional GET answered 304 Not Modified; no body, no PUT.
            assert make_remote.requests[before:] == [("GET", 304)]
    assert make_remote.stored() == doc_before
    assert make_remote.version() == version_before
    assert a.history(1)[0].fast_path


def test_a_pull_after_someone_else_wrote_does_not_write(
    make_remote: RemoteFactory, make_replicas: Replicas
) -> None:
    a, b = make_replicas("A", "B")
    remotes = _remotes(make_remote, [a, b])
    a.put("person", "p1", {"name": "Aino"})
    _sync_round([a, b], remotes)
    a.put("person", "p1", {"name": "Aino Ahonen"})
    sync(a, remotes[a.replica_id])

    before = len(make_remote.requests)
    report = sync(b, remotes[b.replica_id])
    assert report.pulled == 1 and report.pushed == 0
    assert not report.fast_path and not report.wrote
    if make_remote.transport != "file":
        assert [m for m, _ in make_remote.requests[before:]] == ["GET"]
        assert make_remote.requests[before:] == [("GET", 200)]
    assert b.get("person", "p1") == {"name": "Aino Ahonen"}


def test_three_replicas_keep_editing_and_converge_without_losing_a_write(
    make_remote: RemoteFactory, make_replicas: Replicas
) -> None:
    """A scripted mix of creates, edits, deletes and syncs in varying orders.

    Every written value is unique; at the end each write is accounted for: it is the current
    value, or a later write by a replica that had seen it replaced it, or it is in a conflict
    entry, or its record was deleted afterwards.
    """
    rng = random.Random(20261129)
    replicas = make_replicas("A", "B", "C")
    remotes = _remotes(make_remote, replicas)
    ids = [f"p{i}" for i in range(6)]
    fields = ["name", "town", "phone"]
    ledger: list[tuple[str, str, str, str, str]] = []  # record, field, value, previous, stamp
    counter = 0
    for _ in range(40):
        replica = rng.choice(replicas)
        rid = rng.choice(ids)
        action = rng.random()
        if action < 0.15 and replica.get("person", rid) is not None:
            replica.delete("person", rid)
        elif action < 0.75:
            field = rng.choice(fields)
            counter += 1
            value = f"{replica.name}-{counter}"
            previous = (replica.get("person", rid) or {}).get(field)
            replica.put("person", rid, {field: value})
            stamp = replica.record(rid)["stamps"][field]  # type: ignore[index]
            ledger.append((rid, field, value, json.dumps(previous), stamp))
        else:
            sync(replica, remotes[replica.replica_id])
    for _ in range(2):
        _sync_round(rng.sample(replicas, 3), remotes)
    _sync_round(replicas, remotes)

    _assert_converged(replicas)
    final = replicas[0]
    seen = {(rid, field, prev) for rid, field, _, prev, _ in ledger}
    in_conflicts = set()
    for entry in final.conflicts(include_resolved=True):
        if entry.field is not None:
            for side in (entry.kept, entry.lost):
                in_conflicts.add((entry.record, entry.field, side.get("value")))
    unaccounted = []
    for rid, field, value, _, stamp in ledger:
        record = final.record(rid)
        assert record is not None
        current = record["fields"].get(field)
        if (
            current == value
            or (rid, field, json.dumps(value)) in seen
            or (rid, field, value) in in_conflicts
            or (record.get("deleted") or "") > stamp  # deleted after the write
        ):
            continue
        unaccounted.append((rid, field, value, current))
    assert unaccounted == []
    # The script really exercised the interesting cases.
    assert len(ledger) > 15 and final.conflicts(include_resolved=True)
