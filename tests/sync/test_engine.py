"""The sync engine's contract (issue "Sync library core") over a real shared file.

See docs/sync-model.md#the-engine and docs/sync-model.md#invariants.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sync_testkit import PROCS, child_env, db_content, live_shared, shared_records

from sync import FileRemote, RemoteOffline, sync
from sync.document import parse_document, record_line, serialize_document


def _two(make_replica):
    return make_replica("a"), make_replica("b")


def test_first_sync_creates_the_document_and_a_second_replica_gets_everything(
    make_replica, remote, shared: Path
) -> None:
    a, b = _two(make_replica)
    a.put("person", "p1", {"name": "Ville", "town": "Kuopio"})
    a.put("webinar", "w1", {"title": "Digiloikka"})
    report = sync(a, remote)
    assert report.wrote and report.pushed == 2
    doc = parse_document(shared.read_bytes(), str(shared))
    assert doc.dataset == a.dataset
    report = sync(b, remote)
    assert report.pulled == 2 and not report.wrote
    assert list(b.records()) == list(a.records())
    assert b.dataset == a.dataset


def test_field_conflict_resolution_syncs_to_the_other_replica(make_replica, remote) -> None:
    a, b = _two(make_replica)
    a.put("person", "p1", {"name": "Ville", "town": "Kuopio"})
    sync(a, remote)
    sync(b, remote)
    a.put("person", "p1", {"name": "Ville Virtanen"})
    b.put("person", "p1", {"name": "V. Virtanen", "town": "Iisalmi"})
    sync(a, remote)
    report = sync(b, remote)
    assert [c.field for c in report.conflicts] == ["name"]
    sync(a, remote)
    [ca] = a.conflicts()
    [cb] = b.conflicts()
    assert ca.id == cb.id
    assert {ca.kept["value"], ca.lost["value"]} == {"Ville Virtanen", "V. Virtanen"}
    assert a.get("person", "p1") == b.get("person", "p1")
    assert a.get("person", "p1")["town"] == "Iisalmi"  # no conflict there: B's edit simply wins
    a.resolve_field(ca.id, "Ville V. Virtanen")
    assert a.conflicts() == []
    sync(a, remote)
    assert b.conflicts() != []  # not yet synced
    sync(b, remote)
    assert b.conflicts() == []
    assert b.conflict(ca.id).resolved is not None
    assert b.get("person", "p1") == {"name": "Ville V. Virtanen", "town": "Iisalmi"}
    assert a.get("person", "p1") == b.get("person", "p1")


@pytest.mark.parametrize("choice", ["restore", "delete"])
def test_delete_versus_edit_resolution(make_replica, remote, choice: str) -> None:
    a, b = _two(make_replica)
    a.put("person", "p1", {"name": "Ville", "email": "v@example.fi"})
    sync(a, remote)
    sync(b, remote)
    a.delete("person", "p1")
    b.put("person", "p1", {"email": "ville@example.fi"})
    sync(a, remote)
    report = sync(b, remote)
    [entry] = report.conflicts
    assert entry.field is None and entry.is_delete_conflict
    assert "value" not in entry.kept and "value" not in entry.lost
    assert entry.lost["by"] == a.replica_id
    # the edit wins and the record comes back whole
    whole = {"name": "Ville", "email": "ville@example.fi"}
    assert b.get("person", "p1") == whole
    sync(a, remote)
    assert a.get("person", "p1") == whole
    assert [c.id for c in a.conflicts()] == [entry.id]
    if choice == "restore":
        b.restore_record(entry.id)
    else:
        b.confirm_delete(entry.id)
    sync(b, remote)
    sync(a, remote)
    assert a.conflicts() == [] and b.conflicts() == []
    expected = whole if choice == "restore" else None
    assert a.get("person", "p1") == expected
    assert b.get("person", "p1") == expected


def test_resolving_a_delete_conflict_with_a_field_value_is_refused(make_replica, remote) -> None:
    from sync import ReplicaError

    a, b = _two(make_replica)
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    sync(b, remote)
    a.delete("person", "p1")
    b.put("person", "p1", {"name": "Ville 2"})
    sync(a, remote)
    sync(b, remote)
    [entry] = b.conflicts()
    with pytest.raises(ReplicaError):
        b.resolve_field(entry.id, "Ville 3")
    assert b.conflicts() == [entry]


def test_fast_path_does_not_rewrite_the_file(make_replica, remote, shared: Path) -> None:
    a = make_replica()
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    sync(a, remote)  # the second sync may confirm; from now on nothing is new
    before = (shared.read_bytes(), os.stat(shared).st_mtime_ns, os.stat(shared).st_ino)
    report = sync(a, remote)
    assert report.fast_path is True
    assert not report.wrote and report.unchanged
    after = (shared.read_bytes(), os.stat(shared).st_mtime_ns, os.stat(shared).st_ino)
    assert after == before


def test_syncing_twice_changes_nothing(make_replica, remote, shared: Path) -> None:
    a, b = _two(make_replica)
    for n in range(5):
        a.put("person", f"p{n}", {"name": f"Henkilö {n}", "n": n})
    sync(a, remote)
    b.put("webinar", "w1", {"title": "Aloitus"})
    sync(b, remote)
    sync(a, remote)
    for rep in (a, b):
        data = shared.read_bytes()
        content = db_content(rep.path)
        records = list(rep.records())
        report = sync(rep, remote)
        assert not report.wrote
        assert report.pulled == 0 and report.pushed == 0 and report.conflicts == []
        assert shared.read_bytes() == data
        assert list(rep.records()) == records
        after = db_content(rep.path)
        assert after["records"] == content["records"]
        assert after["conflicts"] == content["conflicts"]
    assert list(a.records()) == list(b.records())


def test_the_document_is_deterministic(make_replica, remote, shared: Path) -> None:
    a = make_replica()
    # inserted out of order: the document sorts records by kind, then id
    a.put("webinar", "w2", {"title": "Toinen", "ääkköset": 'öljy "lainaus" ✓'})
    a.put("person", "p9", {"name": "Ville"})
    a.put("person", "p1", {"name": "Anna", "notes": "rivi\nrivi"})
    a.put("story", "s1", {"title": "Digiloikka", "impact": {"savings": 12.5, "joy": [1, 2]}})
    sync(a, remote)
    data = shared.read_bytes()
    assert data.endswith(b"}\n")
    obj = json.loads(data)
    assert [(r["kind"], r["id"]) for r in obj["records"]] == [
        ("person", "p1"),
        ("person", "p9"),
        ("story", "s1"),
        ("webinar", "w2"),
    ]
    assert list(obj) == sorted(obj)
    assert "ääkköset" in data.decode("utf-8")  # ensure_ascii=False
    # the same content serialises to the same bytes
    doc = parse_document(data, str(shared))
    records = doc.all_records()
    ordered = sorted(records.values(), key=lambda r: (r["kind"], r["id"]))
    header = {**doc.header.model_dump(), "conflicts": doc.conflicts}
    again = serialize_document(header, [record_line(r) for r in ordered])
    assert again == data
    reordered = dict(reversed(list(header.items())))
    assert serialize_document(reordered, [record_line(r) for r in ordered]) == data


def test_bak_holds_the_previous_version(make_replica, remote, shared: Path) -> None:
    a = make_replica()
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    assert not remote.backup_path.exists()
    first = shared.read_bytes()
    a.put("person", "p2", {"name": "Anna"})
    sync(a, remote)
    assert remote.backup_path.read_bytes() == first
    second = shared.read_bytes()
    a.put("person", "p1", {"name": "Ville V."})
    sync(a, remote)
    assert remote.backup_path.read_bytes() == second
    assert live_shared(shared) == {"p1": {"name": "Ville V."}, "p2": {"name": "Anna"}}


def test_lock_timeout_is_offline_and_loses_nothing(make_replica, shared: Path) -> None:
    a = make_replica()
    remote = FileRemote(shared, lock_timeout=0.3)
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    before = shared.read_bytes()
    a.put("person", "p2", {"name": "Anna"})
    a.put("person", "p1", {"town": "Kuopio"})
    holder = subprocess.Popen(
        [sys.executable, str(PROCS / "hold_lock.py"), str(remote.lock_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(RemoteOffline, match=r"lock"):
            sync(a, remote)
        assert shared.read_bytes() == before
        assert a.pending() == 2
        assert a.get("person", "p1") == {"name": "Ville", "town": "Kuopio"}
        assert a.get("person", "p2") == {"name": "Anna"}
        assert a.history(1)[0].outcome == "offline"
    finally:
        holder.stdin.close()
        holder.wait()
    report = sync(a, remote)
    assert report.wrote
    assert a.pending() == 0
    assert live_shared(shared) == {
        "p1": {"name": "Ville", "town": "Kuopio"},
        "p2": {"name": "Anna"},
    }


def test_a_missing_folder_is_offline_and_keeps_edits_pending(make_replica, tmp_path) -> None:
    a = make_replica()
    a.put("person", "p1", {"name": "Ville"})
    remote = FileRemote(tmp_path / "unplugged-drive" / "digikunta.json")
    with pytest.raises(RemoteOffline):
        sync(a, remote)
    assert a.pending() == 1
    assert a.get("person", "p1") == {"name": "Ville"}


def test_erasure_propagates_and_scrubs(make_replica, remote, shared: Path) -> None:
    a, b = _two(make_replica)
    a.put("person", "p1", {"name": "Erkki Esimerkki", "email": "erkki@example.fi"})
    a.put("person", "p2", {"name": "Anna"})
    sync(a, remote)
    sync(b, remote)
    a.erase("person", "p1")
    b.put("person", "p1", {"email": "erkki.e@example.fi"})  # concurrent edit: erasure still wins
    sync(a, remote)
    sync(b, remote)
    sync(a, remote)
    for rep in (a, b):
        assert rep.get("person", "p1") is None
        assert rep.conflicts(include_resolved=True) == []
    for path in (shared, remote.backup_path):
        text = path.read_text(encoding="utf-8")
        assert "Erkki" not in text and "erkki" not in text
    assert shared_records(shared)["p1"]["erased"] is True


def test_concurrent_edits_of_different_fields_merge_without_conflict(make_replica, remote) -> None:
    a, b = _two(make_replica)
    a.put("person", "p1", {"name": "Ville", "town": "Kuopio"})
    sync(a, remote)
    sync(b, remote)
    a.put("person", "p1", {"name": "Ville Virtanen"})
    b.put("person", "p1", {"town": "Tervo"})
    b.put("person", "p2", {"name": "Anna"})
    sync(a, remote)
    sync(b, remote)
    sync(a, remote)
    assert a.conflicts() == [] and b.conflicts() == []
    assert a.get("person", "p1") == {"name": "Ville Virtanen", "town": "Tervo"}
    assert list(a.records()) == list(b.records())
