"""Index work off the reading thread: opening without a build, builds and refreshes in a worker.

A worker thread runs the index job and is held mid-way by its own progress callback (an Event
the test controls), while the test's thread reads: reads never wait for the job, and answer
from the state before it (a first build: ``IndexNotReady``) until it is done.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from index_files import indexed

from digikunta_tui.domain import index as index_module
from digikunta_tui.domain.repository import (
    INDEX_FILE,
    IndexNotReady,
    Repository,
    ValidationFailed,
)

GUARD = 60.0
"""Seconds after which a thread that should long have finished counts as hung (never a
speed limit: everything here finishes in milliseconds unless it deadlocks)."""


def _people(repo: Repository, n: int, family: str = "Virtanen") -> list[str]:
    items = [
        ("person", f"{family.lower()}{i:05d}", {"given_name": f"Aino{i}", "family_name": family})
        for i in range(n)
    ]
    repo.replica.put_many(items)
    return [rid for _, rid, _ in items]


class HeldJob:
    """An index job in a worker thread, parked in its first progress report until released."""

    def __init__(self, job: Callable[..., int]) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.reports: list[tuple[int, int]] = []
        self.result: int | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(job,), daemon=True)
        self._thread.start()
        assert self.started.wait(GUARD), "the job never reported progress"

    def _progress(self, done: int, total: int) -> None:
        self.reports.append((done, total))
        if not self.started.is_set():
            self.started.set()
            assert self.release.wait(GUARD)

    def _run(self, job: Callable[..., int]) -> None:
        try:
            self.result = job(progress=self._progress)
        except BaseException as exc:  # reported by finish()
            self.error = exc

    def finish(self) -> int:
        self.release.set()
        self._thread.join(GUARD)
        assert not self._thread.is_alive(), "the job did not finish"
        if self.error is not None:
            raise self.error
        assert self.result is not None
        return self.result


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small data sets take the same paths as large ones: report and rebuild early."""
    monkeypatch.setattr(index_module, "APPLY_BATCH", 1)
    monkeypatch.setattr(index_module, "REBUILD_MIN", 10)
    monkeypatch.setattr("digikunta_tui.domain.index_build.BATCH", 5)


@pytest.fixture
def data_without_index(tmp_path: Path) -> Iterator[Path]:
    """A data folder with 40 people in the replica and no index file."""
    data = tmp_path / "data"
    with Repository.open(data) as repo:
        _people(repo, 40)
    for path in data.glob(INDEX_FILE + "*"):
        path.unlink()
    yield data


def test_open_without_prepare_builds_nothing(data_without_index: Path) -> None:
    repo = Repository.open(data_without_index, prepare=False)
    try:
        assert not repo.index_ready and repo.index_needs_work
        for read in (
            lambda: repo.page("person"),
            lambda: repo.count("person"),
            lambda: repo.search("aino"),
            lambda: repo.recent_changes(),
            lambda: repo.people_of("x"),
        ):
            with pytest.raises(IndexNotReady):
                read()
        assert repo.get("person", "virtanen00003")["given_name"] == "Aino3"
        assert repo.counts()["person"] == 40  # read from the replica
        assert repo.index.seq == -1

        assert repo.prepare_index() == 40

        assert repo.index_ready and not repo.index_needs_work
        assert repo.count("person") == 40 and repo.count("person", "aino39") == 1
    finally:
        repo.close()


def test_reads_during_a_first_build_say_not_ready_then_lists_appear(
    data_without_index: Path, small_batches: None
) -> None:
    repo = Repository.open(data_without_index, prepare=False)
    try:
        job = HeldJob(repo.prepare_index)

        assert not repo.index_ready
        with pytest.raises(IndexNotReady):
            repo.page("person")
        assert repo.get("person", "virtanen00000") is not None

        assert job.finish() == 40
        assert repo.index_ready and repo.count("person") == 40
        done, total = job.reports[-1]
        assert done == total and total > 0
        assert [d for d, _ in job.reports] == sorted(d for d, _ in job.reports)
    finally:
        repo.close()


