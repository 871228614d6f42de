"""Stale conflict copies never revive deletions or older values; concurrent ones still conflict.

A copy is stale when the main document already holds its history: its writer's later write is
recorded in the main document's ``replicas``. Every copy here is a real file written by a real
replica; only the cloud client's part (setting a version aside under a copy name) is played.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from sync_testkit import live_shared, shared_records

from sync import FileRemote, Replica, sync
from sync.conflicts import conflict_id
from sync.copy_history import contains, merge_replicas
from sync.document import Header, ReplicaInfo, parse_document, record_line, serialize_document

DROPBOX = "digikunta (Ville's conflicted copy 2026-11-29).json"
NEXTCLOUD = "digikunta (conflicted copy 2026-11-29 120000).json"


def _setup(make_replica: Callable[..., Replica], remote: FileRemote) -> tuple[Replica, Replica]:
    """A and B share p1 and p2; B's last write went into the main document."""
    a = make_replica("a")
    a.put("person", "p1", {"name": "Erkki", "town": "Tervo"})
    a.put("person", "p2", {"name": "Anna"})
    sync(a, remote)
    b = make_replica("b")
    sync(b, remote)
    b.put("person", "p2", {"town": "Kuopio"})
    sync(b, remote)
    sync(a, remote)
    return a, b


def _written_by_elsewhere(
    tmp_path: Path, shared: Path, replica: Replica, edit: Callable[[Replica], None]
) -> bytes:
    """``replica`` writes its edit into its own folder's version of the file (a real write the
    main document never sees), which the cloud client then sets aside as a conflict copy."""
    folder = tmp_path / f"laptop-{replica.replica_id}"
    folder.mkdir()
    shutil.copyfile(shared, folder / shared.name)
    sync(replica, FileRemote(folder / shared.name))
    edit(replica)
    sync(replica, FileRemote(folder / shared.name))
    return (folder / shared.name).read_bytes()


def _header(data: bytes) -> Header:
    return parse_document(data, "x").header


def test_a_copy_from_before_a_delete_does_not_revive_it(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path
) -> None:
    a, b = _setup(make_replica, remote)
    copy = shared.read_bytes()  # B's write, which the cloud client also set aside as a copy
    a.delete("person", "p1")
    sync(a, remote)
    assert contains(_header(shared.read_bytes()), _header(copy))
    (shared.parent / DROPBOX).write_bytes(copy)

    report = sync(a, remote)
    assert report.absorbed == [DROPBOX]
    assert report.conflicts == []
    assert a.get("person", "p1") is None
    assert a.conflicts(include_resolved=True) == []
    assert shared_records(shared)["p1"]["deleted"] is not None
    assert "p1" not in live_shared(shared)
    assert parse_document(shared.read_bytes(), str(shared)).conflicts == []
    assert (remote.absorbed_dir / DROPBOX).read_bytes() == copy
    assert not (shared.parent / DROPBOX).exists()
    sync(b, remote)
    assert b.get("person", "p1") is None and b.conflicts(include_resolved=True) == []
    assert list(a.records()) == list(b.records())


def test_a_copy_with_an_older_value_makes_no_conflict_and_loses(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path
) -> None:
    a, b = _setup(make_replica, remote)
    copy = shared.read_bytes()
    a.put("person", "p2", {"name": "Anna Kokeilija"})  # edited since the copy was made
    sync(a, remote)
    (shared.parent / NEXTCLOUD).write_bytes(copy)

    report = sync(a, remote)
    assert report.absorbed == [NEXTCLOUD] and report.conflicts == []
    assert a.get("person", "p2") == {"name": "Anna Kokeilija", "town": "Kuopio"}
    assert a.conflicts(include_resolved=True) == []
    assert live_shared(shared)["p2"] == {"name": "Anna Kokeilija", "town": "Kuopio"}
    sync(b, remote)
    assert b.get("person", "p2") == {"name": "Anna Kokeilija", "town": "Kuopio"}


def test_a_concurrent_copy_with_an_edit_still_becomes_a_conflict(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path, tmp_path: Path
) -> None:
    a, b = _setup(make_replica, remote)
    # B's next write never reaches the main document: the cloud client sets it aside
    copy = _written_by_elsewhere(
        tmp_path, shared, b, lambda r: r.put("person", "p2", {"name": "Anna (B)"})
    )
    a.put("person", "p2", {"name": "Anna (A)"})
    sync(a, remote)
    assert not contains(_header(shared.read_bytes()), _header(copy))
    (shared.parent / DROPBOX).write_bytes(copy)

    report = sync(a, remote)
    assert report.absorbed == [DROPBOX]
    [entry] = a.conflicts()
    assert (entry.record, entry.field) == ("p2", "name")
    assert {entry.kept["value"], entry.lost["value"]} == {"Anna (A)", "Anna (B)"}
    assert a.get("person", "p2")["name"] == entry.kept["value"]
    assert [c["id"] for c in parse_document(shared.read_bytes(), "x").conflicts] == [entry.id]


