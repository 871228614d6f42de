"""An id names one record of one kind, even when two laptops picked the same id.

See docs/sync-model.md#ids-and-kinds.

``organization kuopio`` made on one laptop and ``person kuopio`` on another once never
converged: every sync rewrote the file and the person's fields merged into the organisation.
Now the kind that sorts first keeps the id, the other record moves to ``kuopio:person`` with its
own fields and stamps, and one conflict entry (no values in it) says so — on every replica.
"""

from __future__ import annotations

import itertools
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sync_testkit import replica_snapshot, shared_records

from sync import FileRemote, Replica, ReplicaError, sync
from sync import reconcile as reconcile_module
from sync.merge import moved_id
from sync.records import is_record_id

ORG = {"name": "Kuopion kaupunki", "ytunnus": "0171450-7"}
PERSON = {"name": "Ville Kokeilija", "phone": "+358401234567"}
PERSON_C = {"title": "digiagentti"}


def _converged(replicas: list[Replica], remote: FileRemote) -> bytes:
    """Sync round after round until nothing is written; return the document's bytes."""
    for _ in range(3):
        for rep in replicas:
            sync(rep, remote)
    data = remote.path.read_bytes()
    for rep in replicas:  # a further sync writes nothing
        report = sync(rep, remote)
        assert not report.wrote, report.summary()
        assert rep.pending() == 0
    assert remote.path.read_bytes() == data
    return data


def _assert_same_everywhere(replicas: list[Replica]) -> None:
    first = replicas[0]
    for rep in replicas[1:]:
        assert list(rep.records()) == list(first.records())
        assert [c.to_json() for c in rep.conflicts()] == [c.to_json() for c in first.conflicts()]


def _assert_the_issue_resolved(replicas: list[Replica], remote: FileRemote, person: dict) -> None:
    _assert_same_everywhere(replicas)
    rep = replicas[0]
    assert rep.get("organization", "kuopio") == ORG  # no person field crossed over
    assert rep.get("person", "kuopio") is None
    assert rep.get("person", "kuopio:person") == person
    [entry] = rep.conflicts()
    assert entry.is_id_collision and entry.record == "kuopio" and entry.field is None
    assert entry.kept == {"kind": "organization"}
    assert entry.lost == {"kind": "person", "moved_to": "kuopio:person"}
    doc = shared_records(remote.path)
    assert doc["kuopio"]["kind"] == "organization" and doc["kuopio"]["fields"] == ORG
    assert doc["kuopio:person"]["kind"] == "person" and doc["kuopio:person"]["fields"] == person


TWO = [("put", 0), ("put", 1), ("sync", 0), ("sync", 1)]
THREE = [("put", 0), ("put", 1), ("put", 2), ("sync", 0), ("sync", 1), ("sync", 2)]


def _run(replicas: list[Replica], remote: FileRemote, events: tuple[tuple[str, int], ...]) -> None:
    puts: list[Callable[[Replica], None]] = [
        lambda r: r.put("organization", "kuopio", ORG),
        lambda r: r.put("person", "kuopio", PERSON),
        lambda r: r.put("person", "kuopio", PERSON_C),
    ]
    for what, i in events:
        if what == "put":
            puts[i](replicas[i])
        else:
            sync(replicas[i], remote)


def _orders(events: list[tuple[str, int]]) -> list[tuple[tuple[str, int], ...]]:
    """Every order of the events in which each laptop makes its record before it syncs."""
    return [
        order
        for order in itertools.permutations(events)
        if all(order.index(("put", i)) < order.index(("sync", i)) for _, i in events)
    ]


@pytest.mark.parametrize("order", _orders(TWO), ids=str)
def test_two_laptops_converge_in_every_order(make_replica, remote: FileRemote, order) -> None:
    replicas = [make_replica("a"), make_replica("b")]
    _run(replicas, remote, order)
    _converged(replicas, remote)
    _assert_the_issue_resolved(replicas, remote, PERSON)


@pytest.mark.parametrize("order", _orders(THREE), ids=str)
def test_three_laptops_converge_in_every_order(make_replica, remote: FileRemote, order) -> None:
    """C also made a ``person kuopio``: one person record, joined from B's and C's."""
    replicas = [make_replica("a"), make_replica("b"), make_replica("c")]
    _run(replicas, remote, order)
    _converged(replicas, remote)
    _assert_the_issue_resolved(replicas, remote, {**PERSON, **PERSON_C})


