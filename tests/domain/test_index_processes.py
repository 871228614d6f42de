"""A large build's rows made by other processes: the same index, no process or file left behind.

Real child processes (``python -m digikunta_tui.domain.index_process``) read a real replica
file; the tests lower nothing in them, they only choose the path (``rows_elsewhere``).
"""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from index_files import indexed

from digikunta_tui.domain import index_build, index_process
from digikunta_tui.domain.index_process import HERE
from digikunta_tui.domain.index_rows import Snapshot
from digikunta_tui.domain.repository import INDEX_FILE, Repository

ODD = [
    ("person", "odd00000001", {"given_name": 7, "family_name": ["x"], "roles": "rooli"}),
    ("person", "odd00000002", {"family_name": "Öhman", "organization": "no such"}),
    ("story", "odd00000003", {"title": "Kokeilu", "stage": 3, "themes": [1, "ai"]}),
    ("webinar", "odd00000004", {"title": "W", "starts_at": "eilen"}),
    ("consent", "odd00000005", {"person": "odd00000002", "purpose": "x", "at": 5}),
]


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    """The demo (every kind, references between them) and records another tool wrote oddly."""
    with Repository.open(tmp_path / "data") as opened:
        opened.load_demo()
        opened.replica.put_many(ODD)
        yield opened


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[subprocess.Popen[bytes]]:
    """Every process the rows code starts (real ones: this only keeps hold of them)."""
    started: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        process = real(*args, **kwargs)
        started.append(process)
        return process

    monkeypatch.setattr(index_process.subprocess, "Popen", popen)
    return started


def _build(repo: Repository, folder: Path, **options: Any) -> index_build.Built:
    return index_build.build_file(folder / "index.sqlite", repo.replica, {"v": "1"}, **options)


def test_rows_made_by_other_processes_make_the_same_index(
    repo: Repository, tmp_path: Path, children: list[subprocess.Popen[bytes]]
) -> None:
    here = _build(repo, tmp_path, rows_elsewhere=False)
    assert children == []

    elsewhere = _build(repo, tmp_path, rows_elsewhere=True)

    assert len(children) == len(index_process.PARTS)
    assert all(child.returncode == 0 for child in children)
    assert (elsewhere.records, elsewhere.seq, elsewhere.erasures) == (
        here.records,
        here.seq,
        here.erasures,
    )
    assert here.records == sum(repo.counts().values())
    assert indexed(elsewhere.path) == indexed(here.path)


def test_a_rows_process_that_fails_leaves_the_build_to_this_process(
    repo: Repository,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    children: list[subprocess.Popen[bytes]],
) -> None:
    expected = indexed(_build(repo, tmp_path, rows_elsewhere=False).path)
    monkeypatch.setattr(index_process.sys, "executable", "/bin/false")  # starts, says nothing

    with caplog.at_level(logging.WARNING, logger=index_build.__name__):
        built = _build(repo, tmp_path, rows_elsewhere=True)

    assert children and all(child.returncode == 1 for child in children)
    assert "an index rows process ended with 1" in caplog.text
    assert indexed(built.path) == expected


def test_a_cancelled_build_stops_its_rows_processes_and_leaves_no_file(
    repo: Repository, tmp_path: Path, children: list[subprocess.Popen[bytes]]
) -> None:
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        cancel.set()  # at the first batch written

    with pytest.raises(index_build.Cancelled):
        _build(repo, tmp_path, rows_elsewhere=True, progress=progress, cancel=cancel)

    assert len(children) == len(index_process.PARTS)
    assert all(child.poll() is not None for child in children)
    assert list(tmp_path.glob("index.sqlite*")) == []


def test_a_missing_index_of_a_large_replica_is_built_by_rows_processes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, children: list[subprocess.Popen[bytes]]
) -> None:
    data = tmp_path / "data"
    with Repository.open(data) as repo:
        repo.load_demo()
        expected = indexed(repo.index_path)
    for path in data.glob(INDEX_FILE + "*"):
        path.unlink()
    monkeypatch.setattr(index_build, "PROCESS_MIN", 1)  # the demo counts as large

    with Repository.open(data) as repo:
        assert "Päivi Päiväkoti" in [hit.title for hit in repo.search("paivi")]
        assert indexed(repo.index_path) == expected
    assert len(children) == len(index_process.PARTS)