def test_a_concurrent_copy_still_revives_a_record_it_edited_after_a_delete(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path, tmp_path: Path
) -> None:
    a, b = _setup(make_replica, remote)
    copy = _written_by_elsewhere(
        tmp_path, shared, b, lambda r: r.put("person", "p1", {"phone": "+358401234567"})
    )
    a.delete("person", "p1")
    sync(a, remote)
    (shared.parent / DROPBOX).write_bytes(copy)
    sync(a, remote)
    assert a.get("person", "p1") == {"name": "Erkki", "town": "Tervo", "phone": "+358401234567"}
    [entry] = a.conflicts()
    assert entry.record == "p1" and entry.is_delete_conflict


def test_records_the_main_document_never_had_arrive_from_any_copy(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path, tmp_path: Path
) -> None:
    a, b = _setup(make_replica, remote)
    concurrent = _written_by_elsewhere(
        tmp_path, shared, b, lambda r: r.put("person", "b-new", {"name": "Vain B:llä"})
    )
    # a copy whose header claims a history the main document holds, but which carries one more
    # record (a hand edit, another tool): the join never drops a record
    doc = parse_document(shared.read_bytes(), "x")
    extra = {
        "id": "x-new",
        "kind": "person",
        "fields": {"name": "Käsin lisätty"},
        "stamps": {"name": f"{4_000_000_000_000:016d}-0000-{b.replica_id}"},  # 2096
        "deleted": None,
    }
    lines = sorted(
        [*map(bytes, doc.lines), record_line(extra)], key=lambda ln: json.loads(ln)["id"]
    )
    claimed = serialize_document(doc.header.model_dump(), lines)
    assert contains(doc.header, _header(claimed))
    (shared.parent / DROPBOX).write_bytes(concurrent)
    (shared.parent / NEXTCLOUD).write_bytes(claimed)

    report = sync(a, remote)
    assert sorted(report.absorbed) == sorted([DROPBOX, NEXTCLOUD])
    assert a.get("person", "b-new") == {"name": "Vain B:llä"}
    assert a.get("person", "x-new") == {"name": "Käsin lisätty"}
    assert a.conflicts(include_resolved=True) == []
    assert {"p1", "p2", "b-new", "x-new"} == set(live_shared(shared))


def test_a_copy_newer_than_the_main_document_is_joined_too(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path
) -> None:
    """The cloud client kept the older version under the name and set the newer one aside."""
    a, b = _setup(make_replica, remote)
    older = shared.read_bytes()
    b.delete("person", "p1")
    b.put("person", "p2", {"name": "Anna K."})
    sync(b, remote)
    newer = shared.read_bytes()
    assert contains(_header(newer), _header(older))
    shared.write_bytes(older)
    (shared.parent / DROPBOX).write_bytes(newer)

    report = sync(a, remote)
    assert report.absorbed == [DROPBOX] and report.conflicts == []
    assert a.get("person", "p1") is None
    assert a.get("person", "p2") == {"name": "Anna K.", "town": "Kuopio"}
    assert a.conflicts(include_resolved=True) == []
    sync(b, remote)
    assert list(a.records()) == list(b.records())


def test_an_absorbed_copy_that_comes_back_after_a_confirmed_delete_stays_absorbed(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path, tmp_path: Path
) -> None:
    """Merging a copy makes its history the main document's: its writer's write is recorded."""
    a, b = _setup(make_replica, remote)
    copy = _written_by_elsewhere(
        tmp_path, shared, b, lambda r: r.put("person", "b-new", {"name": "Vain B:llä"})
    )
    (shared.parent / DROPBOX).write_bytes(copy)
    sync(a, remote)
    assert contains(_header(shared.read_bytes()), _header(copy))
    a.delete("person", "b-new")
    sync(a, remote)
    (shared.parent / NEXTCLOUD).write_bytes(copy)  # another laptop's client uploads it again

    report = sync(a, remote)
    assert report.absorbed == [NEXTCLOUD] and report.conflicts == []
    assert a.get("person", "b-new") is None
    assert a.conflicts(include_resolved=True) == []


