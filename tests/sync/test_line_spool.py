"""A sync that makes many new lines spools them (sync/line_spool.py) and still writes, byte for
byte, the document it would have written from memory: real files, real SQLite."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from sync_testkit import BackgroundSync

from sync import FileRemote, Replica, sync
from sync.document import serialize_document
from sync.layout import SEP
from sync.line_spool import SPOOL_AFTER, LineSpool

HEADER = {"format": "digikunta-sync", "format_version": 1, "conflicts": [], "generation": 3}


def test_a_spool_gives_back_every_line_in_order(tmp_path: Path) -> None:
    spool = LineSpool(tmp_path)
    lines = [f'{{"id": "p{i}", "n": "{"x" * (i * 37 % 5000)}"}}'.encode() for i in range(400)]
    numbers = [spool.add(line) for line in lines]
    assert numbers == list(range(400))
    assert spool.line(0) == lines[0] and spool.line(399) == lines[399]
    mixed: list[bytes | memoryview | int] = [b"first", *numbers[:200], b"between", *numbers[200:]]
    mixed.insert(50, 10)  # out of turn: a run is cut there
    expected = [b"first", *lines[:49], lines[10], *lines[49:200], b"between", *lines[200:]]
    assert [bytes(x) for x in spool.resolve(mixed)] == expected
    spool.close()
    assert os.listdir(tmp_path) == []  # the file never had a name there


def test_the_document_is_the_same_from_lines_read_one_by_one() -> None:
    """The writer joins small lines in blocks and passes long ones on: the bytes are the lines
    joined by SEP whatever their sizes, from a list or read as they come."""
    lines = [b'{"id": "%d", "v": "%s"}' % (i, b"y" * (i * 7919 % 90_000)) for i in range(300)]
    expected = (
        b'{\n  "conflicts": [],\n  "format": "digikunta-sync",\n  "format_version": 1,\n'
        b'  "generation": 3,\n  "records": [\n    ' + SEP.join(lines) + b"\n  ]\n}\n"
    )
    assert serialize_document(HEADER, lines) == expected
    assert serialize_document(HEADER, iter(lines)) == expected
    assert serialize_document(HEADER, iter([])).endswith(b'"records": []\n}\n')


def _records_part(data: bytes) -> bytes:
    # the record lines only: the header after them says when it was written
    start = data.index(b'"records": [')
    return data[start : data.index(b"\n  ],\n", start)]


def _people(replica: Replica, n: int) -> None:
    replica.put_many(("person", f"p{i:04d}", {"name": f"Aino {i}", "n": i}) for i in range(n))
    replica.put_many(("webinar", f"w{i:03d}", {"title": f"Webinaari {i}"}) for i in range(n // 7))


def test_a_spooled_push_writes_what_a_push_from_memory_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = Replica.open(tmp_path / "a.sqlite", name="A")
    _people(a, 300)
    first = FileRemote(tmp_path / "one" / "digikunta.json")
    first.path.parent.mkdir()
    sync(a, first)  # A now has a base: the pushes below make every line anew
    a.close()
    shutil.copy(tmp_path / "a.sqlite", tmp_path / "b.sqlite")
    documents = []
    for name, spool_after in (("a", SPOOL_AFTER), ("b", 0)):
        monkeypatch.setattr("sync.reconcile.SPOOL_AFTER", spool_after)
        replica = Replica.open(tmp_path / f"{name}.sqlite")
        remote = FileRemote(tmp_path / f"push-{name}" / "digikunta.json")
        remote.path.parent.mkdir()
        report = sync(replica, remote)
        assert report.wrote and report.pushed == 300 + 300 // 7
        layout = replica.state.layout()
        assert layout is not None
        documents.append((_records_part(remote.path.read_bytes()), layout.to_bytes()))
        assert sync(replica, remote).unchanged
        replica.put("person", "p0007", {"name": "Aino Seitsemän"})
        assert sync(replica, remote).pushed == 1  # the next sync reads the spooled push's
        assert "Aino Seitsemän".encode() in remote.path.read_bytes()
        replica.close()
    assert documents[0] == documents[1]
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".digikunta-lines-")]


def test_an_edit_saved_while_a_spooled_push_writes_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The commit merges an edit saved during the write against the line the sync spooled."""
    monkeypatch.setattr("sync.reconcile.SPOOL_AFTER", 0)
    a = Replica.open(tmp_path / "a.sqlite", name="A")
    _people(a, 50)
    first = FileRemote(tmp_path / "one" / "digikunta.json")
    first.path.parent.mkdir()
    sync(a, first)
    writing, go = threading.Event(), threading.Event()

    class Gated(FileRemote):
        def write(self, data, expected_tag, *, scrub):  # type: ignore[no-untyped-def]
            writing.set()
            assert go.wait(60)
            return super().write(data, expected_tag, scrub=scrub)

    gated = Gated(tmp_path / "two" / "digikunta.json")
    gated.path.parent.mkdir()
    pushing = BackgroundSync(a, gated)
    assert writing.wait(60)
    a.put("person", "p0003", {"name": "Aino Kolme"})  # saved while the push writes
    go.set()
    pushing.finish()
    assert (a.get("person", "p0003") or {}).get("name") == "Aino Kolme"
    assert a.pending() == 1
    plain = FileRemote(gated.path)
    assert b'"Aino Kolme"' not in plain.path.read_bytes()
    assert sync(a, plain).pushed == 1
    assert b'"Aino Kolme"' in plain.path.read_bytes()
    assert a.pending() == 0
    a.close()
