"""The domain repository: the one object the UI and the CLI use for data (docs/repository-api.md).

It writes through the sync :class:`~sync.Replica` (every write validated first: field rules from
:mod:`validation`, plus rules across records — unique e-mails, live references, no double
registration) and reads lists from the derived :class:`~digikunta_tui.domain.index.SearchIndex`,
which it refreshes after each of its own writes and whenever :meth:`Repository.refresh` is
called (after a sync).

Opening a repository and reading lists needs neither the typed models nor pydantic: the
validation rules (:mod:`validation`) and the impact rules (:mod:`impact`) are imported by the
methods that write or compute, which run after the first paint or in workers.

The class is put together from parts, one module each: ``repository_index`` (keeping the
index current), ``repository_validation``, ``repository_writes``, ``repository_lists`` (reads
of lists), ``repository_loading``, ``repository_sync``, ``repository_outputs`` and
``repository_consents``.
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from digikunta_tui.domain import gdpr
from digikunta_tui.domain.index import Hit, IndexNotReady, Progress, Row, SearchIndex
from digikunta_tui.domain.kinds import KINDS
from digikunta_tui.domain.repository_consents import Consents
from digikunta_tui.domain.repository_index import IndexUpkeep
from digikunta_tui.domain.repository_lists import ListReads
from digikunta_tui.domain.repository_loading import Loading
from digikunta_tui.domain.repository_outputs import Outputs
from digikunta_tui.domain.repository_sync import SyncSide
from digikunta_tui.domain.repository_validation import Validation
from digikunta_tui.domain.repository_writes import Writes
from digikunta_tui.domain.stored import ids_in, text_of
from digikunta_tui.domain.undo import UndoLog, undo_last
from digikunta_tui.domain.work_count import WorkCount
from digikunta_tui.errors import ConflictNotOpen, NotFound, ValidationFailed
from digikunta_tui.files import INDEX_FILE, REPLICA_FILE
from sync import Replica

if TYPE_CHECKING:
    from digikunta_tui.domain.impact import Impact

__all__ = [
    "ConflictNotOpen",
    "Hit",
    "Impact",
    "IndexNotReady",
    "NotFound",
    "Progress",
    "Repository",
    "Row",
    "ValidationFailed",
]


def __getattr__(name: str) -> Any:
    # ``Impact`` stays importable from here without loading the models with the repository.
    if name == "Impact":
        from digikunta_tui.domain.impact import Impact

        return Impact
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def utc_now() -> str:
    """The current time as stored (``2017-11-07T10:00:00Z``)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Repository(IndexUpkeep, Validation, Writes, ListReads, Loading, SyncSide, Outputs, Consents):
    """Validated reads and writes of domain records over a replica and its search index."""

    def __init__(
        self,
        replica: Replica,
        index_path: Path,
        *,
        prepare: bool = True,
        progress: Progress | None = None,
    ) -> None:
        """Use ``replica``; keep the derived index at ``index_path`` (see :meth:`open`)."""
        self.replica = replica
        self.index_path = Path(index_path)
        self._at_work = WorkCount()
        """Worker-thread calls under way (:meth:`close` waits for them)."""
        self.undo = UndoLog(lambda: replica.meta("base_generation", "0") or "0")
        """This session's unsynced edits, newest last (see :mod:`digikunta_tui.domain.undo`)."""
        self._index = SearchIndex.open(
            self.index_path, replica_id=replica.replica_id, erasures=replica.erasures
        )
        if prepare:
            self.prepare_index(progress=progress)

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        replica_name: str = "",
        prepare: bool = True,
        progress: Progress | None = None,
    ) -> Repository:
        """Open (or create) ``data_dir/replica.sqlite`` and its ``index.sqlite``.

        ``prepare=True`` (the CLI): the index is ready — built or brought up to date,
        reporting ``progress`` — when this returns. ``prepare=False`` (the app): returns at
        once, having only opened the files; call :meth:`prepare_index` in a worker.
        """
        data_dir = Path(data_dir)
        replica = Replica.open(data_dir / REPLICA_FILE, name=replica_name or None)
        return cls(replica, data_dir / INDEX_FILE, prepare=prepare, progress=progress)

    def close(self) -> None:
        """Close the index and the replica (finishing a due scrub first).

        Waits for a :meth:`prepare_index` running on a worker thread (its ``cancel`` set, it
        stops at its next batch): the replica's connections are closed only when no thread is
        using them, since closing one under a running statement can crash the process.
        """
        self._at_work.wait_idle()
        with suppress(sqlite3.Error):
            if self.scrub_due:
                self.scrub_erasures()
        self._index.close()
        self.replica.close()

    def __enter__(self) -> Repository:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _now(self) -> str:
        return utc_now()  # looked up when called: a test may shift the clock

    def ids_starting(self, kind: str, prefix: str) -> list[str]:
        """Ids of live ``kind`` records that start with ``prefix`` (for ids typed in short)."""
        return [rid for _, rid, _ in self.replica.records(kind) if rid.startswith(prefix)]

    def undo_last(self) -> str | None:
        """Take back the newest unsynced edit of this session (see :func:`undo.undo_last`)."""
        return undo_last(self)

    def get(self, kind: str, record_id: Any) -> dict[str, Any] | None:
        """The fields of a live record, or None (also for an id that is no text: odd data)."""
        return self.replica.get(kind, record_id) if isinstance(record_id, str) else None

    def require(self, kind: str, record_id: str) -> dict[str, Any]:
        """The fields of a live record.

        Raises:
            NotFound: there is none (the message names the kind and the id).
        """
        fields = self.get(kind, record_id)
        if fields is None:
            raise NotFound(kind, str(record_id))
        return fields

    def person_name(self, person_id: Any) -> str | None:
        """The display name of a live person ("Given Family"), or None when there is none."""
        from digikunta_tui.domain.display import person_name

        person = self.get("person", person_id)
        return person_name(person) if person is not None else None

    def next_webinar(self, now: datetime | None = None) -> tuple[str, dict[str, Any]] | None:
        """The first planned webinar starting at or after ``now``, or None."""
        moment = utc_now() if now is None else _utc_text(now)
        rows = self._index.rows(
            "webinar",
            where=[("status = ?", "planned"), ("starts_at >= ?", moment)],
            order="starts_at, id",
            limit=1,
            fields_of=self._fields_of,
        )
        return (rows[0].id, rows[0].fields) if rows else None

    def counts(self) -> dict[str, int]:
        """Live records per kind."""
        return {kind: self.replica.count(kind) for kind in KINDS}

    def impact(self) -> Impact:
        """Savings and hours saved per organisation and in total (rules in :mod:`impact`)."""
        from digikunta_tui.domain.impact import compute_impact

        stories = {
            rid: next(iter(ids_in(f.get("organization"))), "")
            for _, rid, f in self.replica.records("story")
        }
        names = {rid: text_of(f.get("name")) for _, rid, f in self.replica.records("organization")}
        indicators = ((rid, f) for _, rid, f in self.replica.records("indicator"))
        return compute_impact(indicators, stories, names)

    def gdpr_export(self, person_id: str) -> dict[str, Any]:
        """Everything held about one person, JSON-ready (see :mod:`gdpr`)."""
        return gdpr.export_person(self, person_id)

    def gdpr_erase(self, person_id: str) -> dict[str, int]:
        """Erase a person for good (see :mod:`gdpr`); returns what was removed (counts)."""
        removed = gdpr.erase_person(self, person_id)
        self.undo.clear()  # an erasure is final: nothing before it may bring data back
        return removed
