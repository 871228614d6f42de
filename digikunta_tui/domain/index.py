"""The derived search and sort index: a separate SQLite file rebuilt from the replica at will.

It holds one row per live record (kind, id, title, subtitle, Finnish sort key, the record's
fields and a few filter columns) and an FTS5 table over folded text, and remembers the replica
id, its own schema version, the UI language (subtitles are translated) and the replica change
sequence number it has seen. Anything that does not match — or a missing or corrupt file —
means a rebuild; the file is always safe to delete.

It also remembers the replica's erasure count (:attr:`sync.Replica.erasures`) it is clean of:
when records are erased, here or by a sync, :meth:`SearchIndex.scrub` takes their words out
of the full-text segments and rewrites the file, so nothing of them stays on disk.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from digikunta_tui.domain.display import describe
from digikunta_tui.domain.kinds import KINDS
from digikunta_tui.domain.search import search_text
from digikunta_tui.domain.stored import items_of, moment_text, read_id, read_moment, read_text
from sync import Replica

SCHEMA_VERSION = 3
"""Bump when the tables or what goes in them change: old index files are then rebuilt."""

# Parents first, so that a rebuild finds every referenced title already in the index.
KIND_ORDER: tuple[str, ...] = ("organization", "person", "webinar", "story", *KINDS)
_KINDS = tuple(dict.fromkeys(KIND_ORDER))

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    subtitle TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    fields TEXT NOT NULL,
    seq INTEGER NOT NULL,
    organization TEXT, unit TEXT, stage TEXT, status TEXT, starts_at TEXT,
    roles TEXT, themes TEXT, webinar TEXT, person TEXT, story TEXT, email TEXT
);
CREATE INDEX IF NOT EXISTS items_sort ON items (kind, sort_key, id);
CREATE INDEX IF NOT EXISTS items_starts ON items (kind, starts_at);
CREATE INDEX IF NOT EXISTS items_seq ON items (seq);
CREATE INDEX IF NOT EXISTS items_organization ON items (organization, kind, sort_key);
CREATE INDEX IF NOT EXISTS items_person ON items (person) WHERE person IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_webinar ON items (webinar) WHERE webinar IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_story ON items (story) WHERE story IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_email ON items (email) WHERE email IS NOT NULL;
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, kind, tokenize = "unicode61 remove_diacritics 2", prefix = '1 2 3'
);
"""

_COLUMNS = "id, kind, title, subtitle, sort_key, fields, seq"
_BUSY_TIMEOUT_MS = 5000  # sqlite3.connect's default, restored after a scrub
_FILTERS = (
    "organization",
    "unit",
    "stage",
    "status",
    "starts_at",
    "roles",
    "themes",
    "webinar",
    "person",
    "story",
    "email",
)
_PARENT_COLUMNS = ("organization", "person", "webinar", "story")
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


@dataclass(frozen=True, slots=True)
class Row:
    """One record as a list shows it."""

    kind: str
    id: str
    title: str
    subtitle: str
    sort_key: str
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Hit:
    """One full-text search result (for the command palette); lower ``rank`` is better."""

    kind: str
    id: str
    title: str
    subtitle: str
    rank: float


def _listed(values: Any) -> str | None:
    """A list field as ``|a|b|`` so ``instr(column, '|a|')`` tests membership exactly."""
    items = items_of(values)
    return "|" + "|".join(items) + "|" if items else None


def _word(value: Any) -> str | None:
    """A text or choice column (None when the stored value is not text)."""
    text = read_text(value)
    return text if isinstance(text, str) else None


def _ref(value: Any) -> str | None:
    """A reference column (None when the stored value is no record id)."""
    target = read_id(value)
    return target if isinstance(target, str) else None


def _moment(value: Any) -> str | None:
    """An instant column in the stored form (None when unreadable: it sorts last, matches none)."""
    moment = read_moment(value)
    return moment_text(moment) if isinstance(moment, datetime) else None


