"""Conflict copies that cloud clients leave beside the shared file.

See docs/sync-model.md#conflict-copies.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sync_testkit import live_shared, shared_records

from sync import FileRemote, Replica, sync
from sync.document import parse_document

COPY_NAMES = [
    "digikunta (Ville's conflicted copy 2026-11-29).json",
    "digikunta (conflicted copy 2026-11-29 120000).json",
    "digikunta_conflict-20261129-120000.json",
    "digikunta.sync-conflict-20261129-120000-ABCDEFG.json",
    "digikunta-DESKTOP-1A2B3C.json",
]
NOT_COPIES = [
    "digikunta-old.json",
    "digikunta.json.bak",
    "digikunta.json.lock",
    "digikunta (conflicted copy 2026-11-29 120000).json.bak",
    "digikunta-DESKTOP-1A2B3C.json.lock",
    "digikunta-Desktop.json",
    "muistiinpanot (conflicted copy 2026-11-29).json",
]


def _make_copy(
    tmp_path: Path, main: Path, edit: Callable[[Replica], None], name: str = "c"
) -> bytes:
    """What another laptop wrote to its own version of the file (which the cloud set aside).

    A fresh replica syncs from a copy of the current main file, edits, and writes the copy.
    """
    folder = tmp_path / f"laptop-{name}"
    folder.mkdir()
    shutil.copyfile(main, folder / main.name)
    other = Replica.open(tmp_path / f"{name}.sqlite")
    try:
        sync(other, FileRemote(folder / main.name))
        edit(other)
        sync(other, FileRemote(folder / main.name))
    finally:
        other.close()
    return (folder / main.name).read_bytes()


@pytest.mark.parametrize("copy_name", COPY_NAMES)
def test_a_conflict_copy_is_merged_and_moved_aside(
    make_replica, remote: FileRemote, shared: Path, tmp_path: Path, copy_name: str
) -> None:
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville", "town": "Kuopio"})
    a.put("person", "p2", {"name": "Anna"})
    sync(a, remote)

    def edit_in_copy(c: Replica) -> None:
        c.put("person", "p1", {"name": "Ville (kopio)", "email": "ville@example.fi"})
        c.put("person", "c-new", {"name": "Vain kopiossa"})

    copy_bytes = _make_copy(tmp_path, shared, edit_in_copy)
    a.put("person", "p1", {"name": "Ville (pää)"})  # concurrent with the copy's edit
    sync(a, remote)
    (shared.parent / copy_name).write_bytes(copy_bytes)

    report = sync(a, remote)
    assert report.absorbed == [copy_name]
    assert report.ignored_copies == []
    # moved, not deleted
    assert not (shared.parent / copy_name).exists()
    absorbed = remote.absorbed_dir / copy_name
    assert absorbed.read_bytes() == copy_bytes
    assert remote.absorbed_dir == shared.parent / ".digikunta-absorbed"

    # the copy-only record and the copy-only field arrive
    assert a.get("person", "c-new") == {"name": "Vain kopiossa"}
    p1 = a.get("person", "p1")
    assert p1["email"] == "ville@example.fi"
    assert p1["town"] == "Kuopio"
    # the concurrent edit: the newer wins, the other is a conflict entry
    [entry] = a.conflicts()
    assert entry.record == "p1" and entry.field == "name"
    values = {entry.kept["value"], entry.lost["value"]}
    assert values == {"Ville (kopio)", "Ville (pää)"}
    assert entry.kept["stamp"] > entry.lost["stamp"]
    assert p1["name"] == entry.kept["value"]
    # and it is all in the shared document, for everyone
    assert live_shared(shared)["p1"] == p1
    doc = parse_document(shared.read_bytes(), str(shared))
    assert [c["id"] for c in doc.conflicts] == [entry.id]
    b = make_replica("b")
    sync(b, remote)
    assert list(b.records()) == list(a.records())
    assert [c.id for c in b.conflicts()] == [entry.id]
    # nothing left to absorb
    again = sync(a, remote)
    assert again.absorbed == [] and not again.wrote


def test_several_copies_at_once_and_a_name_clash_in_the_absorbed_folder(
    make_replica, remote: FileRemote, shared: Path, tmp_path: Path
) -> None:
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)
    first = _make_copy(tmp_path, shared, lambda c: c.put("person", "x1", {"n": 1}), "c1")
    second = _make_copy(tmp_path, shared, lambda c: c.put("person", "x2", {"n": 2}), "c2")
    (shared.parent / COPY_NAMES[0]).write_bytes(first)
    (shared.parent / COPY_NAMES[3]).write_bytes(second)
    report = sync(a, remote)
    assert sorted(report.absorbed) == sorted([COPY_NAMES[0], COPY_NAMES[3]])
    assert {"x1", "x2", "p1"} <= set(live_shared(shared))
    # the same name again later: the first absorbed copy is kept, not overwritten
    third = _make_copy(tmp_path, shared, lambda c: c.put("person", "x3", {"n": 3}), "c3")
    (shared.parent / COPY_NAMES[0]).write_bytes(third)
    sync(a, remote)
    assert (remote.absorbed_dir / COPY_NAMES[0]).read_bytes() == first
    kept = sorted(p.read_bytes() for p in remote.absorbed_dir.iterdir())
    assert sorted([first, second, third]) == kept
    assert a.get("person", "x3") == {"n": 3}


def test_unrelated_and_unreadable_copies_are_left_alone_and_reported(
    make_replica, remote: FileRemote, shared: Path, tmp_path: Path
) -> None:
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, remote)

    stranger = make_replica("stranger")
    stranger.put("person", "s1", {"name": "Toisen verkoston jäsen"})
    elsewhere = tmp_path / "elsewhere" / "digikunta.json"
    elsewhere.parent.mkdir()
    sync(stranger, FileRemote(elsewhere))
    other_dataset = elsewhere.read_bytes()

    same_dataset = _make_copy(tmp_path, shared, lambda c: c.put("person", "n1", {"n": 1}))
    files = {
        COPY_NAMES[1]: other_dataset,
        COPY_NAMES[2]: b'{"format": "digikunta-sync", "format_version": 1, "records": [',
        COPY_NAMES[4]: b"\x00\x01garbage",
    }
    for name in NOT_COPIES:
        if name == "digikunta.json.bak":
            continue  # the real backup is the remote's own
        files[name] = same_dataset  # a valid document of our data set under another name
    for name, data in files.items():
        (shared.parent / name).write_bytes(data)

    report = sync(a, remote)
    ignored = dict(report.ignored_copies)
    look_alikes = {"digikunta-old.json", "digikunta-Desktop.json"}  # not read, only reported
    assert set(ignored) == {COPY_NAMES[1], COPY_NAMES[2], COPY_NAMES[4], *look_alikes}
    assert "data set" in ignored[COPY_NAMES[1]]
    assert {ignored[name] for name in look_alikes} == {"not a conflict copy's name: left alone"}
    assert report.absorbed == []
    for name, data in files.items():
        assert (shared.parent / name).read_bytes() == data, name  # left alone
    assert not remote.absorbed_dir.exists() or not any(remote.absorbed_dir.iterdir())
    assert set(live_shared(shared)) == {"p1"}  # nothing merged from them
    assert a.get("person", "s1") is None and a.get("person", "n1") is None
    # reported again on the next sync, still untouched
    report = sync(a, remote)
    assert set(dict(report.ignored_copies)) == set(ignored)
    for name, data in files.items():
        assert (shared.parent / name).read_bytes() == data, name


def _assert_no_trace(folder: Path, secrets: tuple[str, ...]) -> None:
    checked = 0
    for path in [*folder.iterdir(), *(folder / ".digikunta-absorbed").iterdir()]:
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            for secret in secrets:
                assert secret not in text, (path.name, secret)
            checked += 1
    assert checked >= 3


@pytest.mark.parametrize("order", ["erased-then-copy", "copy-and-erasure-in-one-sync"])
def test_an_erased_person_stays_erased_when_a_stale_copy_is_absorbed(
    make_replica, remote: FileRemote, shared: Path, tmp_path: Path, order: str
) -> None:
    a = make_replica("a")
    a.put("person", "p1", {"name": "Erkki Esimerkki", "email": "erkki@example.fi"})
    a.put("person", "p2", {"name": "Anna"})
    sync(a, remote)
    stale = _make_copy(
        tmp_path, shared, lambda c: c.put("person", "p1", {"phone": "+358 40 123 4567"})
    )
    assert b"Erkki" in stale
    copy_path = shared.parent / COPY_NAMES[0]
    a.erase("person", "p1")
    if order == "erased-then-copy":
        sync(a, remote)
        copy_path.write_bytes(stale)
        report = sync(a, remote)
    else:
        copy_path.write_bytes(stale)
        report = sync(a, remote)
    assert report.absorbed == [COPY_NAMES[0]]
    assert a.get("person", "p1") is None
    assert a.record("p1")["erased"] is True
    assert shared_records(shared)["p1"]["erased"] is True
    assert a.get("person", "p2") == {"name": "Anna"}
    assert a.conflicts(include_resolved=True) == []
    secrets = ("Erkki", "erkki@example.fi", "123 4567")
    assert remote.backup_path.exists()
    absorbed = remote.absorbed_dir / COPY_NAMES[0]
    assert absorbed.exists()  # moved aside, not deleted ...
    assert "Anna" in absorbed.read_text(encoding="utf-8")  # ... and still useful
    _assert_no_trace(shared.parent, secrets)
    # a fresh replica never sees the person
    b = make_replica("b")
    sync(b, remote)
    assert b.get("person", "p1") is None


def _erkki_and_an_absorbed_copy(
    make_replica, remote: FileRemote, shared: Path, tmp_path: Path
) -> tuple[Replica, bytes]:
    """Laptop ``a`` shares Erkki; a conflict copy (with Erkki and one more record) is absorbed."""
    a = make_replica("a")
    a.put("person", "p1", {"name": "Erkki Esimerkki"})
    sync(a, remote)
    copy = _make_copy(tmp_path, shared, lambda c: c.put("person", "x", {"n": 1}))
    (shared.parent / COPY_NAMES[2]).write_bytes(copy)
    sync(a, remote)
    return a, copy


def test_an_already_absorbed_copy_is_scrubbed_at_a_later_erasure(
    make_replica, remote: FileRemote, shared: Path, tmp_path: Path
) -> None:
    a, _ = _erkki_and_an_absorbed_copy(make_replica, remote, shared, tmp_path)
    assert "Erkki" in (remote.absorbed_dir / COPY_NAMES[2]).read_text(encoding="utf-8")
    a.erase("person", "p1")
    sync(a, remote)
    _assert_no_trace(shared.parent, ("Erkki",))
    absorbed = json.loads((remote.absorbed_dir / COPY_NAMES[2]).read_text(encoding="utf-8"))
    assert {r["id"] for r in absorbed["records"]} == {"x"}


def test_an_absorbed_copy_that_cannot_be_scrubbed_is_removed_at_an_erasure(
    make_replica, remote: FileRemote, shared: Path, tmp_path: Path
) -> None:
    # A copy in the absorbed folder that the scrubber cannot parse (damaged since, or put there
    # by hand) would keep the erased person's data: like an unreadable NAME.bak, it goes. The
    # readable copies beside it are scrubbed and kept.
    a, copy = _erkki_and_an_absorbed_copy(make_replica, remote, shared, tmp_path)
    damaged = remote.absorbed_dir / "digikunta_conflict-20261128-090000.json"
    damaged.write_bytes(copy[: len(copy) // 2])  # torn: no longer a document
    assert b"Erkki" in damaged.read_bytes()
    a.erase("person", "p1")
    sync(a, remote)
    assert not damaged.exists()
    _assert_no_trace(shared.parent, ("Erkki",))
    assert (remote.absorbed_dir / COPY_NAMES[2]).exists()
