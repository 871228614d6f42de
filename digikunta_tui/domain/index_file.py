"""The search index's file: opening it (or starting afresh), its connections, jobs and scrubs.

A part of :class:`~digikunta_tui.domain.index.SearchIndex` (a base class of it); the module
:mod:`~digikunta_tui.domain.index` says who waits for whom. A file another process replaced
is followed (:meth:`IndexFile._follow_file`); a scrub leaves no trace of erased rows in it.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from digikunta_tui.domain.index_build import (
    INDEXES,
    TABLES,
    remove_files,
    work_path,
)
from sync import Replica

_BUSY_TIMEOUT_MS = 5000  # sqlite3.connect's default, restored after a scrub
_READ_CACHE_KIB = 16 * 1024


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


class IndexFile:
    """The index file and its two connections (readers, the one job), and the job lock."""

    path: Path
    _identity: dict[str, str]
    _fresh_erasures: int
    _read_lock: threading.RLock
    _jobs: threading.Condition
    _owner: int | None
    _depth: int
    _again: bool
    _conn: sqlite3.Connection | None
    _wconn: sqlite3.Connection | None
    _ready: bool
    _file: int | None

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

    def _follow_file(self) -> None:
        """Reopen when the file was replaced (another process built one) or deleted."""
        if _inode(self.path) != self._file:
            with self._read_lock:
                self._close_connections()
                self._open_file()

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