def test_reads_during_a_rebuild_answer_from_the_old_index(
    tmp_path: Path, small_batches: None
) -> None:
    repo = Repository.open(tmp_path / "data")
    try:
        old = _people(repo, 20)
        repo.refresh()
        renamed = [("person", rid, {"family_name": "Järvinen"}) for rid in old[:15]]
        repo.replica.put_many(renamed)  # 15 of 20: more than REBUILD_FRACTION, a new file
        job = HeldJob(repo.refresh)

        assert repo.index_ready
        assert repo.count("person", "virtanen") == 20 and repo.count("person", "jarvinen") == 0
        assert repo.page("person", limit=1)[0].title == "Aino0 Virtanen"
        assert repo.index_needs_work

        assert job.finish() == 20
        assert repo.count("person", "virtanen") == 5 and repo.count("person", "jarvinen") == 15
        assert not repo.index_needs_work
    finally:
        repo.close()


def test_reads_while_changes_are_applied_answer_from_the_old_state(
    tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repository.open(tmp_path / "data")
    try:
        _people(repo, 40)
        repo.refresh()
        builds: list[object] = []
        build_file = index_module.build_file

        def counted_build(*args: Any, **kwargs: Any) -> Any:
            builds.append(args[0])
            return build_file(*args, **kwargs)

        monkeypatch.setattr(index_module, "build_file", counted_build)
        _people(repo, 5, family="Korhonen")  # 5 of 45: applied, not rebuilt
        job = HeldJob(repo.refresh)

        assert repo.count("person") == 40 and repo.count("person", "korhonen") == 0

        assert job.finish() == 5
        assert builds == []
        assert repo.count("person") == 45 and repo.count("person", "korhonen") == 5
        assert job.reports[-1] == (5, 5)
    finally:
        repo.close()


def test_changes_up_to_the_rebuild_fraction_are_applied_more_make_a_new_file(
    tmp_path: Path, small_batches: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repository.open(tmp_path / "data")
    try:
        ids = _people(repo, 100)
        repo.refresh()
        builds: list[object] = []
        build_file = index_module.build_file

        def counted_build(*args: Any, **kwargs: Any) -> Any:
            builds.append(args[0])
            return build_file(*args, **kwargs)

        monkeypatch.setattr(index_module, "build_file", counted_build)
        at_most = int(index_module.REBUILD_FRACTION * 100)  # of the index's 100 rows
        assert at_most + 1 >= index_module.REBUILD_MIN

        repo.replica.put_many(
            [("person", rid, {"family_name": "Järvinen"}) for rid in ids[:at_most]]
        )
        assert repo.refresh() == at_most
        assert builds == []  # applied one by one

        more = ids[at_most : 2 * at_most + 1]
        repo.replica.put_many([("person", rid, {"family_name": "Korhonen"}) for rid in more])
        assert repo.refresh() == 100  # a new file: every record indexed
        assert len(builds) == 1
        assert repo.count("person", "jarvinen") == at_most
        assert repo.count("person", "korhonen") == at_most + 1
        assert not repo.index_needs_work
    finally:
        repo.close()


def test_a_write_during_a_job_does_not_wait_and_the_job_takes_it_in(
    tmp_path: Path, small_batches: None
) -> None:
    repo = Repository.open(tmp_path / "data")
    try:
        old = _people(repo, 20)
        repo.replica.put_many([("person", rid, {"family_name": "Järvinen"}) for rid in old])
        job = HeldJob(repo.refresh)  # a rebuild, parked

        pid = repo.create("person", {"given_name": "Uusi", "family_name": "Ihminen"})  # returns

        assert repo.count("person", "ihminen") == 0  # the job has not taken it in yet
        job.finish()
        assert [row.id for row in repo.page("person", query="uusi ihminen")] == [pid]
        assert not repo.index_needs_work
    finally:
        repo.close()


def test_a_second_worker_waits_for_the_running_job(tmp_path: Path, small_batches: None) -> None:
    repo = Repository.open(tmp_path / "data")
    try:
        _people(repo, 20)
        job = HeldJob(repo.refresh)
        second: list[int] = []
        other = threading.Thread(target=lambda: second.append(repo.refresh()), daemon=True)
        other.start()
        assert second == []  # it is waiting: the job is still held
        job.finish()
        other.join(GUARD)
        assert second == [0]  # nothing left to do when its turn came
    finally:
        repo.close()


@pytest.mark.parametrize("first_build", [True, False])
def test_a_cancelled_build_leaves_the_index_as_it_was(
    tmp_path: Path, small_batches: None, first_build: bool
) -> None:
    data = tmp_path / "data"
    repo = Repository.open(data, prepare=not first_build)
    try:
        ids = _people(repo, 30)
        if not first_build:
            repo.refresh()
            repo.replica.put_many([("person", rid, {"family_name": "Järvinen"}) for rid in ids])
        cancel = threading.Event()
        reports: list[int] = []

        def progress(done: int, total: int) -> None:
            reports.append(done)
            cancel.set()

        assert repo.prepare_index(progress=progress, cancel=cancel) == 0

        assert reports and reports[-1] < 30
        assert repo.index_ready is not first_build and repo.index_needs_work
        if not first_build:
            assert repo.count("person", "virtanen") == 30
        assert sorted(p.name for p in data.glob(INDEX_FILE + "*")) == [
            INDEX_FILE,
            f"{INDEX_FILE}-shm",
            f"{INDEX_FILE}-wal",
        ]
        assert repo.prepare_index() == 30 and repo.count("person", "jarvinen") == (
            0 if first_build else 30
        )
    finally:
        repo.close()


def test_a_cancelled_apply_changes_nothing(tmp_path: Path, small_batches: None) -> None:
    repo = Repository.open(tmp_path / "data")
    try:
        _people(repo, 40)
        repo.refresh()
        _people(repo, 5, family="Korhonen")
        cancel = threading.Event()

        assert repo.prepare_index(progress=lambda d, t: cancel.set(), cancel=cancel) == 0

        assert repo.count("person") == 40 and repo.index_needs_work
        assert repo.prepare_index() == 5 and repo.count("person") == 45
    finally:
        repo.close()


def test_an_index_replaced_by_another_process_is_followed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    app, cli = Repository.open(data), Repository.open(data)  # two processes' objects
    try:
        _people(app, 30)
        app.refresh()
        cli.index.rebuild(cli.replica)  # a new file in place of the one `app` reads
        assert app.count("person") == 30  # still answered (from the file it has open)
        _people(cli, 3, family="Korhonen")
        cli.refresh()

        assert app.refresh() == 0  # `cli` indexed those already, in the file now at the path
        assert app.count("person", "korhonen") == 3
    finally:
        app.close()
        cli.close()


def test_an_abandoned_build_file_is_removed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Repository.open(data) as repo:
        _people(repo, 3)
    dead = data / f"{INDEX_FILE}.build-999999999-abcd"  # no such process
    dead.write_bytes(b"half a build of someone's data")
    with Repository.open(data) as repo:
        repo.index.rebuild(repo.replica)
    assert not dead.exists()


def test_row_fields_are_read_from_the_replica_for_the_page(repo: Repository) -> None:
    ids = _people(repo, 5)
    repo.refresh()
    rows = repo.page("person")
    repo.replica.delete("person", ids[4])  # gone before its fields were first asked for

    assert [row.fields for row in rows[:4]] == [repo.get("person", rid) for rid in ids[:4]]
    assert rows[4].fields == {}
    assert repo.page("person")[0].fields["given_name"] == "Aino0"


def test_writes_are_validated_while_the_index_is_being_built(
    data_without_index: Path,
) -> None:
    with Repository.open(data_without_index) as repo:
        repo.create("person", {"given_name": "A", "family_name": "B", "email": "a.b@x.example"})
    for path in data_without_index.glob(INDEX_FILE + "*"):
        path.unlink()
    repo = Repository.open(data_without_index, prepare=False)
    try:
        assert not repo.index_ready
        with pytest.raises(ValidationFailed) as refused:
            repo.create("person", {"given_name": "C", "family_name": "D", "email": "A.B@x.example"})
        assert list(refused.value.errors) == ["email"]
        pid = repo.create("person", {"given_name": "C", "family_name": "D"})
        consent = repo.add_consent(pid, "newsletter", "granted")
        assert repo.add_consent(pid, "newsletter", "withdrawn") != consent
        assert repo.consent_state(pid) == {"newsletter": "withdrawn"}
        assert not repo.index_ready  # nothing of that built it on this thread
        repo.prepare_index()
        assert repo.count("person", "c d") == 1
    finally:
        repo.close()


def _indexed(repo: Repository) -> list[tuple[Any, ...]]:
    return indexed(repo.index_path)


def test_a_build_writes_the_same_rows_as_applying_every_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = Repository.open(tmp_path / "data")
    try:
        monkeypatch.setattr(index_module, "REBUILD_MIN", 10**9)  # apply, however many
        repo.load_demo()  # every kind, references between them
        odd = [
            ("person", "odd00000001", {"given_name": 7, "family_name": ["x"], "roles": "rooli"}),
            ("person", "odd00000002", {"family_name": "Öhman", "organization": "no such"}),
            ("story", "odd00000003", {"title": "Kokeilu", "stage": 3, "themes": [1, "ai"]}),
            ("webinar", "odd00000004", {"title": "W", "starts_at": "eilen"}),
            ("consent", "odd00000005", {"person": "odd00000002", "purpose": "x", "at": 5}),
        ]
        repo.replica.put_many(odd)
        repo.refresh()
        applied = _indexed(repo)
        assert len(applied) == sum(repo.counts().values())

        repo.index.rebuild(repo.replica)

        assert _indexed(repo) == applied
    finally:
        repo.close()


def test_a_write_after_a_big_change_leaves_that_change_to_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(index_module, "APPLY_NOW_MAX", 5)
    repo = Repository.open(tmp_path / "data")
    try:
        old = _people(repo, 20)
        repo.refresh()
        # A sync lands 10 changes (more than APPLY_NOW_MAX), then the user saves one record.
        repo.replica.put_many([("person", rid, {"family_name": "Järvinen"}) for rid in old[:10]])
        repo.create("person", {"given_name": "Uusi", "family_name": "Ihminen"})
        assert repo.index_behind  # what asks the app for a worker job
        assert repo.count("person", "jarvinen") == 0  # nothing applied on this thread
        assert repo.count("person", "ihminen") == 0
        assert repo.prepare_index() == 11  # the worker's job takes all of it in
        assert not repo.index_behind
        assert repo.count("person", "jarvinen") == 10
        assert repo.count("person", "ihminen") == 1
        # A few pending changes (up to APPLY_NOW_MAX) are applied with the write, as before.
        repo.replica.put_many([("person", rid, {"family_name": "Korhonen"}) for rid in old[:3]])
        repo.create("person", {"given_name": "Toinen", "family_name": "Ihminen"})
        assert not repo.index_behind
        assert repo.count("person", "korhonen") == 3
        assert repo.count("person", "ihminen") == 2
    finally:
        repo.close()


class PausedAfterTheIndex(Repository):
    """A real Repository whose worker-thread prepare_index pauses after the index job, just
    before it reads the replica again (whether a scrub is due) — where quitting met it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.worker_paused = threading.Event()
        self.go_on = threading.Event()
        self.worker: int | None = None
        super().__init__(*args, **kwargs)

    @property
    def scrub_due(self) -> bool:
        if threading.get_ident() == self.worker and not self.worker_paused.is_set():
            self.worker_paused.set()
            assert self.go_on.wait(GUARD)
        return super().scrub_due


def test_closing_waits_for_a_worker_still_reading_the_replica(tmp_path: Path) -> None:
    repo = PausedAfterTheIndex.open(tmp_path, replica_name="test", prepare=False)
    _people(repo, 30)
    failures: list[BaseException] = []

    def work() -> None:
        repo.worker = threading.get_ident()
        try:
            repo.prepare_index()
        except BaseException as error:  # handed to the test's thread
            failures.append(error)

    worker = threading.Thread(target=work)
    worker.start()
    assert repo.worker_paused.wait(GUARD)
    closing = threading.Thread(target=repo.close)
    closing.start()
    closing.join(0.2)
    still_closing = closing.is_alive()  # it must wait, however long the worker takes
    repo.go_on.set()
    worker.join(GUARD)
    closing.join(GUARD)
    assert still_closing, "close() closed the replica under a worker still using it"
    assert not worker.is_alive() and not closing.is_alive()
    assert failures == []  # the worker's last read found its connection open
    with Repository.open(tmp_path, replica_name="test") as again:
        assert again.count("person") == 30
