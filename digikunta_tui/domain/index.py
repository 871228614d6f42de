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
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digikunta_tui.domain.index_build import (
    INDEXES,
    INSERT_ITEM,
    INSERT_TEXT,
    SCHEMA_VERSION,
    TABLES,
    Cancelled,
    Progress,
    build_file,
    remove_abandoned_builds,
    remove_files,
    report_progress,
    work_path,
)
from digikunta_tui.domain.index_rows import (
    FILTERS,
    KIND_ORDER,
    PARENT_COLUMNS,
    filter_values,
    index_rows,
)
from digikunta_tui.domain.kinds import KINDS
from digikunta_tui.domain.listing import listing, render
from digikunta_tui.domain.replica_reads import changed_since, fields_by_id
from digikunta_tui.i18n import get_language
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

_BUSY_TIMEOUT_MS = 5000  # sqlite3.connect's default, restored after a scrub
_READ_CACHE_KIB = 16 * 1024
_COLUMNS = "id, kind, title, subtitle, sort_key"
_MANY = 500
"""Values asked in one query by :meth:`SearchIndex.ids_many`."""

FieldsOf = Callable[[Iterable[tuple[str, str]]], dict[str, dict[str, Any]]]
"""(kind, id) pairs → id → fields of those that are live (reads the replica)."""


class IndexNotReady(Exception):
    """The search index has not been built yet (first build running); lists are unavailable."""


class _Page:
    """The fields of the rows of one answer, read from the replica together on first use."""

    __slots__ = ("_fields_of", "_found", "wanted")

    def __init__(self, fields_of: FieldsOf) -> None:
        self._fields_of = fields_of
        self._found: dict[str, dict[str, Any]] | None = None
        self.wanted: list[tuple[str, str]] = []

    def fields(self, record_id: str) -> dict[str, Any]:
        if self._found is None:
            self._found = self._fields_of(self.wanted)
        return self._found.get(record_id, {})