def test_a_copy_written_later_under_a_smaller_generation_is_not_taken_as_stale(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path, tmp_path: Path
) -> None:
    """B wrote again after an old version came back (a restored .bak): generation numbers went
    down, B's clock did not; the copy is a concurrent write and its edit a conflict."""
    a, b = _setup(make_replica, remote)
    restored = tmp_path / "laptop-b" / shared.name
    restored.parent.mkdir()
    shutil.copyfile(remote.backup_path, restored)  # the version before B's last write
    b.put("person", "p2", {"name": "Anna (B)"})
    sync(b, FileRemote(restored))  # B writes that generation again, with its edit
    obj = json.loads(restored.read_bytes())
    later = datetime.strptime(obj["written_at"], "%Y-%m-%dT%H:%M:%SZ") + timedelta(hours=1)
    # the test runs within a second; on a laptop, that write came later on B's clock
    obj["written_at"] = obj["replicas"][b.replica_id]["last_write"] = later.strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )
    copy = json.dumps(obj).encode()
    main = _header(shared.read_bytes())
    assert main.replicas[b.replica_id].generation >= _header(copy).generation
    assert not contains(main, _header(copy))
    a.put("person", "p2", {"name": "Anna (A)"})
    sync(a, remote)
    (shared.parent / DROPBOX).write_bytes(copy)

    sync(a, remote)
    [entry] = a.conflicts()
    assert {entry.kept["value"], entry.lost["value"]} == {"Anna (A)", "Anna (B)"}


def _hdr(writer: str, generation: int, at: str, replicas: dict[str, tuple[int, str]]) -> Header:
    return Header(
        format="digikunta-sync",
        format_version=1,
        dataset="0123456789abcdef",
        generation=generation,
        written_at=at,
        written_by=writer,
        replicas={r: ReplicaInfo(generation=g, last_write=t) for r, (g, t) in replicas.items()},
        conflicts=[],
    )


T1, T2 = "2026-11-29T12:00:00Z", "2026-11-29T12:00:05Z"


def test_contains_needs_the_writers_generation_and_its_clock() -> None:
    copy = _hdr("bbbbbbbb", 5, T1, {"bbbbbbbb": (5, T1)})
    assert contains(_hdr("aaaaaaaa", 6, T2, {"bbbbbbbb": (5, T1)}), copy)
    assert contains(_hdr("aaaaaaaa", 9, T2, {"bbbbbbbb": (7, T2)}), copy)
    assert not contains(_hdr("aaaaaaaa", 6, T2, {"bbbbbbbb": (4, T2)}), copy)  # older write
    assert not contains(_hdr("aaaaaaaa", 9, T2, {"bbbbbbbb": (7, "2026-11-29T11:00:00Z")}), copy)
    assert not contains(_hdr("aaaaaaaa", 6, T2, {"aaaaaaaa": (6, T2)}), copy)  # never saw B
    assert not contains(_hdr("aaaaaaaa", 6, T2, {"bbbbbbbb": (5, "yesterday")}), copy)
    assert contains(copy, copy)


def test_merge_replicas_claims_only_what_both_histories_prove() -> None:
    a = {"aaaaaaaa": ReplicaInfo(generation=6, last_write=T2), "cccccccc": ReplicaInfo()}
    b = {
        "aaaaaaaa": ReplicaInfo(generation=7, last_write=T1),  # later in one respect only
        "bbbbbbbb": ReplicaInfo(generation=5, last_write=T1),
        "cccccccc": ReplicaInfo(generation=2, last_write=T2),
    }
    merged = merge_replicas(a, b)
    assert merged == {
        "aaaaaaaa": a["aaaaaaaa"],
        "bbbbbbbb": b["bbbbbbbb"],
        "cccccccc": b["cccccccc"],
    }
    assert merge_replicas(b, a) == b  # first come stays unless the other is later in both
    assert (
        merge_replicas(b, a)["cccccccc"] == b["cccccccc"]
    )  # an entry without a time proves nothing


def test_a_stale_copy_does_not_bring_back_a_conflict_entry_the_main_document_dropped(
    make_replica: Callable[..., Replica], remote: FileRemote, shared: Path
) -> None:
    """The main document merged every entry of a copy it contains; one it no longer holds was
    dropped on purpose (resolved more than 90 days ago, or about an erased record)."""
    a, _ = _setup(make_replica, remote)
    obj = json.loads(shared.read_bytes())
    stamps = sorted(shared_records(shared)["p2"]["stamps"].values())
    old_entry = {
        "id": conflict_id("p2", "name", stamps[0], stamps[-1]),
        "record": "p2",
        "kind": "person",
        "field": "name",
        "kept": {"value": "Anna", "stamp": stamps[-1]},
        "lost": {"value": "Anna vanha", "stamp": stamps[0]},
        "detected_at": "2026-01-02T10:00:00Z",
        "resolved": None,
    }
    obj["conflicts"] = [old_entry]
    copy = json.dumps(obj).encode()
    assert contains(_header(shared.read_bytes()), _header(copy))
    (shared.parent / DROPBOX).write_bytes(copy)
    report = sync(a, remote)
    assert report.absorbed == [DROPBOX]
    assert a.conflicts(include_resolved=True) == []
    assert parse_document(shared.read_bytes(), "x").conflicts == []