@pytest.mark.parametrize("chunk", [1, 2])
def test_it_holds_when_records_are_merged_in_small_chunks(
    make_replica, remote: FileRemote, monkeypatch, chunk: int
) -> None:
    """Source and target of a move in different chunks, some lines unchanged since the base."""
    monkeypatch.setattr(reconcile_module, "CHUNK", chunk)
    a, b, c = make_replica("a"), make_replica("b"), make_replica("c")
    for i in range(5):
        a.put("person", f"a{i}", {"n": i})
    a.put("organization", "kuopio", ORG)
    sync(a, remote)
    sync(c, remote)
    b.put("person", "kuopio", PERSON)
    b.put("person", "kuopio:person", {"email": "ville@example.fi"})  # the target exists already
    for i in range(5):
        b.put("webinar", f"w{i}", {"n": i})
    sync(b, remote)
    _converged([a, b, c], remote)
    _assert_same_everywhere([a, b, c])
    assert a.get("person", "kuopio:person") == {**PERSON, "email": "ville@example.fi"}
    assert a.get("organization", "kuopio") == ORG
    assert a.count() == 12


def test_a_record_already_at_the_target_id_joins_the_moved_one(
    make_replica, remote: FileRemote
) -> None:
    a, b = make_replica("a"), make_replica("b")
    a.put("person", "kuopio:person", {"email": "ville@example.fi"})
    sync(a, remote)
    sync(b, remote)  # both have it, in their base
    a.put("organization", "kuopio", ORG)
    b.put("person", "kuopio", PERSON)
    sync(b, remote)
    sync(a, remote)
    _converged([a, b], remote)
    _assert_the_issue_resolved([a, b], remote, {**PERSON, "email": "ville@example.fi"})


def test_a_target_id_of_yet_another_kind_moves_on(make_replica, remote: FileRemote) -> None:
    """``kuopio:person`` is a webinar: the person keeps it (p < w), the webinar moves on."""
    a, b, c = make_replica("a"), make_replica("b"), make_replica("c")
    c.put("webinar", "kuopio:person", {"title": "Webinaari"})
    sync(c, remote)
    a.put("organization", "kuopio", ORG)
    b.put("person", "kuopio", PERSON)
    sync(a, remote)
    sync(b, remote)
    _converged([a, b, c], remote)
    _assert_same_everywhere([a, b, c])
    assert a.get("organization", "kuopio") == ORG
    assert a.get("person", "kuopio:person") == PERSON
    assert a.get("webinar", "kuopio:person:webinar") == {"title": "Webinaari"}
    assert {(e.record, e.lost["kind"]) for e in a.conflicts()} == {
        ("kuopio", "person"),
        ("kuopio:person", "webinar"),
    }


def test_an_offline_edit_of_the_moved_record_follows_it_without_a_false_conflict(
    make_replica, remote: FileRemote
) -> None:
    a, b = make_replica("a"), make_replica("b")
    b.put("person", "kuopio", PERSON)
    sync(b, remote)
    a.put("organization", "kuopio", ORG)
    sync(a, remote)  # A moves B's person to kuopio:person
    b.put("person", "kuopio", {"phone": "+358409999999"})  # B has not seen the move yet
    sync(b, remote)
    _converged([a, b], remote)
    edited = {**PERSON, "phone": "+358409999999"}
    _assert_the_issue_resolved([a, b], remote, edited)  # exactly one entry: the collision


class _EditDuringWrite(FileRemote):
    """The real file remote; another thread edits the replica while the document is written."""

    def __init__(self, path: Path, edit: Callable[[], None]) -> None:
        super().__init__(path, lock_timeout=5.0)
        self.edit: Callable[[], None] | None = edit

    def write(self, data: Any, expected_tag: str | None, *, scrub: frozenset[str]) -> str:
        edit, self.edit = self.edit, None
        if edit is not None:
            worker = threading.Thread(target=edit)
            worker.start()
            worker.join()
        return super().write(data, expected_tag, scrub=scrub)


