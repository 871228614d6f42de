"""Two real Syncthing devices on loopback: their conflict copies absorbed by Digikunta.

Each replica syncs with its own device's copy of the shared folder (a ``FileRemote`` there),
as two laptops would. The devices are paused to each other while both replicas change the
shared document; on resuming, Syncthing itself makes the ``NAME.sync-conflict-DATE-TIME-ID``
copy (found with syncthing v1.19.2: the version with the older modification time becomes the
copy, on both devices) and Digikunta must merge it and move it aside with the conflict kept,
never resurrecting a deleted or erased record.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from servers.dav_helpers import doc_name
from servers.syncthing import SyncthingPair
from sync import FileRemote, Replica, sync

pytestmark = pytest.mark.slow  # two real Syncthing processes and their settling

ABSORBED = ".digikunta-absorbed/"


@dataclass
class Laptops:
    """Replica A on device A's folder, replica B on device B's, one document name."""

    pair: SyncthingPair
    name: str
    a: Replica
    b: Replica
    ra: FileRemote
    rb: FileRemote

    @property
    def copy_pattern(self) -> re.Pattern[str]:
        stem = re.escape(self.name.removesuffix(".json"))
        return re.compile(rf"^{stem}\.sync-conflict-\d{{8}}-\d{{6}}-[A-Z0-9]{{7}}\.json$")

    def copies(self, files: dict[str, bytes]) -> list[str]:
        return [n for n in files if self.copy_pattern.match(n)]

    def absorbed(self, files: dict[str, bytes]) -> list[str]:
        return [
            n.removeprefix(ABSORBED)
            for n in files
            if n.startswith(ABSORBED) and self.copy_pattern.match(n.removeprefix(ABSORBED))
        ]

    def start(self, **people: dict[str, str]) -> None:
        """A creates the people and syncs; both devices get the file; B pulls it."""
        for rid, fields in people.items():
            self.a.put("person", rid, fields)
        sync(self.a, self.ra)
        self.pair.settle(lambda files: self.name in files)
        assert sync(self.b, self.rb).pulled == len(people)
        self.pair.settle()

    def conflict_copy(self) -> str:
        """After both changed the document while paused: resume and wait for Syncthing's copy."""
        self.pair.settle(lambda files: len(self.copies(files)) == 1)
        (copy,) = self.copies(self.pair.a.files())
        return copy

    def absorb_on_a_then_b_pulls(self, copy: str) -> None:
        report = sync(self.a, self.ra)
        assert report.absorbed == [copy]
        # the move to .digikunta-absorbed/ reaches device B through Syncthing
        self.pair.settle(lambda files: not self.copies(files) and self.absorbed(files) == [copy])
        sync(self.b, self.rb)
        self.pair.settle()
        # a further round changes nothing and makes no new copy
        for replica, remote in ((self.a, self.ra), (self.b, self.rb)):
            assert not sync(replica, remote).wrote
        self.pair.settle()
        assert not self.copies(self.pair.a.files())


@pytest.fixture
def laptops(syncthing_pair: SyncthingPair, tmp_path: Path) -> Iterator[Laptops]:
    name = doc_name("syncthing")
    a = Replica.open(tmp_path / "a.sqlite", name="A")
    b = Replica.open(tmp_path / "b.sqlite", name="B")
    yield Laptops(
        syncthing_pair,
        name,
        a,
        b,
        FileRemote(syncthing_pair.a.folder / name),
        FileRemote(syncthing_pair.b.folder / name),
    )
    a.close()
    b.close()


def _assert_converged(a: Replica, b: Replica) -> None:
    assert list(a.records()) == list(b.records())
    assert [c.to_json() for c in a.conflicts(include_resolved=True)] == [
        c.to_json() for c in b.conflicts(include_resolved=True)
    ]
    assert a.pending() == b.pending() == 0


def test_a_real_sync_conflict_copy_is_absorbed_with_the_conflict_kept(laptops: Laptops) -> None:
    s = laptops
    s.start(p1={"name": "Aino", "town": "Kuopio"})
    with s.pair.disconnected():
        s.a.put("person", "p1", {"town": "Varkaus"})
        sync(s.a, s.ra)
        s.b.put("person", "p1", {"town": "Iisalmi"})
        sync(s.b, s.rb)
    copy = s.conflict_copy()
    files = s.pair.a.files()
    assert files == s.pair.b.files()  # the same copy on both devices
    s.absorb_on_a_then_b_pulls(copy)

    _assert_converged(s.a, s.b)
    for replica in (s.a, s.b):
        (entry,) = replica.conflicts()
        assert entry.record == "p1" and entry.field == "town"
        assert {entry.kept["value"], entry.lost["value"]} == {"Varkaus", "Iisalmi"}
        assert replica.get("person", "p1") == {"name": "Aino", "town": entry.kept["value"]}


def test_a_deletion_stays_deleted_when_the_stale_copy_is_absorbed(laptops: Laptops) -> None:
    s = laptops
    s.start(p1={"name": "Aino"}, p2={"name": "Eero"})
    with s.pair.disconnected():
        s.a.delete("person", "p2")
        sync(s.a, s.ra)
        s.b.put("person", "p1", {"town": "Tervo"})
        sync(s.b, s.rb)
    s.absorb_on_a_then_b_pulls(s.conflict_copy())

    _assert_converged(s.a, s.b)
    for replica in (s.a, s.b):
        assert replica.get("person", "p2") is None
        assert replica.get("person", "p1") == {"name": "Aino", "town": "Tervo"}
        assert replica.conflicts(include_resolved=True) == []


def test_an_erasure_holds_and_leaves_no_trace_in_either_devices_folder(laptops: Laptops) -> None:
    s = laptops
    s.start(p1={"name": "Erkki Esimerkki", "email": "erkki@example.fi"}, p2={"name": "Anna"})
    with s.pair.disconnected():
        s.a.erase("person", "p1")
        sync(s.a, s.ra)
        s.b.put("person", "p1", {"phone": "+358 40 123 4567"})
        sync(s.b, s.rb)
    s.absorb_on_a_then_b_pulls(s.conflict_copy())

    _assert_converged(s.a, s.b)
    for replica in (s.a, s.b):
        assert replica.get("person", "p1") is None
        assert replica.record("p1")["erased"] is True  # type: ignore[index]
        assert replica.get("person", "p2") == {"name": "Anna"}
    stem = s.name.removesuffix(".json")
    leaks = []
    for device in (s.pair.a, s.pair.b):
        files = device.files()
        assert s.name in files and s.absorbed(files)
        for rel, data in files.items():
            if stem in rel:  # this test's document, its backup, copies and absorbed copies
                for secret in (b"Erkki", b"erkki@example.fi", b"123 4567"):
                    if secret in data:
                        leaks.append((device.name, rel, secret.decode()))
    # the document, its backup, Syncthing's copies of both and the absorbed copies: no trace
    assert leaks == []
