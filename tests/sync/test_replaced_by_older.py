"""The shared document replaced by an OLDER version, the newer one set beside it as a copy.

What Syncthing does when two devices changed the file while apart: on both devices the version
with the older modification time becomes ``NAME.sync-conflict-….json`` and the other one the
document (tests/servers/test_syncthing.py does it with real Syncthing). Here two folders play
the two devices and the test copies the files as Syncthing would: real replicas, real files.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sync import FileRemote, Replica, sync

NAME = "digikunta.json"
BAK = "digikunta.json.bak"
COPY = "digikunta.sync-conflict-20261129-120000-ABCDEF7.json"
BAK_COPY = "digikunta.json.sync-conflict-20261129-120000-GHIJKL7.bak"  # of digikunta.json.bak


@dataclass
class Devices:
    """Replica A syncs with folder A, replica B with folder B."""

    a: Replica
    b: Replica
    fa: Path
    fb: Path

    @property
    def ra(self) -> FileRemote:
        return FileRemote(self.fa / NAME)

    @property
    def rb(self) -> FileRemote:
        return FileRemote(self.fb / NAME)

    def start(self, **people: dict[str, str]) -> None:
        for rid, fields in people.items():
            self.a.put("person", rid, fields)
        sync(self.a, self.ra)
        shutil.copyfile(self.fa / NAME, self.fb / NAME)
        assert sync(self.b, self.rb).pulled == len(people)

    def apart(self, on_a: Callable[[Replica], None], on_b: Callable[[Replica], None]) -> None:
        """Both change the document apart (A first); then B's replaces A's, A's is the copy.

        Both replaced the backup too: A's is kept, B's (a link to the older file) is the copy.
        """
        on_a(self.a)
        sync(self.a, self.ra)
        on_b(self.b)
        sync(self.b, self.rb)
        a_doc, b_doc = (self.fa / NAME).read_bytes(), (self.fb / NAME).read_bytes()
        a_bak, b_bak = (self.fa / BAK).read_bytes(), (self.fb / BAK).read_bytes()
        for folder in (self.fa, self.fb):
            (folder / COPY).write_bytes(a_doc)
            (folder / NAME).write_bytes(b_doc)
            (folder / BAK).write_bytes(a_bak)
            (folder / BAK_COPY).write_bytes(b_bak)

    def absorb_on_a_then_b_pulls(self) -> None:
        assert sync(self.a, self.ra).absorbed == [COPY]
        _mirror(self.fa, self.fb)
        (self.fb / COPY).unlink()  # Syncthing carries the move to .digikunta-absorbed/ over
        sync(self.b, self.rb)
        _mirror(self.fb, self.fa)
        for replica, remote in ((self.a, self.ra), (self.b, self.rb)):
            assert not sync(replica, remote).wrote


def _mirror(src: Path, dst: Path) -> None:
    """Every file of ``src`` (the lock file aside) copied to ``dst``, as Syncthing would."""
    for path in src.rglob("*"):
        if path.is_file() and not path.name.endswith(".lock"):
            target = dst / path.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


@pytest.fixture
def devices(make_replica: Callable[..., Replica], tmp_path: Path) -> Devices:
    fa, fb = tmp_path / "device-a", tmp_path / "device-b"
    fa.mkdir()
    fb.mkdir()
    return Devices(make_replica("a"), make_replica("b"), fa, fb)


def test_a_deletion_stays_deleted_when_the_document_goes_back_to_an_older_version(
    devices: Devices,
) -> None:
    s = devices
    s.start(p1={"name": "Aino"}, p2={"name": "Eero"})
    s.apart(
        lambda a: a.delete("person", "p2"),
        lambda b: b.put("person", "p1", {"town": "Tervo"}),
    )
    s.absorb_on_a_then_b_pulls()

    assert list(s.a.records()) == list(s.b.records())
    for replica in (s.a, s.b):
        assert replica.get("person", "p2") is None
        assert replica.get("person", "p1") == {"name": "Aino", "town": "Tervo"}
        assert replica.conflicts(include_resolved=True) == []


def test_an_erasure_leaves_no_trace_when_the_document_goes_back_to_an_older_version(
    devices: Devices,
) -> None:
    s = devices
    s.start(p1={"name": "Erkki Esimerkki", "email": "erkki@example.fi"}, p2={"name": "Anna"})
    s.apart(
        lambda a: a.erase("person", "p1"),
        lambda b: b.put("person", "p1", {"phone": "+358 40 123 4567"}),
    )
    assert b"Erkki" in (s.fa / NAME).read_bytes() and b"Erkki" in (s.fa / BAK_COPY).read_bytes()
    s.absorb_on_a_then_b_pulls()

    assert list(s.a.records()) == list(s.b.records())
    for replica in (s.a, s.b):
        assert replica.get("person", "p1") is None
        assert replica.record("p1")["erased"] is True  # type: ignore[index]
        assert replica.get("person", "p2") == {"name": "Anna"}
        assert replica.conflicts(include_resolved=True) == []
    leaks, checked = [], 0
    for folder in (s.fa, s.fb):
        assert {NAME, BAK, BAK_COPY} <= {p.name for p in folder.iterdir()}
        assert (folder / ".digikunta-absorbed" / COPY).is_file()
        for path in folder.rglob("*"):
            if path.is_file():
                checked += 1
                data = path.read_bytes()
                for secret in (b"Erkki", b"erkki@example.fi", b"123 4567"):
                    if secret in data:
                        leaks.append((str(path.relative_to(folder.parent)), secret.decode()))
    assert checked >= 8
    assert leaks == []
    assert b"Anna" in (s.fa / BAK_COPY).read_bytes()  # scrubbed, not thrown away