def test_an_edit_made_while_the_sync_moves_the_record_is_kept(
    make_replica, remote: FileRemote
) -> None:
    a, b = make_replica("a"), make_replica("b")
    b.put("person", "kuopio", PERSON)
    sync(b, remote)
    a.put("organization", "kuopio", ORG)
    sync(a, remote)
    b.put("webinar", "w1", {"title": "Jotain uutta"})  # so that B's sync writes

    def edit() -> None:
        b.put("person", "kuopio", {"phone": "+358409999999"})

    sync(b, _EditDuringWrite(remote.path, edit))
    assert b.get("person", "kuopio") == {**PERSON, "phone": "+358409999999"}  # still here
    _converged([a, b], remote)
    _assert_same_everywhere([a, b])
    assert a.get("person", "kuopio:person") == {**PERSON, "phone": "+358409999999"}
    assert a.get("organization", "kuopio") == ORG


def test_a_record_created_while_the_sync_brings_another_kind_is_kept(
    make_replica, remote: FileRemote
) -> None:
    a, b = make_replica("a"), make_replica("b")
    a.put("person", "kuopio", PERSON)
    sync(a, remote)
    b.put("webinar", "w1", {"title": "Jotain uutta"})

    def edit() -> None:
        b.put("organization", "kuopio", ORG)

    sync(b, _EditDuringWrite(remote.path, edit))
    assert b.get("organization", "kuopio") == ORG
    _converged([a, b], remote)
    _assert_the_issue_resolved([a, b], remote, PERSON)


# ------------------------------------------------------------------ local writes


@pytest.fixture
def org(make_replica) -> Replica:
    rep = make_replica()
    rep.put("organization", "kuopio", ORG)
    return rep


WRONG_KIND: dict[str, Callable[[Replica], None]] = {
    "put": lambda r: r.put("person", "kuopio", PERSON),
    "put_many": lambda r: r.put_many(
        [("person", "p1", {"name": "Anna"}), ("person", "kuopio", PERSON)]
    ),
    "delete": lambda r: r.delete("person", "kuopio"),
    "erase": lambda r: r.erase("person", "kuopio"),
}


@pytest.mark.parametrize("path", sorted(WRONG_KIND))
def test_a_local_write_of_another_kind_is_refused(org: Replica, path: str) -> None:
    before = replica_snapshot(org)
    with pytest.raises(ReplicaError, match="kuopio"):
        WRONG_KIND[path](org)
    assert replica_snapshot(org) == before


@pytest.mark.parametrize("path", sorted(WRONG_KIND))
def test_a_local_write_to_a_deleted_record_of_another_kind_is_refused(
    org: Replica, path: str
) -> None:
    org.delete("organization", "kuopio")
    before = replica_snapshot(org)
    with pytest.raises(ReplicaError):
        WRONG_KIND[path](org)
    assert replica_snapshot(org) == before


@pytest.mark.parametrize(
    ("kind", "rid"),
    [("person", "kuopio~person"), ("person", "-x"), ("person", "x" * 129), ("Person", "p1"),
     ("person", "p1\n"), ("", "p1")],
)  # fmt: skip
def test_an_id_or_kind_the_document_could_not_hold_is_refused(
    make_replica, kind: str, rid: str
) -> None:
    rep: Replica = make_replica()
    for write in (
        lambda: rep.put(kind, rid, {"name": "x"}),
        lambda: rep.erase(kind, rid),
    ):
        with pytest.raises(ReplicaError, match="invalid record"):
            write()
    assert rep.state.all_ids() == []


def _moved_person(make_replica, remote: FileRemote) -> tuple[Replica, Replica]:
    a, b = make_replica("a"), make_replica("b")
    a.put("organization", "kuopio", ORG)
    b.put("person", "kuopio", PERSON)
    sync(a, remote)
    sync(b, remote)
    return a, b


def test_the_collision_entry_is_acknowledged_with_keep_and_never_deletes(
    make_replica, remote: FileRemote
) -> None:
    a, b = _moved_person(make_replica, remote)
    [entry] = b.conflicts()
    before = replica_snapshot(b)
    with pytest.raises(ReplicaError, match="keep"):
        b.confirm_delete(entry.id)
    with pytest.raises(ReplicaError, match="keep"):
        b.resolve_field(entry.id, "some value")
    assert replica_snapshot(b) == before
    b.keep_both(entry.id)
    _converged([a, b], remote)
    assert a.conflicts() == [] and b.conflicts() == []
    assert a.get("organization", "kuopio") == ORG
    assert a.get("person", "kuopio:person") == PERSON


