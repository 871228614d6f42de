"""An erasure, made here or arriving by sync, leaves no word of the person in the search index."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from traces import find_traces

from digikunta_tui.domain.index import SearchIndex
from digikunta_tui.domain.repository import INDEX_FILE, Repository
from sync import FileRemote, sync

GIVEN, FAMILY = "Zyxwänä", "Qörkkeläinen"
EMAIL, PHONE = "zyxwana.qorkkelainen@tervo.example.fi", "+358409871234"
NOTE = "flumbergast wibbleqvark"
SECRETS = (GIVEN, FAMILY, EMAIL, PHONE, NOTE)


def _index_files(repo: Repository) -> list[Path]:
    folder = repo.index_path.parent
    return [p for p in folder.iterdir() if p.name.startswith(INDEX_FILE)]


def _traces(repo: Repository) -> list[tuple[str, str]]:
    return find_traces(_index_files(repo), SECRETS)


def _people(repo: Repository) -> str:
    """Other people (so the person shares full-text segments with words that stay); the person."""
    org = repo.create("organization", {"name": "Tervo", "type": "municipality"})
    for n in range(40):
        repo.create(
            "person",
            {"given_name": f"Aino{n}", "family_name": "Virtanen", "notes": f"muistio {n}"},
        )
    fields = {"given_name": GIVEN, "family_name": FAMILY, "organization": org}
    fields |= {"email": EMAIL, "phone": PHONE, "notes": NOTE}
    return repo.create("person", fields)


@pytest.fixture
def two(tmp_path: Path) -> Iterator[tuple[Repository, Repository, FileRemote]]:
    """Laptops A and B with the person on both, and their shared file."""
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    a, b = Repository.open(tmp_path / "a"), Repository.open(tmp_path / "b")
    yield a, b, FileRemote(shared)
    a.close()
    b.close()


def test_an_erasure_here_leaves_no_word_in_the_index(repo: Repository) -> None:
    pid = _people(repo)
    repo.update("person", pid, {"job_title": "Plonkmeister"})
    assert _traces(repo), "the person is in the index before the erasure"

    repo.gdpr_erase(pid)

    assert _traces(repo) == []
    assert find_traces(_index_files(repo), ["Plonkmeister"]) == []
    assert repo.index.erasures == repo.replica.erasures > 0 and not repo.scrub_due
    assert repo.count("person") == 40 and repo.count("person", "aino1") == 11


def test_an_erasure_arriving_by_sync_leaves_no_word_in_the_other_index(
    two: tuple[Repository, Repository, FileRemote],
) -> None:
    a, b, remote = two
    pid = _people(a)
    sync(a.replica, remote)
    sync(b.replica, remote)
    b.refresh()
    assert b.page("person", query=FAMILY)[0].id == pid
    a.gdpr_erase(pid)
    sync(a.replica, remote)
    sync(b.replica, remote)
    assert _traces(b), "b's index still has the person until it learns of the erasure"

    b.refresh()

    assert _traces(b) == []
    assert b.page("person", query=FAMILY) == [] and b.count("person") == 40
    assert not b.scrub_due
    assert find_traces(_index_files(a), SECRETS) == []


def test_a_reader_in_another_process_delays_the_index_scrub_to_the_next_refresh(
    two: tuple[Repository, Repository, FileRemote],
) -> None:
    a, b, remote = two
    pid = _people(a)
    sync(a.replica, remote)
    sync(b.replica, remote)
    b.refresh()
    a.gdpr_erase(pid)
    sync(a.replica, remote)
    sync(b.replica, remote)
    other = sqlite3.connect(b.index_path, timeout=0.1)  # the app open in another process
    other.execute("BEGIN")
    other.execute("SELECT COUNT(*) FROM items").fetchone()
    try:
        b.refresh()
        assert b.scrub_due
        assert b.page("person", query=FAMILY) == []  # the rows are gone at once
        assert _traces(b), "the log keeps the old pages while that reader may need them"
    finally:
        other.execute("COMMIT")
        other.close()

    b.refresh()

    assert not b.scrub_due and _traces(b) == []


def test_a_new_index_file_is_clean_and_needs_no_scrub(tmp_path: Path) -> None:
    repo = Repository.open(tmp_path / "data")
    try:
        repo.gdpr_erase(_people(repo))
    finally:
        repo.close()
    for path in (tmp_path / "data").glob(INDEX_FILE + "*"):
        path.unlink()
    again = Repository.open(tmp_path / "data")
    try:
        assert again.index.erasures == again.replica.erasures == 1
        assert not again.scrub_due and _traces(again) == []
    finally:
        again.close()


def test_rows_deleted_without_secure_delete_are_cleaned_by_the_vacuum(
    two: tuple[Repository, Repository, FileRemote],
) -> None:
    """Older versions deleted index rows without zeroing them: only a VACUUM drops that."""
    a, b, remote = two
    pid = _people(a)
    sync(a.replica, remote)
    sync(b.replica, remote)
    b.refresh()
    a.gdpr_erase(pid)
    sync(a.replica, remote)
    sync(b.replica, remote)
    older = sqlite3.connect(b.index_path, isolation_level=None)
    older.execute("PRAGMA secure_delete=OFF")
    (rowid,) = older.execute("SELECT rowid FROM items WHERE id = ?", (pid,)).fetchone()
    older.execute("DELETE FROM items WHERE rowid = ?", (rowid,))
    older.execute("DELETE FROM fts WHERE rowid = ?", (rowid,))
    older.execute("INSERT INTO fts (fts) VALUES ('optimize')")
    older.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    older.close()
    assert _traces(b), "free space of the index file keeps the deleted row"

    b.refresh()

    assert _traces(b) == [] and not b.scrub_due


def test_a_new_index_file_records_the_erasures_it_is_clean_of(tmp_path: Path) -> None:
    path = tmp_path / INDEX_FILE
    SearchIndex.open(path, replica_id="r1", erasures=3).close()
    again = SearchIndex.open(path, replica_id="r1", erasures=5)
    try:
        assert again.erasures == 3  # an existing file keeps what it is scrubbed of
    finally:
        again.close()
    other = SearchIndex.open(path, replica_id="r2", erasures=5)
    try:
        assert other.erasures == 5  # another replica's file was started afresh
    finally:
        other.close()


def test_a_rebuild_leaves_neither_the_old_file_nor_its_words(repo: Repository) -> None:
    pid = _people(repo)
    repo.update("person", pid, {"notes": "tavallinen muistio"})  # applied in place
    assert find_traces(_index_files(repo), (NOTE,)), "the old file still holds the old notes"

    repo.index.rebuild(repo.replica)

    names = sorted(p.name for p in _index_files(repo))
    assert names in ([INDEX_FILE], [INDEX_FILE, f"{INDEX_FILE}-shm", f"{INDEX_FILE}-wal"])
    assert find_traces(_index_files(repo), (NOTE,)) == []
    assert repo.count("person", "tavallinen") == 1