def _batch(kind: str, first: int) -> tuple[str, list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    return kind, [(first, f"id{first}")], [(first, "t", "b")]


def _frames(*items: Snapshot | tuple[str, list[Any], list[Any]]) -> Iterator[bytes]:
    """The frames a rows process writes for ``items``, as the parent reads them."""
    out = io.BytesIO()
    for item in items:
        index_process.write_frame(out, item)
    out.seek(0)
    while (frame := index_process.read_frame(out)) is not None:
        yield frame


def test_the_parts_claim_the_older_state_when_a_sync_came_between_their_reads() -> None:
    # Two parts whose reads saw the replica before and after a change (seq 5 → 7) and an
    # erasure: the index claims the older state, so its next refresh applies seq 6 and 7 again.
    older = _frames(Snapshot(seq=5, erasures=1, records=2), _batch("person", 1), _batch("x", 2))
    newer = _frames(Snapshot(seq=7, erasures=2, records=1), _batch("consent", 10))

    merged = list(index_process._merged([older, newer]))

    assert merged[0] == Snapshot(seq=5, erasures=1, records=3)
    assert sorted(merged[1:]) == sorted(
        [_batch("person", 1), _batch("x", 2), _batch("consent", 10)]
    )


def test_a_part_that_fails_fails_the_merged_rows() -> None:
    def failing() -> Iterator[bytes]:
        yield from _frames(Snapshot(seq=1, erasures=0, records=1))
        raise index_process.RowsFailed("an index rows process ended with -9: ")

    with pytest.raises(index_process.RowsFailed, match="-9"):
        list(index_process._merged([failing(), _frames(Snapshot(1, 0, 0))]))


def test_a_frame_that_is_not_index_rows_fails_the_merged_rows() -> None:
    garbage = iter([b"\x00not marshal"])
    with pytest.raises(index_process.RowsFailed, match="unreadable"):
        list(index_process._merged([garbage]))


def test_a_rows_process_reads_the_replica_it_is_given(repo: Repository) -> None:
    # The command line the parent uses, run by hand: framed items on standard output.
    done = subprocess.run(
        [sys.executable, "-m", index_process.__name__, str(repo.replica.path), "3", "0"],
        capture_output=True,
        check=True,
        stdin=subprocess.DEVNULL,
    )
    stream = io.BytesIO(done.stdout)
    items = []
    while (frame := index_process.read_frame(stream)) is not None:
        items.append(index_process.decode_frame(frame, first=not items))
    assert stream.tell() == len(done.stdout)
    snapshot, batches = items[0], items[1:]
    theirs = {kind: n for kind, n in repo.counts().items() if n and kind not in HERE[0]}
    assert snapshot.records == sum(theirs.values()) > 3
    assert {kind for kind, _, _ in batches} == set(theirs)
    assert sum(len(rows) for _, rows, _ in batches) == snapshot.records
    assert all(len(rows) <= 3 for _, rows, _ in batches)
    assert [row[0] for _, rows, _ in batches for row in rows] == list(
        range(1, snapshot.records + 1)
    )


def test_this_process_makes_its_own_rows_once_the_other_has_sent_every_title() -> None:
    titles: dict[str, str] = {}
    asked: list[dict[str, str]] = []

    def mine() -> Iterator[Any]:
        yield Snapshot(seq=7, erasures=2, records=1)
        asked.append(dict(titles))  # what this process's rows were made with
        yield "consent", [(1 << 40, "c1", "Aino Aalto", "s", "k", "p1")], []

    theirs = iter(
        [
            Snapshot(seq=5, erasures=1, records=3),
            ("organization", [(1, "o1", "Kunta", "", "kunta")], [(1, "kunta", "")]),
            ("person", [(2, "p1", "Aino Aalto", "Kunta", "k")], [(2, "aino aalto", "kunta")]),
            ("registration", [(3, "r1", "Aino Aalto", "", "k", None, "p1")], []),
        ]
    )

    merged = list(index_build._shared(mine(), theirs, titles))

    assert merged[0] == Snapshot(seq=5, erasures=1, records=4)  # the older state, both counts
    assert asked == [{"o1": "Kunta", "p1": "Aino Aalto"}]
    assert [item[0] for item in merged[1:]] == ["organization", "person", "consent", "registration"]