def test_resolving_a_field_conflict_of_a_moved_record_edits_it_where_it_is(
    make_replica, remote: FileRemote
) -> None:
    a, b, c = make_replica("a"), make_replica("b"), make_replica("c")
    a.put("person", "kuopio", PERSON)
    sync(a, remote)
    sync(b, remote)
    a.put("person", "kuopio", {"phone": "+358401111111"})
    b.put("person", "kuopio", {"phone": "+358402222222"})
    sync(a, remote)
    sync(b, remote)  # a field conflict on person kuopio
    c.put("organization", "kuopio", ORG)
    sync(c, remote)  # and now the organisation takes the id
    sync(b, remote)
    [field_conflict] = [e for e in b.conflicts() if e.field == "phone"]
    b.resolve_field(field_conflict.id, "+358403333333")
    assert b.get("organization", "kuopio") == ORG
    assert b.get("person", "kuopio:person")["phone"] == "+358403333333"
    _converged([a, b, c], remote)
    _assert_same_everywhere([a, b, c])
    assert c.get("person", "kuopio:person")["phone"] == "+358403333333"
    assert [e.is_id_collision for e in c.conflicts()] == [True]


def test_a_conflict_copy_of_another_kind_is_sorted_out_the_same_way(
    make_replica, remote: FileRemote, shared: Path, tmp_path: Path
) -> None:
    """``merge()`` over whole sets (used for cloud conflict copies) follows the same rule."""
    a = make_replica("a")
    a.put("webinar", "w1", {"title": "Digiloikka"})
    sync(a, remote)
    laptop = tmp_path / "laptop-b"
    laptop.mkdir()
    shutil.copyfile(shared, laptop / shared.name)
    b = make_replica("b")
    sync(b, FileRemote(laptop / shared.name))
    b.put("person", "kuopio", PERSON)
    sync(b, FileRemote(laptop / shared.name))
    a.put("organization", "kuopio", ORG)
    sync(a, remote)
    copy = shared.parent / "digikunta (conflicted copy 2026-11-29 120000).json"
    copy.write_bytes((laptop / shared.name).read_bytes())
    report = sync(a, remote)
    assert report.absorbed == [copy.name]
    assert a.get("organization", "kuopio") == ORG
    assert a.get("person", "kuopio:person") == PERSON
    assert [e.lost for e in a.conflicts()] == [{"kind": "person", "moved_to": "kuopio:person"}]
    assert not sync(a, remote).wrote


def test_moved_ids_are_valid_and_deterministic() -> None:
    for rid in ("kuopio", "a" * 100, "a" * 128, "x.y:z-1"):
        for kind in ("person", "impact_indicator", "k" * 32):
            target = moved_id(rid, kind)
            assert is_record_id(target), target
            assert target == moved_id(rid, kind)
            assert moved_id(rid, "person") != moved_id(rid, "webinar")
    assert moved_id("kuopio", "impact_indicator") == "kuopio:impact-indicator"


def test_erasing_a_moved_record_drops_the_conflict_entries_it_had_before_the_move(
    make_replica, remote: FileRemote, shared: Path
) -> None:
    """Entries name the id their record had; the erasure at its new id removes them too."""
    a, b, c = make_replica("a"), make_replica("b"), make_replica("c")
    a.put("person", "kuopio", PERSON)
    sync(a, remote)
    sync(b, remote)
    a.put("person", "kuopio", {"phone": "+358401111111"})
    b.put("person", "kuopio", {"phone": "+358402222222"})
    sync(a, remote)
    sync(b, remote)
    c.put("organization", "kuopio", ORG)
    sync(c, remote)
    sync(a, remote)
    assert any(e.field == "phone" for e in a.conflicts())  # holds the phone numbers
    a.erase("person", "kuopio:person")
    _converged([a, b, c], remote)
    for rep in (a, b, c):
        assert [e.lost for e in rep.conflicts(include_resolved=True)] == [
            {"kind": "person", "moved_to": "kuopio:person"}
        ]
        assert rep.get("person", "kuopio:person") is None
    assert b"+35840" not in shared.read_bytes()
