"""Lost updates on a server with coarse ETags (stock WsgiDAV), and how the engine repairs them.

Stock WsgiDAV's ETag is ``"<inode>-<mtime in whole seconds>-<size>"`` and it rewrites the file
in place: two same-size documents written within one second get the same ETag, so a writer
holding the older ETag passes ``If-Match`` and overwrites the newer document. These tests
reproduce that with real replicas and show what the engine does about it:

* the replica whose write was lost still has the edit and, in its base, the record as it
  wrote it; a full read sees that the document lacks it and pushes it again;
* the fast path (``If-None-Match`` → 304) could hide such a change forever, so a full read is
  forced every ``full_every_syncs`` syncs.

Each scenario needs three writes within one wall-clock second; an attempt that straddles a
second boundary cannot reproduce the loss (the server then answers 412, correctly) and is
repeated with a fresh document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from servers.dav_helpers import WriteInBetween

from sync import Replica, SyncReport, sync
from sync.http_remote import HttpRemote

ATTEMPTS = 10
ALWAYS_FULL = timedelta(0)  # ``full_every``: the last full sync is always at least 0 s old


@dataclass
class Setup:
    a: Replica
    b: Replica
    ra: HttpRemote
    rb: HttpRemote
    url: str
    path: Path

    def server_doc(self) -> dict[str, Any]:
        return json.loads(self.path.read_bytes())

    def server_records(self) -> dict[str, dict[str, Any]]:
        return {r["id"]: r for r in self.server_doc()["records"]}

    def server_etag(self) -> str:
        return httpx.get(self.url).headers["etag"]


def _open(stack: ExitStack, tmp: Path, base_url: str, root: Path, n: int) -> Setup:
    folder = tmp / f"attempt-{n}"
    name = f"digikunta-{n}.json"
    a = Replica.open(folder / "a.sqlite", name="A")
    b = Replica.open(folder / "b.sqlite", name="B")
    stack.callback(a.close)
    stack.callback(b.close)
    ra = HttpRemote(base_url + name, sleep=lambda _: None)
    rb = HttpRemote(base_url + name, sleep=lambda _: None)
    stack.callback(ra.close)
    stack.callback(rb.close)
    return Setup(a, b, ra, rb, base_url + name, root / name)


def _reproduce_lost_update(stack: ExitStack, tmp: Path, base_url: str, root: Path) -> Setup:
    """A's edit is written, then overwritten by B's stale ``If-Match`` (no 412). Returns it.

    Every document involved has the same size (same-length values, fixed-width stamps, both
    replicas already listed in the header, a one-digit generation).
    """
    for n in range(ATTEMPTS):
        s = _open(stack, tmp, base_url, root, n)
        s.a.put("person", "p1", {"name": "Aino", "town": "Kuopio", "phone": "040 111"})
        sync(s.a, s.ra)  # creates the document
        sync(s.b, s.rb)  # B pulls p1
        s.b.put("person", "p1", {"phone": "040 222"})
        sync(s.b, s.rb)  # B is listed in the header now: later documents keep the size
        sync(s.a, s.ra)  # A pulls; both know the same ETag
        etag_before = s.server_etag()

        s.a.put("person", "p1", {"town": "Vantaa"})  # A's edit: the one that gets lost
        s.b.put("person", "p1", {"phone": "040 333"})
        a_reports: list[SyncReport] = []
        racing = WriteInBetween(s.rb, lambda s=s, out=a_reports: out.append(sync(s.a, s.ra)))
        report_b = sync(s.b, racing)  # B reads; A reads and writes; B writes (stale If-Match)

        assert a_reports[0].wrote
        if report_b.attempts == 1 and s.server_etag() == etag_before:
            return s  # B's PUT with the ETag it read before A's write was accepted
        # The writes straddled a second boundary: the server saw the change (412) and the
        # engine merged correctly (or B's write got a new ETag). Try again, fresh document.
    pytest.fail(f"{ATTEMPTS} attempts all straddled a second boundary")


@pytest.fixture
def lost(webdav_server: str, webdav_root: Path, tmp_path: Path) -> Iterator[Setup]:
    """Two replicas right after the server lost replica A's update of p1.town."""
    with ExitStack() as stack:
        yield _reproduce_lost_update(stack, tmp_path, webdav_server, webdav_root)


def test_stock_webdav_loses_an_update_with_a_stale_if_match(lost: Setup) -> None:
    """The server kept B's document, written over A's without a 412: A's edit is gone there."""
    p1 = lost.server_records()["p1"]
    assert p1["fields"] == {"name": "Aino", "town": "Kuopio", "phone": "040 333"}
    assert lost.server_doc()["written_by"] == lost.b.replica_id
    # A believes its edit is in the shared document: nothing pending, and the server's ETag
    # is still the one A's own write got back (so a conditional GET answers 304).
    assert lost.a.get("person", "p1") == {"name": "Aino", "town": "Vantaa", "phone": "040 222"}
    assert lost.a.pending() == 0
    assert lost.a.meta("remote_tag") == lost.server_etag()
    assert lost.ra.read(lost.a.meta("remote_tag")).unchanged


