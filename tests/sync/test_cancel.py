"""Cancelling a sync (the app quits while one runs): it stops at a step, commits nothing."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sync_testkit import db_content

from sync import FileRemote, SyncCancelled, sync
from sync.remote import RemoteRead


class _CancelDuringRead(FileRemote):
    """The real file remote; the cancel flag is raised while its read is under way."""

    def __init__(self, path: Path, event: threading.Event) -> None:
        super().__init__(path)
        self.event = event
        self.writes = 0

    def read(self, known_tag: str | None) -> RemoteRead:
        result = super().read(known_tag)
        self.event.set()
        return result

    def write(self, data, expected_tag, *, scrub):  # type: ignore[no-untyped-def]
        self.writes += 1
        return super().write(data, expected_tag, scrub=scrub)


def test_a_cancel_set_before_the_sync_stops_it_and_keeps_edits_pending(
    make_replica, remote: FileRemote, shared: Path
) -> None:
    a = make_replica("a")
    a.put("person", "p1", {"name": "Ville"})
    before = db_content(a.path)
    event = threading.Event()
    event.set()
    with pytest.raises(SyncCancelled):
        sync(a, remote, cancel=event)
    assert not shared.exists()
    assert a.pending() == 1
    assert a.history(1)[0].outcome == "cancelled"
    assert db_content(a.path)["records"] == before["records"]


def test_a_cancel_during_the_read_writes_and_commits_nothing(make_replica, shared: Path) -> None:
    a, b = make_replica("a"), make_replica("b")
    a.put("person", "p1", {"name": "Ville"})
    sync(a, FileRemote(shared))
    b.put("person", "p2", {"name": "Sanna"})
    document = shared.read_bytes()
    event = threading.Event()
    cut = _CancelDuringRead(shared, event)
    with pytest.raises(SyncCancelled):
        sync(b, cut, cancel=event)
    assert cut.writes == 0
    assert shared.read_bytes() == document
    assert b.get("person", "p1") is None and b.pending() == 1
    report = sync(b, FileRemote(shared))  # the next sync does it all
    assert report.pulled == 1 and report.pushed == 1


def test_progress_reports_every_phase_and_the_merge_chunk_by_chunk(
    make_replica, remote: FileRemote, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sync.reconcile as reconcile_module

    monkeypatch.setattr(reconcile_module, "CHUNK", 10)
    a = make_replica("a")
    a.put_many(("person", f"p{n:03d}", {"name": f"Jäsen {n}"}) for n in range(35))
    seen: list[tuple[str, int, int]] = []
    sync(a, remote, progress=lambda *step: seen.append(step))
    phases = [phase for phase, _, _ in seen]
    assert phases[0] == "reading" and phases[-2:] == ["writing", "committing"]
    merging = [(done, total) for phase, done, total in seen if phase == "merging"]
    assert merging[0] == (0, 35) and merging[-1] == (35, 35)
    assert [done for done, _ in merging] == sorted(done for done, _ in merging)
    assert len(merging) == 5  # the start, then one report per chunk of 10


def test_a_cancel_during_the_merge_stops_it_before_anything_is_written(
    make_replica, remote: FileRemote, shared: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sync.reconcile as reconcile_module

    monkeypatch.setattr(reconcile_module, "CHUNK", 10)
    a = make_replica("a")
    a.put_many(("person", f"p{n:03d}", {"name": f"Jäsen {n}"}) for n in range(35))
    event = threading.Event()

    def cancel_halfway(phase: str, done: int, total: int) -> None:
        if phase == "merging" and done >= 20:
            event.set()

    with pytest.raises(SyncCancelled):
        sync(a, remote, cancel=event, progress=cancel_halfway)
    assert not shared.exists() and a.pending() == 35