def filter_values(kind: str, fields: Mapping[str, Any]) -> tuple[str | None, ...]:
    """The filter columns of one record, in ``_FILTERS`` order (values read leniently)."""
    email = _word(fields.get("email")) if kind == "person" else None
    return (
        _ref(fields.get("organization")),
        _word(fields.get("unit")),
        _word(fields.get("stage")),
        _word(fields.get("status")),
        _moment(fields.get("starts_at")),
        _listed(fields.get("roles")),
        _listed(fields.get("themes")),
        _ref(fields.get("webinar")),
        _ref(fields.get("person")),
        _ref(fields.get("story")),
        email.lower() if email else None,
    )


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


def _remove_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


class SearchIndex:
    """The index file. Thread-safe: one connection guarded by a lock."""

    def __init__(self, path: Path, conn: sqlite3.Connection, identity: dict[str, str]) -> None:
        self.path = path
        self._conn = conn
        self._identity = identity
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ opening
    @classmethod
    def open(cls, path: Path, *, replica_id: str, language: str, erasures: int = 0) -> SearchIndex:
        """Open the index at ``path``; a missing, corrupt or foreign file is started afresh.

        A fresh index has never been built (``seq == -1``): the next :meth:`refresh` builds it.
        It holds nothing erased so far, so it records ``erasures`` (the replica's count) as
        scrubbed.
        """
        identity = {"schema": str(SCHEMA_VERSION), "replica_id": replica_id, "language": language}
        try:
            conn = cls._connect(path)
            if cls._identity_of(conn) == identity:
                return cls(path, conn, identity)
            conn.close()
        except sqlite3.DatabaseError:
            pass
        _remove_files(path)
        conn = cls._connect(path)
        with conn:
            conn.execute("DELETE FROM meta")
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [*identity.items(), ("seq", "-1"), ("erasures", str(erasures))],
            )
        return cls(path, conn, identity)

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA secure_delete = ON")  # deleted rows are zeroed (GDPR)
            conn.executescript(_SCHEMA)
            conn.execute("SELECT COUNT(*) FROM fts WHERE rowid = 0").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn

    @staticmethod
    def _identity_of(conn: sqlite3.Connection) -> dict[str, str]:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        return {k: meta.get(k, "") for k in ("schema", "replica_id", "language")}

    def close(self) -> None:
        """Close the connection (after letting SQLite refresh its planner statistics)."""
        with self._lock:
            with suppress(sqlite3.Error):
                self._conn.execute("PRAGMA optimize")
            self._conn.close()

    @property
    def language(self) -> str:
        """The UI language the subtitles were written in."""
        return self._identity["language"]

    @property
    def seq(self) -> int:
        """The replica change sequence number this index reflects."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()
            return int(row[0]) if row else -1

    # ------------------------------------------------------------------ updating
    def refresh(self, replica: Replica) -> int:
        """Bring the index up to date with ``replica``; returns how many records changed.

        Cheap when nothing changed (one indexed query on the replica). A replica whose change
        feed is behind the index (restored from a backup) makes a full rebuild.
        """
        with self._lock:
            seen = self.seq
            newest = Replica.next_seq(replica.conn) - 1
            if seen < 0 or newest < seen:
                return self.rebuild(replica)
            if newest == seen:
                return 0
            newest, changes = replica.changes_since(seen)
            return self._apply(changes, newest)

    def rebuild(self, replica: Replica) -> int:
        """Index every live record again, streaming kind by kind; returns the record count."""
        with self._lock:
            newest = Replica.next_seq(replica.conn) - 1
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("DELETE FROM items")
                conn.execute("DELETE FROM fts")
                titles: dict[str, str] = {}
                rowid = 0
                for kind in _KINDS:
                    items: list[tuple[Any, ...]] = []
                    texts: list[tuple[Any, ...]] = []
                    for _, rid, fields in replica.records(kind):
                        rowid += 1
                        item, text = self._row(rowid, kind, rid, fields, newest, titles.get)
                        if kind in _PARENT_COLUMNS:  # the parent kinds share their names
                            titles[rid] = item[3]
                        items.append(item)
                        texts.append(text)
                        if len(items) >= 5000:
                            self._insert(items, texts)
                            items, texts = [], []
                    self._insert(items, texts)
                conn.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (str(newest),))
                conn.execute("ANALYZE")  # so the planner picks the right index per filter
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            return rowid

    def _insert(self, items: list[tuple[Any, ...]], texts: list[tuple[Any, ...]]) -> None:
        placeholders = ", ".join("?" * (len(_FILTERS) + 8))
        self._conn.executemany(
            f"INSERT INTO items (rowid, {_COLUMNS}, {', '.join(_FILTERS)}) VALUES ({placeholders})",
            items,
        )
        self._conn.executemany(
            "INSERT INTO fts (rowid, title, body, kind) VALUES (?, ?, ?, ?)", texts
        )

    @staticmethod
    def _row(
        rowid: int,
        kind: str,
        rid: str,
        fields: dict[str, Any],
        seq: int,
        name_of: Callable[[str], str | None],
    ) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        shown = describe(kind, fields, name_of)
        item = (rowid, rid, kind, shown.title, shown.subtitle, shown.sort_key, _dumps(fields), seq)
        text = (rowid, search_text(shown.title), search_text(shown.subtitle, shown.text), kind)
        return (*item, *filter_values(kind, fields)), text

    def _apply(self, changes: list[tuple[str, str, dict[str, Any] | None]], newest: int) -> int:
        conn = self._conn
        batch = {rid: (kind, fields) for kind, rid, fields in changes if kind in KINDS}

        def name_of(rid: str) -> str | None:
            if rid in batch:
                kind, fields = batch[rid]
                return None if fields is None else describe(kind, fields, lambda _: None).title
            return self.title_of(rid)

        conn.execute("BEGIN IMMEDIATE")
        try:
            parents: list[str] = []
            for rid, (kind, fields) in batch.items():
                old = conn.execute("SELECT rowid, title FROM items WHERE id = ?", (rid,)).fetchone()
                if old is not None:
                    conn.execute("DELETE FROM items WHERE rowid = ?", (old[0],))
                    conn.execute("DELETE FROM fts WHERE rowid = ?", (old[0],))
                if fields is not None:
                    rowid = old[0] if old else self._next_rowid()
                    item, text = self._row(rowid, kind, rid, fields, newest, name_of)
                    self._insert([item], [text])
                    if old is None or old[1] != item[3]:
                        parents.append(rid)
                elif old is not None:
                    parents.append(rid)
            self._redescribe_children(parents, set(batch), name_of)
            conn.execute("UPDATE meta SET value = ? WHERE key = 'seq'", (str(newest),))
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return len(batch)

    def _next_rowid(self) -> int:
        return self._conn.execute("SELECT COALESCE(MAX(rowid), 0) + 1 FROM items").fetchone()[0]

    def _redescribe_children(
        self, parents: list[str], skip: set[str], name_of: Callable[[str], str | None]
    ) -> None:
        """Records showing a parent's title (a person's organisation …) get the new one."""
        if not parents:
            return
        ids = _dumps(parents)
        union = " UNION ".join(
            f"SELECT rowid, kind, id, fields, seq FROM items"
            f" WHERE {col} IN (SELECT value FROM json_each(?))"
            for col in _PARENT_COLUMNS
        )
        rows = self._conn.execute(union, (ids,) * len(_PARENT_COLUMNS)).fetchall()
        for rowid, kind, rid, fields, seq in rows:
            if rid in skip:
                continue
            self._conn.execute("DELETE FROM items WHERE rowid = ?", (rowid,))
            self._conn.execute("DELETE FROM fts WHERE rowid = ?", (rowid,))
            item, text = self._row(rowid, kind, rid, json.loads(fields), seq, name_of)
            self._insert([item], [text])

    # ------------------------------------------------------------------ erasure
    @property
    def erasures(self) -> int:
        """The replica's erasure count this file is scrubbed of (see :meth:`scrub`)."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'erasures'").fetchone()
            return int(row[0]) if row else 0

    def scrub(self, erasures: int, *, wait: float = 2.0) -> bool:
        """Leave no trace of deleted rows in the file; then remember ``erasures`` as done.

        Call after :meth:`refresh` has removed the erased records' rows. FTS5 keeps a deleted
        row's words in its segments until they are merged (SQLite 3.40 has no FTS5
        ``secure-delete``): ``optimize`` merges every segment into one without them. Deleted
        content is zeroed (``secure_delete``) but not everywhere; ``VACUUM`` rewrites the file
        from the live rows; a ``TRUNCATE`` checkpoint empties the write-ahead log, whose old
        frames hold the pages as they were. Slow on a large index (seconds): a worker may
        call it.

        Returns:
            False when another process kept the file busy for ``wait`` seconds (a reader the
            log cannot pass, or a writer): it stays due, and a retry after a finished
            ``VACUUM`` only checkpoints.
        """
        done = str(erasures)
        with self._lock:
            conn = self._conn
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

    def _meta(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------------ reading
    def title_of(self, record_id: str) -> str | None:
        """The display title of a live record, or None."""
        with self._lock:
            row = self._conn.execute(
                "SELECT title FROM items WHERE id = ?", (record_id,)
            ).fetchone()
            return row[0] if row else None

    def kind_of(self, record_id: str) -> str | None:
        """The kind of a live record, or None."""
        with self._lock:
            row = self._conn.execute("SELECT kind FROM items WHERE id = ?", (record_id,)).fetchone()
            return row[0] if row else None

    def rows(
        self,
        kind: str,
        *,
        match: str | None = None,
        where: Iterable[tuple[str, Any]] = (),
        order: str = "sort_key, id",
        offset: int = 0,
        limit: int | None = 100,
    ) -> list[Row]:
        """Rows of ``kind`` matching the FTS expression and SQL conditions, sorted and paged.

        ``where`` holds (SQL condition with one ``?``, parameter) pairs made by the caller from
        a fixed set of columns, never from user text.
        """
        sql, params = self._select(kind, match, where)
        sql = f"SELECT {_COLUMNS} FROM items WHERE {sql} ORDER BY {order} LIMIT ? OFFSET ?"
        params += [-1 if limit is None else limit, max(offset, 0)]
        with self._lock:
            found = self._conn.execute(sql, params).fetchall()
        return [
            Row(k, rid, title, sub, key, json.loads(f)) for rid, k, title, sub, key, f, _ in found
        ]

    def count(
        self, kind: str, *, match: str | None = None, where: Iterable[tuple[str, Any]] = ()
    ) -> int:
        """How many rows ``rows`` would give without paging."""
        sql, params = self._select(kind, match, where)
        with self._lock:
            return self._conn.execute(f"SELECT COUNT(*) FROM items WHERE {sql}", params).fetchone()[
                0
            ]

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
        """Best matches of ``kinds``, ranked by bm25 (the title weighs ten times the rest)."""
        if not kinds:
            return []
        sql = (
            "SELECT items.kind, items.id, items.title, items.subtitle, m.r FROM"
            " (SELECT rowid, bm25(fts, 10.0, 1.0, 0.0) AS r FROM fts WHERE fts MATCH ?"
            "  ORDER BY r LIMIT ?) AS m JOIN items ON items.rowid = m.rowid"
            " ORDER BY m.r, items.sort_key"
        )
        params = [f"{kind_match(kinds)} AND ({match})", limit]
        with self._lock:
            found = self._conn.execute(sql, params).fetchall()
        return [Hit(k, rid, title, sub, float(rank)) for k, rid, title, sub, rank in found]

    def recent(self, limit: int) -> list[Row]:
        """The most recently changed records, newest first."""
        sql = f"SELECT {_COLUMNS} FROM items ORDER BY seq DESC, rowid DESC LIMIT ?"
        with self._lock:
            found = self._conn.execute(sql, (limit,)).fetchall()
        return [
            Row(k, rid, title, sub, key, json.loads(f)) for rid, k, title, sub, key, f, _ in found
        ]

    def ids(self, kind: str, column: str, value: str) -> list[str]:
        """Ids of live ``kind`` records whose filter ``column`` equals ``value``."""
        if column not in _FILTERS:
            raise ValueError(f"not an index column: {column}")
        sql = f"SELECT id FROM items WHERE {column} = ? AND kind = ? ORDER BY sort_key, id"
        with self._lock:
            return [rid for (rid,) in self._conn.execute(sql, (value, kind))]