def test_a_full_sync_repushes_the_lost_edit_and_everyone_converges(lost: Setup) -> None:
    a, b = lost.a, lost.b
    report = sync(a, lost.ra, full_every=ALWAYS_FULL)
    assert not report.fast_path
    assert report.wrote and report.pushed == 1 and report.pulled == 1  # and B's phone came in
    assert lost.server_records()["p1"]["fields"]["town"] == "Vantaa"

    # A round of (full) syncs: B picks up the repaired document even if its ETag is the same.
    for replica, remote in ((b, lost.rb), (a, lost.ra), (b, lost.rb)):
        sync(replica, remote, full_every=ALWAYS_FULL)
    expected = {"name": "Aino", "town": "Vantaa", "phone": "040 333"}
    for replica in (a, b):
        assert replica.get("person", "p1") == expected
        assert replica.pending() == 0
        assert replica.conflicts(include_resolved=True) == []
    assert list(a.records()) == list(b.records())
    assert lost.server_records()["p1"]["fields"] == expected


def test_full_every_syncs_1_makes_the_next_sync_a_full_one(lost: Setup) -> None:
    """``full_every_syncs=1``: every sync reads the whole document, so the loss is repaired."""
    report = sync(lost.a, lost.ra, full_every_syncs=1)
    assert not report.fast_path, (
        "with full_every_syncs=1 the sync after a (full) write still took the fast path"
    )
    assert lost.server_records()["p1"]["fields"]["town"] == "Vantaa"


def test_a_record_missing_from_the_remote_is_added_again(
    webdav_server: str, webdav_root: Path, tmp_path: Path
) -> None:
    """A record in a replica's base but absent from the document (dropped by someone's
    overwrite) is pushed again by the next full sync, not deleted locally."""
    with ExitStack() as stack:
        s = _open(stack, tmp_path, webdav_server, webdav_root, 0)
        s.a.put("person", "p1", {"name": "Aino"})
        s.a.put("person", "p2", {"name": "Eero"})
        sync(s.a, s.ra)
        # Another writer (holding the current ETag) replaces the document with one lacking p2.
        doc = s.server_doc()
        doc["records"] = [r for r in doc["records"] if r["id"] != "p2"]
        body = json.dumps(doc, indent=2, sort_keys=True).encode() + b"\n"
        put = httpx.put(s.url, content=body, headers={"If-Match": s.server_etag()})
        assert put.status_code in (200, 204)

        report = sync(s.a, s.ra, full_every=ALWAYS_FULL)
        assert not report.fast_path and report.wrote and report.pushed == 1
        assert set(s.server_records()) == {"p1", "p2"}
        assert s.a.get("person", "p2") == {"name": "Eero"}
        sync(s.b, s.rb)
        assert list(s.b.records()) == list(s.a.records())


def test_the_fast_path_cannot_hide_a_same_etag_change_for_more_than_3_syncs(
    webdav_server: str, webdav_root: Path, tmp_path: Path
) -> None:
    """B knows ETag T; A rewrites the document (same size, same second) and it keeps ETag T.

    B's conditional GETs get 304 although the content changed; with ``full_every_syncs=3``
    one of B's next three syncs must read the whole document and pull A's edit.
    """
    with ExitStack() as stack:
        for n in range(ATTEMPTS):
            s = _open(stack, tmp_path, webdav_server, webdav_root, n)
            s.a.put("person", "p1", {"name": "Aino", "town": "Kuopio"})
            sync(s.a, s.ra)
            sync(s.b, s.rb, full_every_syncs=3)  # a full read: B's counter starts at 0
            s.a.put("person", "p1", {"town": "Vantaa"})
            sync(s.a, s.ra)
            if s.a.meta("remote_tag") == s.b.meta("remote_tag") == s.server_etag():
                break  # same ETag, different content
        else:
            pytest.fail(f"{ATTEMPTS} attempts all straddled a second boundary")
        assert s.server_records()["p1"]["fields"]["town"] == "Vantaa"

        reports = []
        for _ in range(3):
            reports.append(sync(s.b, s.rb, full_every_syncs=3))
            if s.b.get("person", "p1") == {"name": "Aino", "town": "Vantaa"}:
                break
        assert reports[0].fast_path  # the coarse ETag really hid the change at first
        assert s.b.get("person", "p1") == {"name": "Aino", "town": "Vantaa"}, (
            f"B did {len(reports)} syncs with full_every_syncs=3, all on the fast path: "
            f"{[r.fast_path for r in reports]}"
        )
        assert not reports[-1].fast_path and reports[-1].pulled == 1
