"""The derived search and sort index: a separate SQLite file, built from the replica at will.

It holds one row per live record (kind, id, language-neutral title and subtitle, Finnish sort
key, a few filter columns; see :mod:`index_build`) and an FTS5 table over their text, and
remembers the replica id, its own schema version and the replica change sequence number it has
seen. Anything that does not match — or a missing or corrupt file — means a build; the file is
always safe to delete. Nothing in it depends on the UI language: titles and subtitles are
rendered when they are read (:func:`listing.render`).

**Threads.** Readers (the UI thread) use one connection behind a lock that is only ever held
for one query, or for the few milliseconds of swapping a new file in: a read never waits for
index work. That work — a build, applying changes, a scrub — runs as one *job* at a time on a
second connection: a build writes a new file beside the live one (readers keep the old one
until the swap), and changes are applied in one transaction (readers see the previous state
until it commits; WAL mode lets them). A job asked for while another runs either waits for it
(workers, the CLI) or, for a refresh after a single write (:meth:`SearchIndex.refresh` with
``wait=False``), is folded into the running job, which then goes round once more.

It also remembers the replica's erasure count (:attr:`sync.Replica.erasures`) it is clean of:
when records are erased, here or by a sync, :meth:`SearchIndex.scrub` takes their words out
of the full-text segments and rewrites the file, so nothing of them stays on disk. A file
replaced by a build is deleted with its write-ahead log and shared-memory file.

The class is put together from parts: :class:`~digikunta_tui.domain.index_file.IndexFile` (the
file, its connections and jobs, scrubs), :class:`~digikunta_tui.domain.index_reads.IndexReads`
(every read) and, here, keeping it up to date (builds and applied changes); what reads answer
with is in :mod:`~digikunta_tui.domain.index_answers`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

from digikunta_tui.domain.index_answers import Hit, Row, kind_match
from digikunta_tui.domain.index_build import (
    INSERT_ITEM,
    INSERT_TEXT,
    SCHEMA_VERSION,
    Progress,
    build_file,
    remove_abandoned_builds,
    report_progress,
)
from digikunta_tui.domain.index_file import IndexFile, _second_name
from digikunta_tui.domain.index_reads import IndexReads
from digikunta_tui.domain.index_rows import (
    KIND_ORDER,
    PARENT_COLUMNS,
    filter_values,
    index_rows,
)
from digikunta_tui.domain.kinds import KINDS
from digikunta_tui.domain.listing import listing
from digikunta_tui.domain.replica_reads import changed_since, fields_by_id
from digikunta_tui.errors import Cancelled, IndexNotReady
from sync import Replica

__all__ = [
    "KIND_ORDER",
    "SCHEMA_VERSION",
    "Hit",
    "IndexNotReady",
    "Progress",
    "Row",
    "SearchIndex",
    "filter_values",
    "kind_match",
]

REBUILD_FRACTION = 0.15
"""Build a new file instead of applying changes when more than this share of records changed.

