"""Undo of the last unsynced local edit: create, update and delete are put back by a write."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from digikunta_tui.domain.repository import Repository, ValidationFailed
from digikunta_tui.domain.undo import UndoLog, UndoRefused, restore_changes
from sync import FileRemote, sync


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Repository]:
    repository = Repository.open(tmp_path / "data", replica_name="undo")
    yield repository
    repository.close()


def _person(repo: Repository, **extra: str) -> str:
    return repo.create("person", {"given_name": "Maija", "family_name": "Meikäläinen", **extra})


def test_nothing_to_undo_in_a_new_session(repo: Repository) -> None:
    assert repo.undo_last() is None


def test_undo_a_create_deletes_the_record(repo: Repository) -> None:
    person_id = _person(repo)
    message = repo.undo_last()
    assert message is not None and "Maija Meikäläinen" in message
    assert repo.get("person", person_id) is None
    assert repo.count("person") == 0
    assert repo.undo_last() is None


def test_undo_an_update_restores_every_field_including_added_and_cleared_ones(
    repo: Repository,
) -> None:
    person_id = _person(repo, job_title="Rehtori", email="maija@example.fi")
    before = repo.get("person", person_id)
    repo.update("person", person_id, {"job_title": "", "phone": "040 123 4567", "notes": "x"})
    changed = repo.get("person", person_id)
    assert changed["phone"] == "+358401234567" and not changed.get("job_title")
    message = repo.undo_last()
    assert message is not None and "Maija Meikäläinen" in message
    after = repo.get("person", person_id)
    assert {k: v for k, v in after.items() if v is not None} == before
    assert repo.page("person", query="rehtori")[0].id == person_id  # the index follows


def test_undo_a_delete_brings_the_record_back_whole(repo: Repository) -> None:
    person_id = _person(repo, notes="keep me")
    before = repo.get("person", person_id)
    repo.delete("person", person_id)
    assert repo.get("person", person_id) is None
    message = repo.undo_last()
    assert message is not None and "Maija Meikäläinen" in message
    assert repo.get("person", person_id) == before
    assert repo.count("person") == 1


def test_undo_goes_back_one_edit_at_a_time(repo: Repository) -> None:
    person_id = _person(repo)
    repo.update("person", person_id, {"notes": "one"})
    repo.update("person", person_id, {"notes": "two"})
    repo.undo_last()
    assert repo.get("person", person_id)["notes"] == "one"
    repo.undo_last()
    assert not repo.get("person", person_id).get("notes")
    repo.undo_last()
    assert repo.get("person", person_id) is None
    assert repo.undo_last() is None


def test_an_unchanged_save_is_not_an_undo_step(repo: Repository) -> None:
    person_id = _person(repo, notes="same")
    repo.update("person", person_id, {"notes": "same"})
    assert len(repo.undo) == 1  # only the create


def test_undo_is_an_ordinary_write_that_syncs(repo: Repository, tmp_path: Path) -> None:
    remote = FileRemote(tmp_path / "shared.json")
    person_id = _person(repo, notes="before")
    sync(repo.replica, remote)
    repo.update("person", person_id, {"notes": "after"})
    assert repo.replica.pending() == 1
    repo.undo_last()
    assert repo.replica.pending() == 1  # the undo itself waits to be synced
    sync(repo.replica, remote)
    with Repository.open(tmp_path / "other") as other:
        sync(other.replica, remote)
        other.refresh()
        assert other.get("person", person_id)["notes"] == "before"


def test_a_synced_edit_cannot_be_undone(repo: Repository, tmp_path: Path) -> None:
    person_id = _person(repo)
    repo.update("person", person_id, {"notes": "shared"})
    sync(repo.replica, FileRemote(tmp_path / "shared.json"))
    with pytest.raises(UndoRefused, match="already been synced"):
        repo.undo_last()
    assert repo.get("person", person_id)["notes"] == "shared"
    assert repo.undo_last() is None  # the steps before the sync are forgotten


def test_only_edits_after_the_last_sync_can_be_undone(repo: Repository, tmp_path: Path) -> None:
    person_id = _person(repo)
    sync(repo.replica, FileRemote(tmp_path / "shared.json"))
    repo.update("person", person_id, {"notes": "new"})
    assert repo.undo_last() is not None
    assert not repo.get("person", person_id).get("notes")
    with pytest.raises(UndoRefused):
        repo.undo_last()  # the create was synced
    assert repo.get("person", person_id) is not None


def test_a_sync_by_another_process_also_ends_undo(repo: Repository, tmp_path: Path) -> None:
    person_id = _person(repo)
    with Repository.open(tmp_path / "data") as same_replica_elsewhere:
        sync(same_replica_elsewhere.replica, FileRemote(tmp_path / "shared.json"))
    with pytest.raises(UndoRefused):
        repo.undo_last()
    assert repo.get("person", person_id) is not None


def test_undo_refuses_what_is_no_longer_valid_and_keeps_the_step(
    repo: Repository, tmp_path: Path
) -> None:
    first = _person(repo, email="maija@example.fi")
    repo.delete("person", first)
    with Repository.open(tmp_path / "data") as other_session:  # the address is taken again
        _person(other_session, email="maija@example.fi")
    repo.refresh()
    with pytest.raises(ValidationFailed) as failed:
        repo.undo_last()
    assert "email" in failed.value.errors
    assert len(repo.undo) == 2  # nothing was forgotten
    assert repo.get("person", first) is None


def test_an_erasure_ends_undo(repo: Repository) -> None:
    person_id = _person(repo)
    repo.update("person", person_id, {"notes": "x"})
    repo.gdpr_erase(person_id)
    assert repo.undo_last() is None
    assert repo.get("person", person_id) is None


def test_the_log_keeps_a_bounded_number_of_steps() -> None:
    log = UndoLog(lambda: "0", limit=3)
    for n in range(5):
        log.record("create", "person", str(n), None)
    assert len(log) == 3
    assert [log.pop().record_id for _ in range(3)] == ["4", "3", "2"]  # type: ignore[union-attr]


def test_restore_changes_sets_back_changed_and_clears_added_fields() -> None:
    current = {"a": 1, "b": 2, "c": 3}
    previous = {"a": 1, "b": 5}
    assert restore_changes(current, previous) == {"b": 5, "c": None}
