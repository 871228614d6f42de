"""The replica's API contract (issue "Sync library core"; docs/sync-model.md#the-replica)."""

from __future__ import annotations

import functools
import itertools
import json
import math
from pathlib import Path

import pytest
from sync_testkit import live_shared, shared_records

from sync import FileRemote, Replica, ReplicaError, sync
from sync.hlc import HybridClock, parse_stamp


def test_open_creates_the_file_and_keeps_a_stable_replica_id(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "folder" / "replica.sqlite"
    rep = Replica.open(path, name="Ville, laptop")
    assert path.is_file()
    rid = rep.replica_id
    assert len(rid) == 8
    rep.put("person", "p1", {"name": "Ville"})
    rep.close()
    again = Replica.open(path)
    assert again.replica_id == rid
    assert again.name == "Ville, laptop"
    assert again.get("person", "p1") == {"name": "Ville"}
    again.close()
    other = Replica.open(tmp_path / "other.sqlite")
    assert other.replica_id != rid
    other.close()


def test_open_refuses_a_file_that_is_not_a_replica(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(ReplicaError, match=r"notes\.sqlite"):
        Replica.open(path)


def test_put_is_a_partial_update(make_replica) -> None:
    rep = make_replica()
    rep.put("person", "p1", {"name": "Ville", "town": "Kuopio"})
    first = rep.record("p1")
    rep.put("person", "p1", {"town": "Varkaus", "email": "v@example.fi"})
    assert rep.get("person", "p1") == {
        "name": "Ville",
        "town": "Varkaus",
        "email": "v@example.fi",
    }
    second = rep.record("p1")
    assert second["stamps"]["name"] == first["stamps"]["name"]  # untouched field: same stamp
    assert second["stamps"]["town"] > first["stamps"]["town"]


def test_saving_an_unchanged_value_creates_nothing_to_sync(make_replica, remote) -> None:
    rep = make_replica()
    rep.put("person", "p1", {"name": "Ville"})
    sync(rep, remote)
    stamps = rep.record("p1")["stamps"]
    rep.put("person", "p1", {"name": "Ville"})
    assert rep.record("p1")["stamps"] == stamps
    assert rep.pending() == 0


def test_get_records_and_kinds(make_replica) -> None:
    rep = make_replica()
    rep.put("webinar", "w2", {"title": "Digiloikka"})
    rep.put("person", "p2", {"name": "Anna"})
    rep.put("person", "p1", {"name": "Ville"})
    rep.put("webinar", "w1", {"title": "Aloitus"})
    assert rep.get("person", "p1") == {"name": "Ville"}
    assert rep.get("webinar", "p1") is None  # another kind
    assert rep.get("person", "nobody") is None
    assert list(rep.records("person")) == [
        ("person", "p1", {"name": "Ville"}),
        ("person", "p2", {"name": "Anna"}),
    ]
    assert [(k, i) for k, i, _ in rep.records()] == [
        ("person", "p1"),
        ("person", "p2"),
        ("webinar", "w1"),
        ("webinar", "w2"),
    ]
    assert rep.count() == 4
    assert rep.count("webinar") == 2


def test_put_refuses_another_kind_and_non_json(make_replica) -> None:
    rep = make_replica()
    rep.put("person", "p1", {"name": "Ville"})
    with pytest.raises(ReplicaError):
        rep.put("webinar", "p1", {"title": "x"})
    with pytest.raises(ReplicaError):
        rep.put("person", "p1", {"name": object()})
    with pytest.raises(ReplicaError):
        rep.put("person", "", {"name": "x"})
    assert rep.get("person", "p1") == {"name": "Ville"}


def test_put_refuses_nan_and_infinity(make_replica) -> None:
    """NaN/Infinity are not JSON: written to the shared file they make it unreadable to others."""
    rep = make_replica()
    for bad in (math.nan, math.inf, -math.inf):
        with pytest.raises(ReplicaError):
            rep.put("person", "p1", {"score": bad})
    assert rep.get("person", "p1") is None


def test_delete(make_replica) -> None:
    rep = make_replica()
    rep.put("person", "p1", {"name": "Ville", "email": "v@example.fi"})
    rep.delete("person", "p1")
    assert rep.get("person", "p1") is None
    assert list(rep.records()) == []
    tomb = rep.record("p1")
    assert tomb["fields"] == {} and tomb["stamps"] == {}
    assert tomb["deleted"] is not None
    with pytest.raises(ReplicaError):
        rep.delete("person", "p1")
    with pytest.raises(ReplicaError):
        rep.delete("person", "never-existed")
    # writing again brings it back, with only the new fields
    rep.put("person", "p1", {"name": "Ville 2"})
    assert rep.get("person", "p1") == {"name": "Ville 2"}


def test_erased_records_cannot_be_written(make_replica) -> None:
    rep = make_replica()
    rep.put("person", "p1", {"name": "Ville"})
    rep.erase("person", "p1")
    assert rep.get("person", "p1") is None
    with pytest.raises(ReplicaError):
        rep.put("person", "p1", {"name": "Ville"})
    assert rep.record("p1")["erased"] is True
    assert rep.record("p1")["fields"] == {}


def test_pending_counts_local_changes_since_the_last_sync(make_replica, remote) -> None:
    rep = make_replica()
    assert rep.pending() == 0
    rep.put("person", "p1", {"name": "Ville"})
    rep.put("person", "p2", {"name": "Anna"})
    rep.put("person", "p1", {"town": "Kuopio"})
    assert rep.pending() == 2
    sync(rep, remote)
    assert rep.pending() == 0
    rep.delete("person", "p2")
    assert rep.pending() == 1


def test_control_characters_are_stripped_on_put(make_replica) -> None:
    rep = make_replica()
    rep.put(
        "person",
        "p1",
        {
            "name": "Vil\x1b[31mle\x9b2J\x00",
            "notes": "rivi 1\nrivi\t2\x07",
            "tags": ["a\x1bb", {"k\x00": "v\x85"}],
        },
    )
    assert rep.get("person", "p1") == {
        "name": "Vil[31mle2J",
        "notes": "rivi 1\nrivi\t2",
        "tags": ["ab", {"k": "v"}],
    }


def test_a_field_name_of_control_characters_does_not_poison_the_shared_file(
    make_replica, remote
) -> None:
    """Either refused at once, or synced in a form that other replicas can read."""
    a, b = make_replica("a"), make_replica("b")
    a.put("person", "p0", {"name": "Anna"})
    try:
        a.put("person", "p1", {"\x1b": "value", "name": "Ville"})
    except ReplicaError:
        return
    sync(a, remote)
    sync(b, remote)  # must not raise DocumentError
    assert b.get("person", "p0") == {"name": "Anna"}


def test_hlc_stamps_increase_when_the_wall_clock_goes_backwards() -> None:
    times = itertools.chain([5_000, 5_000, 4_000, 3_000, 3_000, 9_000, 1_000], itertools.repeat(0))
    clock = HybridClock("aaaaaaaa", now=lambda: next(times) * 1_000_000)
    stamps = [clock.tick() for _ in range(7)]
    assert stamps == sorted(stamps)
    assert len(set(stamps)) == 7
    clock.observe("0000000000099999-0003-bbbbbbbb")  # a stamp from the future
    later = clock.tick()
    assert later > "0000000000099999-0003-bbbbbbbb"
    assert parse_stamp(later)[2] == "aaaaaaaa"
    resumed = HybridClock("aaaaaaaa", clock.last, now=lambda: 0)
    assert resumed.tick() > later


def test_replica_stamps_increase_when_the_laptop_clock_goes_backwards(
    make_replica, remote, monkeypatch
) -> None:
    import sync.replica_state as replica_module

    wall = {"ms": 2_000_000_000_000}
    monkeypatch.setattr(
        replica_module,
        "HybridClock",
        functools.partial(HybridClock, now=lambda: wall["ms"] * 1_000_000),
    )
    rep = make_replica()
    seen = []
    walls = (2_000_000_000_000, 1_900_000_000_000, 1_000_000_000_000, 1_000_000_000_000)
    for n, ms in enumerate(walls):
        wall["ms"] = ms
        rep.put("person", "p1", {"n": n})
        seen.append(rep.record("p1")["stamps"]["n"])
    assert seen == sorted(seen) and len(set(seen)) == len(seen)


def test_an_edit_after_seeing_a_future_stamp_wins(make_replica, remote, monkeypatch) -> None:
    """B's laptop clock is an hour ahead; A edits after syncing: A's later edit must win."""
    import sync.replica_state as replica_module

    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    with monkeypatch.context() as m:
        m.setattr(
            replica_module,
            "HybridClock",
            functools.partial(HybridClock, now=lambda: (2**41) * 1_000_000),
        )
        b = make_replica("b")
        sync(b, remote)
        b.put("person", "p1", {"name": "Ville (B)"})
    sync(b, remote)
    sync(a, remote)
    assert a.get("person", "p1") == {"name": "Ville (B)"}
    a.put("person", "p1", {"name": "Ville (A, later)"})
    assert a.record("p1")["stamps"]["name"] > b.record("p1")["stamps"]["name"]
    sync(a, remote)
    sync(b, remote)
    assert b.get("person", "p1") == {"name": "Ville (A, later)"}
    assert b.conflicts() == [] and a.conflicts() == []


def test_conflicts_api(make_replica, remote) -> None:
    a, b = make_replica("a"), make_replica("b")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    sync(b, remote)
    a.put("person", "p1", {"name": "Ville A"})
    b.put("person", "p1", {"name": "Ville B"})
    sync(a, remote)
    report = sync(b, remote)
    assert len(report.conflicts) == 1
    [entry] = b.conflicts()
    assert entry.record == "p1" and entry.kind == "person" and entry.field == "name"
    assert {entry.kept["value"], entry.lost["value"]} == {"Ville A", "Ville B"}
    assert b.get("person", "p1") == {"name": entry.kept["value"]}
    assert b.conflict(entry.id) == entry
    with pytest.raises(ReplicaError):
        b.resolve_field("0" * 32, "x")
    b.resolve_field(entry.id, "Ville AB")
    assert b.conflicts() == []
    assert [c.id for c in b.conflicts(include_resolved=True)] == [entry.id]
    assert b.get("person", "p1") == {"name": "Ville AB"}
    with pytest.raises(ReplicaError):
        b.resolve_field(entry.id, "again")  # no longer open


def test_hand_edited_shared_file_is_cleaned_of_control_characters(
    make_replica, remote, shared: Path
) -> None:
    a, b = make_replica("a"), make_replica("b")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    doc = json.loads(shared.read_text(encoding="utf-8"))
    rec = doc["records"][0]
    rec["fields"]["name"] = "Vil\x1b[2Jle\x9b\x00\nrivi\t2"
    rec["fields"]["nested"] = ["\x1bx", {"k\x00": "\x07v"}]
    rec["stamps"]["nested"] = rec["stamps"]["name"]
    shared.write_text(json.dumps(doc, ensure_ascii=True), encoding="utf-8")
    sync(b, remote)
    assert b.get("person", "p1") == {
        "name": "Vil[2Jle\nrivi\t2",
        "nested": ["x", {"k": "v"}],
    }


def test_a_hand_edited_field_name_with_control_characters_is_cleaned_consistently(
    make_replica, remote, shared: Path
) -> None:
    """fields and stamps must keep the same keys after cleaning, so merging still works."""
    a, b = make_replica("a"), make_replica("b")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    sync(b, remote)
    doc = json.loads(shared.read_text(encoding="utf-8"))
    rec = doc["records"][0]
    stamp = rec["stamps"]["name"]
    rec["fields"]["ti\x1btle"] = "Dr"
    rec["stamps"]["ti\x1btle"] = stamp
    shared.write_text(json.dumps(doc), encoding="utf-8")
    b.put("person", "p1", {"town": "Kuopio"})
    sync(b, remote)
    record = b.record("p1")
    assert set(record["fields"]) == set(record["stamps"])
    assert b.get("person", "p1") == {"name": "Ville", "title": "Dr", "town": "Kuopio"}
    sync(a, remote)
    assert a.get("person", "p1") == b.get("person", "p1")


def test_tombstones_in_the_shared_file_carry_no_values(make_replica, remote, shared) -> None:
    rep = make_replica()
    rep.put("person", "p1", {"name": "Salainen Henkilö", "email": "salainen@example.fi"})
    rep.put("person", "p2", {"name": "Poistettava Ihminen"})
    sync(rep, remote)
    rep.delete("person", "p1")
    rep.erase("person", "p2")
    sync(rep, remote)
    records = shared_records(shared)
    assert records["p1"]["fields"] == {} and records["p1"]["stamps"] == {}
    assert records["p1"]["deleted"] is not None
    assert records["p2"]["fields"] == {} and records["p2"]["erased"] is True
    text = shared.read_text(encoding="utf-8")
    for secret in ("Salainen", "salainen@example.fi", "Poistettava"):
        assert secret not in text
    assert "Poistettava" not in remote.backup_path.read_text(encoding="utf-8")
    assert live_shared(shared) == {}


def test_replica_survives_reopening_with_pending_edits(tmp_path: Path, shared: Path) -> None:
    path = tmp_path / "r.sqlite"
    rep = Replica.open(path)
    rep.put("person", "p1", {"name": "Ville"})
    rep.close()
    rep = Replica.open(path)
    assert rep.pending() == 1
    sync(rep, FileRemote(shared))
    assert live_shared(shared) == {"p1": {"name": "Ville"}}
    rep.close()


def test_apply_writes_puts_and_deletes_together_or_not_at_all(tmp_path: Path) -> None:
    with Replica.open(tmp_path / "r.sqlite") as rep:
        rep.put("person", "p1", {"given_name": "A"})
        rep.put("registration", "r1", {"person": "p1"})
        with pytest.raises(ReplicaError):
            rep.apply(puts=[("person", "p1", {"notes": "x"})], deletes=[("person", "nobody")])
        assert rep.get("person", "p1") == {"given_name": "A"}
        rep.apply(puts=[("person", "p1", {"notes": "x"})], deletes=[("registration", "r1")])
        assert rep.get("person", "p1") == {"given_name": "A", "notes": "x"}
        assert rep.get("registration", "r1") is None
        tombstone = rep.record("r1")
        assert tombstone is not None and tombstone["deleted"] and tombstone["fields"] == {}


def test_a_write_that_need_not_be_durable_commits_and_leaves_later_writes_durable(
    tmp_path: Path,
) -> None:
    rep = Replica.open(tmp_path / "replica.sqlite")
    full = rep.conn.execute("PRAGMA synchronous").fetchone()[0]
    assert full == 2  # FULL: every commit waits for the disk
    with rep.write(durable=False) as conn:
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 1  # NORMAL
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('probe', 'a')")
    assert rep.conn.execute("PRAGMA synchronous").fetchone()[0] == full
    with pytest.raises(RuntimeError), rep.write(durable=False) as conn:
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('probe', 'b')")
        raise RuntimeError("refused half way")
    assert rep.conn.execute("PRAGMA synchronous").fetchone()[0] == full
    rep.close()
    again = Replica.open(tmp_path / "replica.sqlite")
    assert again.meta("probe") == "a"  # committed once, rolled back once
    again.close()