Chosen from ``bench/domain_bench.py`` ("apply_changes_one_by_one", in the same run as the
builds): at 50 000 people (177 438 records) applying changes cost 0.35 ms a record and a new
file 0.043 ms a record (7.6 s), so a build wins once more than 0.12 of the records changed (0.10
to 0.16 at 10 000 people). The issue's first pull of 177 438 records applied one by one took
89 s against a 61 s build of the old kind."""

REBUILD_MIN = 2000
"""Fewer changed records than this are always applied (a build has fixed costs)."""

APPLY_BATCH = 500
"""Changes applied between progress reports and cancel checks."""

APPLY_NOW_MAX = 200
"""Most changes a refresh with ``build=False`` (after one write, on the caller's thread: in the
app the UI thread) applies. More — a big sync or another process's import landed just before
the write — are left to the next worker job: at 0.35 ms a record (50 000 people) the UI would
stop for seconds. ``needs_work`` stays True meanwhile, which is what asks for that job."""


class SearchIndex(IndexFile, IndexReads):
    """The index file. Thread-safe: see the module for who waits for whom (readers never)."""

    def __init__(self, path: Path, identity: dict[str, str], erasures: int) -> None:
        self.path = path
        self._identity = identity
        self._fresh_erasures = erasures
        self._read_lock = threading.RLock()
        self._jobs = threading.Condition()
        self._owner: int | None = None
        self._depth = 0
        self._again = False
        self._conn: sqlite3.Connection | None = None
        self._wconn: sqlite3.Connection | None = None
        self._ready = False
        self._file: int | None = None

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: Path, *, replica_id: str, erasures: int = 0) -> SearchIndex:
        """Open the index at ``path``; a missing, corrupt or foreign file is started afresh.

        Quick whatever the size: nothing is built here. A fresh index has never been built
        (``seq == -1``, :attr:`ready` False): the next :meth:`refresh` builds it. It holds
        nothing erased so far, so it records ``erasures`` (the replica's count) as scrubbed.
        """
        index = cls(Path(path), {"schema": str(SCHEMA_VERSION), "replica_id": replica_id}, erasures)
        index._open_file()
        return index

    # ------------------------------------------------------------------ updating
    def refresh(
        self,
        replica: Replica,
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
        wait: bool = True,
        build: bool = True,
    ) -> int:
        """Bring the index up to date with ``replica``; returns how many records changed.

        Cheap when nothing changed (one indexed query on the replica). A missing index, a
        replica whose change feed is behind the index (restored from a backup), or more than
        ``REBUILD_FRACTION`` of the records changed make a new file (:meth:`rebuild`); fewer
        changes are applied in one transaction. While a job runs, ``wait=False`` returns 0 at
        once and leaves the work to that job; ``build=False`` never builds a file and applies
        at most ``APPLY_NOW_MAX`` changes (a refresh after one write on the UI thread: more is a
        worker's).
        """
        changed = 0
        with self._job(wait=wait) as mine:
            if not mine:
                return 0
            while True:
                changed += self._refresh_once(replica, progress, cancel, build)
                if (cancel is not None and cancel.is_set()) or not self._asked_again():
                    return changed

    def _refresh_once(
        self,
        replica: Replica,
        progress: Progress | None,
        cancel: threading.Event | None,
        build: bool,
    ) -> int:
        self._follow_file()
        seen = self.seq
        newest = Replica.newest_seq(replica.conn)
        if seen < 0 or newest < seen:
            return self._rebuild(replica, progress, cancel) if build else 0
        if newest == seen:
            return 0
        changed = changed_since(replica, seen)
        if not build and changed > APPLY_NOW_MAX:
            return 0  # a worker's job (see APPLY_NOW_MAX)
        if build and changed >= REBUILD_MIN and changed > REBUILD_FRACTION * self._row_count():
            return self._rebuild(replica, progress, cancel)
        newest, changes = replica.changes_since(seen)
        return self._apply(replica, changes, newest, progress, cancel)

    def _row_count(self) -> int:
        assert self._wconn is not None
        return int(self._wconn.execute("SELECT COUNT(*) FROM items").fetchone()[0])

    def rebuild(
        self,
        replica: Replica,
        *,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> int:
        """Index every live record into a new file and swap it in; returns the record count.

        Readers keep answering from the current file meanwhile. A set ``cancel`` stops it
        (0; the current file stays as it was).
        """
        with self._job(wait=True):
            return self._rebuild(replica, progress, cancel)

    def _rebuild(
        self, replica: Replica, progress: Progress | None, cancel: threading.Event | None
    ) -> int:
        remove_abandoned_builds(self.path)
        try:
            built = build_file(self.path, replica, self._identity, progress=progress, cancel=cancel)
        except Cancelled:
            return 0
        retired = _second_name(self.path)
        with self._read_lock:
            self._close_connections()
            # The old file's log and shared memory go too: they may hold erased records'
            # pages, and a stale log must never be applied to the new file.
            for suffix in ("-wal", "-shm", "-journal"):
                with suppress(FileNotFoundError):
                    self.path.with_name(self.path.name + suffix).unlink()
            os.replace(built.path, self.path)
            self._open_file()
        if retired is not None:
            # The old file's last name: freeing its blocks takes a while on a large index
            # (0.1 s at 10 000 people), here rather than while readers wait for the swap.
            with suppress(FileNotFoundError):
                retired.unlink()
        return built.records

    def _apply(
        self,
        replica: Replica,
        changes: list[tuple[str, str, dict[str, Any] | None]],
        newest: int,
        progress: Progress | None,
        cancel: threading.Event | None,
    ) -> int:
        conn = self._wconn
        assert conn is not None
        batch = {rid: (kind, fields) for kind, rid, fields in changes if kind in KINDS}

        def name_of(rid: str) -> str | None:
            if rid in batch:
                kind, fields = batch[rid]
                return None if fields is None else listing(kind, fields, lambda _: None).title
            row = conn.execute("SELECT title FROM items WHERE id = ?", (rid,)).fetchone()
            return row[0] if row else None

        conn.execute("BEGIN IMMEDIATE")
        try:
            next_rowid = conn.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM items").fetchone()[0]
            parents: list[str] = []
            for done, (rid, (kind, fields)) in enumerate(batch.items(), 1):
                old = conn.execute("SELECT rowid, title FROM items WHERE id = ?", (rid,)).fetchone()
                if old is not None:
                    conn.execute("DELETE FROM items WHERE rowid = ?", (old[0],))
                    conn.execute("DELETE FROM fts WHERE rowid = ?", (old[0],))
                if fields is not None:
                    rowid = old[0] if old else next_rowid
                    next_rowid += old is None
                    item, text = index_rows(rowid, kind, rid, fields, newest, name_of)
                    conn.execute(INSERT_ITEM, item)
                    if text is not None:
                        conn.execute(INSERT_TEXT, text)
                    if old is None or old[1] != item[3]:
                        parents.append(rid)
                elif old is not None:
                    parents.append(rid)
                if done % APPLY_BATCH == 0:
                    report_progress(progress, cancel, done, len(batch))
            self._redescribe_children(replica, parents, set(batch), name_of)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (str(newest),))
            conn.execute("COMMIT")
        except Cancelled:
            conn.execute("ROLLBACK")
            return 0
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        if progress is not None and batch:
            progress(len(batch), len(batch))
        return len(batch)

    def _redescribe_children(
        self,
        replica: Replica,
        parents: list[str],
        skip: set[str],
        name_of: Callable[[str], str | None],
    ) -> None:
        """Records showing a parent's title (a person's organisation …) get the new one."""
        if not parents:
            return
        conn = self._wconn
        assert conn is not None
        ids = json.dumps(parents)
        union = " UNION ".join(
            f"SELECT rowid, kind, id, seq FROM items"
            f" WHERE {col} IN (SELECT value FROM json_each(?))"
            for col in PARENT_COLUMNS
        )
        rows = [r for r in conn.execute(union, (ids,) * len(PARENT_COLUMNS)) if r[2] not in skip]
        stored = fields_by_id(replica, ((kind, rid) for _, kind, rid, _ in rows))
        for rowid, kind, rid, seq in rows:
            fields = stored.get(rid)
            if fields is None:  # gone meanwhile: the next refresh removes the row
                continue
            conn.execute("DELETE FROM items WHERE rowid = ?", (rowid,))
            item, text = index_rows(rowid, kind, rid, fields, seq, name_of)
            conn.execute(INSERT_ITEM, item)
            if text is not None:
                conn.execute("DELETE FROM fts WHERE rowid = ?", (rowid,))
                conn.execute(INSERT_TEXT, text)
