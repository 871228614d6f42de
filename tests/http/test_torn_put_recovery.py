"""A torn PUT on a server that writes in place (stock WsgiDAV) is recovered by the next writer.

``test_torn_put.py`` pins down what WsgiDAV stores after an upload cut short: exactly the bytes
that arrived, the previous document gone. Here three laptops sync through such a server, one
upload is torn at several points (nothing of it, inside the header before the data set id,
inside the records), and the next syncs bring back a whole document holding every record of all
three laptops, with a warning, and nothing is lost on any laptop.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from torn_put import ObservedWebDav, run_observed_webdav, torn_put

from sync import Replica, sync
from sync.document import parse_document
from sync.http_remote import HttpRemote

DOC = "digikunta.json"


@pytest.fixture
def dav(tmp_path: Path) -> Iterator[tuple[ObservedWebDav, Path]]:
    root = tmp_path / "dav"
    with run_observed_webdav(root) as server:
        yield server, root


def _cut(document: bytes, where: str) -> int:
    if where == "nothing":
        return 0
    if where == "before the data set id":
        return document.index(b'"dataset"') - 3
    return document.index(b"\n", document.index(b'"records": [') + 200) + 40  # mid-records


@pytest.mark.parametrize("where", ["nothing", "before the data set id", "inside the records"])
def test_three_laptops_recover_every_record_after_a_torn_upload(
    dav: tuple[ObservedWebDav, Path], tmp_path: Path, where: str
) -> None:
    server, root = dav
    url = server.url + DOC
    laptops = [Replica.open(tmp_path / f"{n}.sqlite", name=n) for n in "abc"]
    a, b, c = laptops
    remotes = {id(r): HttpRemote(url) for r in laptops}
    try:
        for n in range(4):
            a.put("person", f"a{n}", {"name": f"A:n henkilö {n}", "notes": "x" * 80})
        sync(a, remotes[id(a)])
        b.put("webinar", "b1", {"title": "B:n webinaari"})
        sync(b, remotes[id(b)])
        sync(c, remotes[id(c)])
        c.put("story", "c1", {"title": "C:n tarina"})
        sync(c, remotes[id(c)])
        whole = (root / DOC).read_bytes()
        expected = set(parse_document(whole, DOC).all_records())

        # A's next upload of the same document dies part-way: WsgiDAV keeps what arrived.
        tag = remotes[id(a)].read(None).tag
        puts = len(server.wait_for("PUT", 0))
        torn_put(url, whole, _cut(whole, where), headers={"If-Match": str(tag)})
        server.wait_for("PUT", puts + 1)
        torn = (root / DOC).read_bytes()
        assert len(torn) < len(whole)
        with pytest.raises(Exception, match="truncated"):
            parse_document(torn, DOC)

        report = sync(b, remotes[id(b)])
        assert report.wrote
        assert any("truncated" in w and "rewrote" in w for w in report.warnings)
        for laptop in (c, a, b):
            sync(laptop, remotes[id(laptop)])
        final = parse_document((root / DOC).read_bytes(), DOC)
        assert set(final.all_records()) == expected
        for laptop in laptops:
            assert {rid for rid in expected if laptop.record(rid) is not None} == expected
            assert laptop.pending() == 0
        assert list(b.records()) == list(a.records()) == list(c.records())
        again = (root / DOC).read_bytes()
        sync(a, remotes[id(a)])
        assert (root / DOC).read_bytes() == again  # recovered for good: nothing more to write
    finally:
        for laptop in laptops:
            remotes[id(laptop)].close()
            laptop.close()


def test_an_empty_file_where_the_laptop_never_synced_is_still_refused(
    dav: tuple[ObservedWebDav, Path], tmp_path: Path
) -> None:
    server, root = dav
    (root / DOC).write_bytes(b"")
    laptop = Replica.open(tmp_path / "new.sqlite", name="new")
    laptop.put("person", "p1", {"name": "Uusi"})
    with HttpRemote(server.url + DOC) as remote, pytest.raises(Exception, match="truncated"):
        sync(laptop, remote)
    assert (root / DOC).read_bytes() == b""
    assert laptop.pending() == 1
    laptop.close()