class Row:
    """One record as a list shows it (title and subtitle in the UI language of the read).

    ``fields`` are the record's stored fields, read from the replica for all rows of a page
    when one of them first asks ({} when the record is gone meanwhile).
    """

    __slots__ = ("_fields", "_page", "id", "kind", "sort_key", "subtitle", "title")

    def __init__(
        self,
        kind: str,
        id: str,
        title: str,
        subtitle: str,
        sort_key: str,
        fields: dict[str, Any] | None = None,
        *,
        page: _Page | None = None,
    ) -> None:
        self.kind, self.id, self.title, self.subtitle = kind, id, title, subtitle
        self.sort_key = sort_key
        self._fields = fields
        self._page = page
        if page is not None and fields is None:
            page.wanted.append((kind, id))

    @property
    def fields(self) -> dict[str, Any]:
        """The record's stored fields."""
        if self._fields is None:
            self._fields = self._page.fields(self.id) if self._page is not None else {}
        return self._fields

    def _key(self) -> tuple[str, str, str, str, str]:
        return (self.kind, self.id, self.title, self.subtitle, self.sort_key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Row(kind={self.kind!r}, id={self.id!r}, title={self.title!r})"


@dataclass(frozen=True, slots=True)
class Hit:
    """One full-text search result (for the command palette); lower ``rank`` is better."""

    kind: str
    id: str
    title: str
    subtitle: str
    rank: float


def kind_match(kinds: Iterable[str]) -> str:
    """An FTS5 filter on the ``kind`` column; kinds must be plain names (never user text)."""
    names = list(kinds)
    for name in names:
        if not name.replace("_", "").isalpha() or not name.isascii():
            raise ValueError(f"not a record kind: {name!r}")
    return "kind : (" + " OR ".join(f'"{name}"' for name in names) + ")"


def _checkpoint(conn: sqlite3.Connection) -> bool:
    """Copy the WAL into the file and truncate it to 0 bytes; False if a reader blocked it."""
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


def _second_name(path: Path) -> Path | None:
    """A hard link to the file at ``path`` under a build file's name (an abandoned one is
    removed as such), or None when there is no file or the file system has no hard links."""
    second = work_path(path)
    try:
        os.link(path, second)
    except OSError:
        return None
    return second


def _inode(path: Path) -> int | None:
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


class SearchIndex:
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

    def _open_file(self) -> None:
        connections = self._existing()
        if connections is None:
            remove_files(self.path)
            connections = self._fresh()
        self._conn, self._wconn = connections
        self._file = _inode(self.path)
        row = self._conn.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
        self._ready = bool(row) and int(row[0]) >= 0

    def _existing(self) -> tuple[sqlite3.Connection, sqlite3.Connection] | None:
        """Connections to the file at ``path`` if it is this replica's index of this schema."""
        if not self.path.exists():
            return None
        try:
            reader = self._connect()
        except sqlite3.DatabaseError:
            return None
        try:
            meta = dict(reader.execute("SELECT key, value FROM meta").fetchall())
            if {key: meta.get(key, "") for key in self._identity} != self._identity:
                reader.close()
                return None
            reader.execute("SELECT COUNT(*) FROM fts WHERE rowid = 0").fetchone()
            return reader, self._connect()
        except sqlite3.DatabaseError:
            reader.close()
            return None

    def _fresh(self) -> tuple[sqlite3.Connection, sqlite3.Connection]:
        reader = self._connect()
        try:
            reader.execute("PRAGMA journal_mode = WAL")
            reader.executescript(TABLES + INDEXES)
            with reader:
                reader.executemany(
                    "INSERT INTO meta VALUES (?, ?)",
                    [
                        *self._identity.items(),
                        ("seq", "-1"),
                        ("erasures", str(self._fresh_erasures)),
                    ],
                )
            return reader, self._connect()
        except BaseException:
            reader.close()
            raise

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA secure_delete = ON")  # deleted rows are zeroed (GDPR)
            conn.execute(f"PRAGMA cache_size = -{_READ_CACHE_KIB}")
        except BaseException:
            conn.close()
            raise
        return conn

    def _close_connections(self) -> None:
        for conn in (self._conn, self._wconn):
            if conn is not None:
                conn.close()
        self._conn = self._wconn = None

    def close(self) -> None:
        """Close the file (after a running job ends; SQLite refreshes its planner statistics)."""
        with self._job(wait=True), self._read_lock:
            if self._wconn is not None:
                with suppress(sqlite3.Error):
                    self._wconn.execute("PRAGMA optimize")
            self._close_connections()
            self._ready = False

    @property
    def ready(self) -> bool:
        """True when lists can be read (the index was built, even if it is behind)."""
        return self._ready

    @property
    def seq(self) -> int:
        """The replica change sequence number this index reflects (-1: never built)."""
        value = self._meta("seq")
        return int(value) if value is not None else -1

    @property
    def erasures(self) -> int:
        """The replica's erasure count this file is scrubbed of (see :meth:`scrub`)."""
        value = self._meta("erasures")
        return int(value) if value is not None else 0

    def _meta(self, key: str) -> str | None:
        with self._read_lock:
            if self._conn is None:
                return None
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return row[0] if row else None

    def needs_work(self, replica: Replica) -> bool:
        """True when :meth:`refresh` would build or apply something (cheap)."""
        if not self._ready or _inode(self.path) != self._file:
            return True
        return self.seq != Replica.newest_seq(replica.conn)

    # ------------------------------------------------------------------ jobs
    @contextmanager
    def _job(self, *, wait: bool) -> Iterator[bool]:
        """Run the body as the one index job; yields False (body skipped) if busy and not
        ``wait`` (the running job then goes round once more). Re-entrant per thread."""
        me = threading.get_ident()
        with self._jobs:
            if self._owner not in (None, me):
                if not wait:
                    self._again = True
                    yield False
                    return
                while self._owner is not None:
                    self._jobs.wait()
            self._owner = me
            self._depth += 1
        try:
            yield True
        finally:
            with self._jobs:
                self._depth -= 1
                if self._depth == 0:
                    self._owner = None
                    self._jobs.notify_all()

    def _asked_again(self) -> bool:
        with self._jobs:
            again, self._again = self._again, False
            return again

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
        return self._wconn.execute("SELECT COUNT(*) FROM items").fetchone()[0]

    def _follow_file(self) -> None:
        """Reopen when the file was replaced (another process built one) or deleted."""
        if _inode(self.path) != self._file:
            with self._read_lock:
                self._close_connections()
                self._open_file()

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

    # ------------------------------------------------------------------ erasure
    def scrub(self, erasures: int, *, wait: float = 2.0) -> bool:
        """Leave no trace of deleted rows in the file; then remember ``erasures`` as done.

        Call after :meth:`refresh` has removed the erased records' rows. FTS5 keeps a deleted
        row's words in its segments until they are merged (SQLite 3.40 has no FTS5
        ``secure-delete``): ``optimize`` merges every segment into one without them. Deleted
        content is zeroed (``secure_delete``) but not everywhere; ``VACUUM`` rewrites the file
        from the live rows; a ``TRUNCATE`` checkpoint empties the write-ahead log, whose old
        frames hold the pages as they were. Slow on a large index (seconds): a worker's job.
        Readers keep reading meanwhile.

        Returns:
            False when another process kept the file busy for ``wait`` seconds (a reader the
            log cannot pass, or a writer): it stays due, and a retry after a finished
            ``VACUUM`` only checkpoints.
        """
        done = str(erasures)
        with self._job(wait=True):
            self._follow_file()
            conn = self._wconn
            assert conn is not None
            conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
            try:
                if self._meta("vacuumed") != done:
                    conn.execute("INSERT INTO fts (fts) VALUES ('optimize')")
                    conn.execute("VACUUM")
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('vacuumed', ?)", (done,))
                if not _checkpoint(conn):
                    return False
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('erasures', ?)", (done,))
                _checkpoint(conn)  # the log held only the meta page: empty it again
            except sqlite3.OperationalError:  # another process is writing the index
                return False
            finally:
                conn.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            return True

    # ------------------------------------------------------------------ reading
    def _read(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._read_lock:
            if not self._ready or self._conn is None:
                raise IndexNotReady("the search index is being built")
            return self._conn.execute(sql, tuple(params)).fetchall()

    def title_of(self, record_id: str) -> str | None:
        """The display title of a live record (None, also while the index is not ready)."""
        with suppress(IndexNotReady):
            found = self._read("SELECT title FROM items WHERE id = ?", (record_id,))
            return render(found[0][0], get_language()) if found else None
        return None

    def kind_of(self, record_id: str) -> str | None:
        """The kind of a live record (None, also while the index is not ready)."""
        with suppress(IndexNotReady):
            found = self._read("SELECT kind FROM items WHERE id = ?", (record_id,))
            return found[0][0] if found else None
        return None

    def _rows(self, found: list[tuple[Any, ...]], fields_of: FieldsOf | None) -> list[Row]:
        lang = get_language()
        page = _Page(fields_of) if fields_of is not None else None
        return [
            Row(kind, rid, render(title, lang), render(sub, lang), key, page=page)
            for rid, kind, title, sub, key in found
        ]

    def rows(
        self,
        kind: str,
        *,
        match: str | None = None,
        where: Iterable[tuple[str, Any]] = (),
        order: str = "sort_key, id",
        offset: int = 0,
        limit: int | None = 100,
        fields_of: FieldsOf | None = None,
    ) -> list[Row]:
        """Rows of ``kind`` matching the FTS expression and SQL conditions, sorted and paged.

        ``where`` holds (SQL condition with one ``?``, parameter) pairs made by the caller from
        a fixed set of columns, never from user text. ``fields_of`` reads the rows' fields
        when one is first asked for (without it, ``Row.fields`` is ``{}``).

        Raises:
            IndexNotReady: the index is being built.
        """
        sql, params = self._select(kind, match, where)
        sql = f"SELECT {_COLUMNS} FROM items WHERE {sql} ORDER BY {order} LIMIT ? OFFSET ?"
        params += [-1 if limit is None else limit, max(offset, 0)]
        return self._rows(self._read(sql, params), fields_of)

    def count(
        self, kind: str, *, match: str | None = None, where: Iterable[tuple[str, Any]] = ()
    ) -> int:
        """How many rows ``rows`` would give without paging.

        Raises:
            IndexNotReady: the index is being built.
        """
        where = list(where)
        if match is not None and not where:  # the text rows of a kind are its rows
            sql = "SELECT COUNT(*) FROM fts WHERE fts MATCH ?"
            return self._read(sql, (f"{kind_match([kind])} AND ({match})",))[0][0]
        sql, params = self._select(kind, match, where)
        return self._read(f"SELECT COUNT(*) FROM items WHERE {sql}", params)[0][0]

    @staticmethod
    def _select(
        kind: str, match: str | None, where: Iterable[tuple[str, Any]]
    ) -> tuple[str, list[Any]]:
        conditions, params = ["kind = ?"], [kind]
        for condition, value in where:
            conditions.append(condition)
            params.append(value)
        if match is not None:
            # The kind is matched inside FTS too, so only this kind's rowids come out of it.
            conditions.append("rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(f"{kind_match([kind])} AND ({match})")
        return " AND ".join(conditions), params

    def search(self, match: str, *, kinds: list[str], limit: int) -> list[Hit]:
        """Best matches of ``kinds``, ranked by bm25 (the title weighs ten times the rest).

        Raises:
            IndexNotReady: the index is being built.
        """
        if not kinds:
            return []
        sql = (
            "SELECT items.kind, items.id, items.title, items.subtitle, m.r FROM"
            " (SELECT rowid, bm25(fts, 10.0, 1.0, 0.0) AS r FROM fts WHERE fts MATCH ?"
            "  ORDER BY r LIMIT ?) AS m JOIN items ON items.rowid = m.rowid"
            " ORDER BY m.r, items.sort_key"
        )
        found = self._read(sql, [f"{kind_match(kinds)} AND ({match})", limit])
        lang = get_language()
        return [
            Hit(k, rid, render(title, lang), render(sub, lang), float(rank))
            for k, rid, title, sub, rank in found
        ]

    def recent(self, limit: int, *, fields_of: FieldsOf | None = None) -> list[Row]:
        """The most recently changed records, newest first.

        Raises:
            IndexNotReady: the index is being built.
        """
        sql = f"SELECT {_COLUMNS} FROM items ORDER BY seq DESC, rowid DESC LIMIT ?"
        return self._rows(self._read(sql, (limit,)), fields_of)

    def ids(self, kind: str, column: str, value: str) -> list[str]:
        """Ids of live ``kind`` records whose filter ``column`` equals ``value``.

        Raises:
            IndexNotReady: the index is being built.
        """
        if column not in FILTERS:
            raise ValueError(f"not an index column: {column}")
        sql = f"SELECT id FROM items WHERE {column} = ? AND kind = ? ORDER BY sort_key, id"
        return [rid for (rid,) in self._read(sql, (value, kind))]

    def ids_many(self, kind: str, column: str, values: Iterable[str]) -> dict[str, list[str]]:
        """:meth:`ids` of many values, a few hundred to a query: value → ids (``[]`` if none).

        Raises:
            IndexNotReady: the index is being built.
        """
        if column not in FILTERS:
            raise ValueError(f"not an index column: {column}")
        wanted = list(dict.fromkeys(values))
        found: dict[str, list[str]] = {value: [] for value in wanted}
        for first in range(0, len(wanted), _MANY):
            chunk = wanted[first : first + _MANY]
            sql = (
                f"SELECT {column}, id FROM items WHERE kind = ? AND {column} IN"
                f" ({','.join('?' * len(chunk))}) ORDER BY sort_key, id"
            )
            for value, rid in self._read(sql, (kind, *chunk)):
                found[value].append(rid)
        return found
