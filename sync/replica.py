"""The replica: one SQLite file holding this laptop's copy of the data set.

It keeps current records (tombstones too), each record's *base* (its state at the last sync),
the hybrid logical clock, the replica id, the remembered data set and version tag, conflict
entries and a short sync history. Local edits are one transaction each; the sync engine
commits a whole sync in one transaction too (see :mod:`sync.engine`).

One ``Replica`` may be used from several threads (the app edits while a worker syncs): each
thread gets its own SQLite connection, and WAL mode lets them work side by side.

After a GDPR erasure (made here, or arriving by sync) the file is *scrubbed*: every connection
zeroes deleted content (``secure_delete``), and :meth:`Replica.scrub` rewrites the file
(``VACUUM``) and empties the write-ahead log, so no byte of an erased record's values is left
in free pages or old WAL frames. The meta counters ``erasures`` and ``scrubbed`` say whether a
scrub is due; a scrub that could not finish (another connection was reading) is retried.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .conflicts import ConflictEntry, utc_now_iso
from .errors import ReplicaError
from .hlc import MAX_STAMP, HybridClock, is_stamp, new_replica_id
from .layout import Layout
from .records import (
    Record,
    clean_text,
    clean_value,
    is_alive,
    is_kind,
    is_record_id,
    moved_id,
    value_problem,
)
from .schema import BUSY_TIMEOUT, SCHEMA, SCHEMA_VERSION, connect

_dumps = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
).encode
_loads = json.loads
_strict_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
_MAX_FIELD_NAME = 64
_PUT_BATCH = 500
"""Puts looked up and inserted together (:meth:`Replica.put_many`)."""
_INSERT_NEW = (
    "INSERT INTO records (id, kind, fields, stamps, deleted, erased, alive, dirty, seq)"
    " VALUES (?, ?, ?, ?, NULL, 0, 1, 1, ?)"
)
# The largest stamp in range among the records (what a clock must continue after).
_NEWEST_STAMP_SQL = """
SELECT MAX(s) FROM (
    SELECT j.value AS s FROM records, json_each(records.stamps) AS j
    UNION ALL SELECT deleted FROM records WHERE deleted IS NOT NULL
) WHERE typeof(s) = 'text' AND length(s) = 30 AND s <= ?
"""


@dataclass(frozen=True, slots=True)
class SyncLogEntry:
    """One line of the sync history."""

    at: str
    transport: str
    target: str
    outcome: str
    pulled: int
    pushed: int
    conflicts: int
    fast_path: bool
    duration_ms: float
    message: str


def _check_key(kind: object, rid: object) -> None:
    """Refuse an id or kind that the shared document could not hold."""
    if not is_kind(kind):
        raise ReplicaError(f"invalid record kind: {kind!r}")
    if not is_record_id(rid):
        raise ReplicaError(f"invalid record id: {rid!r}")


def _row_record(row: tuple[Any, ...]) -> Record:
    """(id, kind, fields, stamps, deleted, erased) -> Record."""
    rec: Record = {
        "id": row[0],
        "kind": row[1],
        "fields": _loads(row[2]),
        "stamps": _loads(row[3]),
        "deleted": row[4],
    }
    if row[5]:
        rec["erased"] = True
    return rec


def _check_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Clean control characters out of names and values; refuse what is not plain JSON."""
    if not isinstance(fields, Mapping):
        raise ReplicaError("fields must be a mapping of field name to value")
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        clean = clean_text(name) if isinstance(name, str) else ""
        if (
            not clean
            or len(clean) > _MAX_FIELD_NAME
            or clean in cleaned
            or value_problem(clean, strings=True)
        ):
            raise ReplicaError(f"invalid field name: {name!r}")
        problem = value_problem(value, strings=True)
        if problem is not None:
            raise ReplicaError(f"field {clean!r}: the value cannot be stored: {problem}")
        cleaned[clean] = clean_value(value)
    try:
        _strict_dumps(cleaned)
    except (TypeError, ValueError) as exc:
        raise ReplicaError(f"field values must be plain JSON: {exc}") from None
    return cleaned


def _checkpoint(conn: sqlite3.Connection) -> bool:
    """Copy the WAL into the file and truncate it to 0 bytes; False if a reader blocked it."""
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy


class Replica:
    """This laptop's copy of the data set. Create with :meth:`open`."""

    def __init__(self, path: Path, replica_id: str, name: str) -> None:
        self.path = path
        self.replica_id = replica_id
        self.name = name
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._base_cache: tuple[str, dict[int, tuple[str, str]]] | None = None
        self._base_lines: tuple[str, Sequence[int], list[str], list[str]] | None = None
        self._layout_cache: Layout | None = None

    # ----------------------------------------------------------------- opening
    @classmethod
    def open(cls, path: str | Path, *, name: str | None = None) -> Replica:
        """Open the replica at ``path``, creating the SQLite file if it does not exist.

        Args:
            path: the SQLite file.
            name: a human name for this replica ("Ville, laptop"), stored and shown to others.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = connect(path)
        except sqlite3.DatabaseError as exc:
            raise ReplicaError(f"{path}: not a Digikunta replica ({exc})") from None
        try:
            conn.executescript(SCHEMA)
            conn.execute("BEGIN IMMEDIATE")
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            if "replica_id" not in meta:
                meta["replica_id"] = new_replica_id()
                conn.execute("INSERT INTO meta VALUES ('replica_id', ?)", (meta["replica_id"],))
                conn.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif int(meta.get("schema", "1")) > SCHEMA_VERSION:
                raise ReplicaError(f"{path}: made by a newer Digikunta; update to open it")
            if "erasures" not in meta:  # made before erasures were counted: scrub once
                held = conn.execute("SELECT 1 FROM records WHERE erased = 1 LIMIT 1").fetchone()
                conn.execute("INSERT INTO meta VALUES ('erasures', ?)", ("1" if held else "0",))
            if name is not None and name != meta.get("name"):
                conn.execute("INSERT OR REPLACE INTO meta VALUES ('name', ?)", (name,))
                meta["name"] = name
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise ReplicaError(f"{path}: not a Digikunta replica ({exc})") from None
        except BaseException:
            conn.close()
            raise
        replica = cls(path, meta["replica_id"], meta.get("name", ""))
        replica._adopt(conn)
        return replica

    def _adopt(self, conn: sqlite3.Connection) -> None:
        self._local.conn = conn
        with self._lock:
            self._connections.append(conn)

    @property
    def conn(self) -> sqlite3.Connection:
        """This thread's connection to the replica file."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path)
            self._adopt(conn)
        return conn

    def close(self) -> None:
        """Close every connection this object opened (finishing a due scrub first)."""
        with suppress(sqlite3.Error, ReplicaError):
            if self._connections and self.scrub_due:
                self.scrub()
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> Replica:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``): all or nothing."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # ------------------------------------------------------------------ meta
    def meta(self, key: str, default: str | None = None) -> str | None:
        """A value from the replica's key/value settings."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    @staticmethod
    def set_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
        """Set (or with None, remove) a meta value inside a transaction."""
        if value is None:
            conn.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @property
    def dataset(self) -> str | None:
        """The id of the data set this replica syncs with (None before its first sync)."""
        return self.meta("dataset")

    @property
    def last_sync(self) -> str | None:
        """ISO time (UTC) of the last successful sync, or None."""
        return self.meta("last_sync")

    def clock(self, conn: sqlite3.Connection) -> HybridClock:
        """The persisted clock, read inside the caller's transaction.

        A stored clock outside the clock's range (left by a version that let a stamp from
        the far future in) is replaced by one continuing after the newest in-range stamp of
        the records; the caller persists it with its next write.
        """
        row = conn.execute("SELECT value FROM meta WHERE key = 'clock'").fetchone()
        last = row[0] if row else None
        if last is not None and not is_stamp(last):
            last = conn.execute(_NEWEST_STAMP_SQL, (MAX_STAMP,)).fetchone()[0]
            if not is_stamp(last):
                last = None
        return HybridClock(self.replica_id, last)

    @staticmethod
    def next_seq(conn: sqlite3.Connection) -> int:
        """The next change-feed sequence number (inside a write transaction)."""
        return conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM records").fetchone()[0]

    # ------------------------------------------------------------ local edits
    def put(self, kind: str, record_id: str, fields: Mapping[str, Any]) -> None:
        """Create or partially update a record: only the given fields change.

        Fields whose value is already the same are left alone (no new stamp), so saving an
        unchanged form creates nothing to sync and no false conflicts.

        Raises:
            ReplicaError: the record was erased, belongs to another kind, or a value is not
                plain JSON.
        """
        self.put_many([(kind, record_id, fields)])

    def put_many(self, items: Iterable[tuple[str, str, Mapping[str, Any]]]) -> int:
        """Apply many :meth:`put`\\ s in one transaction (all or nothing). Returns the count."""
        n = 0
        with self.write() as conn:  # items are streamed: a bad one rolls everything back
            clock = self.clock(conn)
            stamp = clock.tick()
            seq = self.next_seq(conn)
            batch: list[tuple[str, str, Mapping[str, Any]]] = []
            for item in items:
                batch.append(item)
                if len(batch) == _PUT_BATCH:
                    n += self._put_batch(conn, batch, stamp, seq)
                    batch.clear()
            n += self._put_batch(conn, batch, stamp, seq)
            self.set_meta(conn, "clock", clock.last)
        return n

    def _put_batch(
        self,
        conn: sqlite3.Connection,
        batch: list[tuple[str, str, Mapping[str, Any]]],
        stamp: str,
        seq: int,
    ) -> int:
        """Some puts, in order: the ids are looked up with one query and the new records are
        inserted with one statement; an existing (or repeated) id is merged one by one."""
        if not batch:
            return 0
        checked = []
        for kind, rid, fields in batch:
            _check_key(kind, rid)
            checked.append((kind, rid, _check_fields(fields)))
        ids = [rid for _, rid, _ in checked]
        marks = ",".join("?" * len(ids))
        held = {r[0] for r in conn.execute(f"SELECT id FROM records WHERE id IN ({marks})", ids)}
        new: list[tuple[str, str, str, str, int]] = []
        for kind, rid, fields in checked:
            if rid in held:  # stored, or earlier in this batch: written before it is read
                if new:
                    conn.executemany(_INSERT_NEW, new)
                    new.clear()
                self._put_one(conn, kind, rid, fields, stamp, seq)
                continue
            held.add(rid)
            new.append((rid, kind, _dumps(fields), _dumps(dict.fromkeys(fields, stamp)), seq))
        if new:
            conn.executemany(_INSERT_NEW, new)
        return len(checked)

    def _put_one(
        self,
        conn: sqlite3.Connection,
        kind: str,
        rid: str,
        fields: dict[str, Any],
        stamp: str,
        seq: int,
    ) -> None:
        _check_key(kind, rid)
        row = conn.execute(
            "SELECT id, kind, fields, stamps, deleted, erased FROM records WHERE id = ?", (rid,)
        ).fetchone()
        if row is None:
            conn.execute(
                _INSERT_NEW, (rid, kind, _dumps(fields), _dumps(dict.fromkeys(fields, stamp)), seq)
            )
            return
        current = _row_record(row)
        if current.get("erased"):
            raise ReplicaError(f"record {rid} was erased (GDPR) and cannot be written again")
        if current["kind"] != kind:
            raise ReplicaError(f"record {rid} is a {current['kind']}, not a {kind}")
        alive = is_alive(current)
        new_fields = dict(current["fields"]) if alive else {}
        new_stamps = dict(current["stamps"]) if alive else {}
        changed = not alive
        for name, value in fields.items():
            if alive and name in new_fields and new_fields[name] == value:
                continue
            new_fields[name], new_stamps[name] = value, stamp
            changed = True
        if not changed:
            return
        conn.execute(
            "UPDATE records SET fields = ?, stamps = ?, alive = 1, dirty = 1, seq = ? WHERE id = ?",
            (_dumps(new_fields), _dumps(new_stamps), seq, rid),
        )

    def apply(
        self,
        puts: Iterable[tuple[str, str, Mapping[str, Any]]] = (),
        deletes: Iterable[tuple[str, str]] = (),
    ) -> None:
        """Partial updates (as :meth:`put`) and deletions (as :meth:`delete`) in one
        transaction: all or nothing (a record deleted with the records that depend on it).

        Raises:
            ReplicaError: a put is refused (see :meth:`put`) or a deleted record is not live;
                nothing was written.
        """
        with self.write() as conn:
            clock = self.clock(conn)
            stamp = clock.tick()
            seq = self.next_seq(conn)
            for kind, rid, fields in puts:
                self._put_one(conn, kind, rid, _check_fields(fields), stamp, seq)
            for kind, rid in deletes:
                self._require_alive(conn, kind, rid)
                self._tombstone(conn, kind, rid, clock.tick(), erased=False)
            self.set_meta(conn, "clock", clock.last)

    def delete(self, kind: str, record_id: str) -> None:
        """Delete a record (a tombstone that syncs; an edit elsewhere can still restore it).

        Raises:
            ReplicaError: there is no live record of that kind and id.
        """
        with self.write() as conn:
            self._require_alive(conn, kind, record_id)
            clock = self.clock(conn)
            self._tombstone(conn, kind, record_id, clock.tick(), erased=False)
            self.set_meta(conn, "clock", clock.last)

    def erase(self, kind: str, record_id: str) -> None:
        """Erase a record for good (GDPR): no edit can restore it, no value of it is kept.

        Conflict entries about the record (which may hold its values) are removed at once.
        The file still holds the old values in free space until :meth:`scrub` (due now).
        """
        _check_key(kind, record_id)
        with self.write() as conn:
            row = conn.execute("SELECT kind FROM records WHERE id = ?", (record_id,)).fetchone()
            if row is not None and row[0] != kind:
                raise ReplicaError(f"record {record_id} is a {row[0]}, not a {kind}")
            clock = self.clock(conn)
            self._tombstone(conn, kind, record_id, clock.tick(), erased=True)
            if conn.execute("DELETE FROM conflicts WHERE record = ?", (record_id,)).rowcount:
                self.set_meta(conn, "conflicts_dirty", "1")
            self.set_meta(conn, "clock", clock.last)
            if row is not None:
                self.note_erasure(conn)

    def _require_alive(self, conn: sqlite3.Connection, kind: str, rid: str) -> None:
        row = conn.execute("SELECT kind, alive FROM records WHERE id = ?", (rid,)).fetchone()
        if row is None or not row[1] or row[0] != kind:
            raise ReplicaError(f"no {kind} with id {rid}")

    def _tombstone(
        self, conn: sqlite3.Connection, kind: str, rid: str, stamp: str, *, erased: bool
    ) -> None:
        seq = self.next_seq(conn)
        conn.execute(
            "INSERT INTO records (id, kind, fields, stamps, deleted, erased, alive, dirty, seq)"
            " VALUES (?, ?, '{}', '{}', ?, ?, 0, 1, ?)"
            " ON CONFLICT (id) DO UPDATE SET fields = '{}', stamps = '{}',"
            " deleted = excluded.deleted, erased = excluded.erased, alive = 0, dirty = 1,"
            " seq = excluded.seq",
            (rid, kind, stamp, int(erased), seq),
        )

    # ------------------------------------------------------------------ reads
    def get(self, kind: str, record_id: str) -> dict[str, Any] | None:
        """The current fields of a live record of ``kind``, else None."""
        row = self.conn.execute(
            "SELECT fields FROM records WHERE id = ? AND kind = ? AND alive = 1",
            (record_id, kind),
        ).fetchone()
        return _loads(row[0]) if row else None

    def records(self, kind: str | None = None) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """Every live record as (kind, id, fields), ordered by kind then id."""
        if kind is None:
            rows = self.conn.execute(
                "SELECT kind, id, fields FROM records WHERE alive = 1 ORDER BY kind, id"
            )
        else:
            rows = self.conn.execute(
                "SELECT kind, id, fields FROM records WHERE kind = ? AND alive = 1 ORDER BY id",
                (kind,),
            )
        for k, rid, fields in rows:
            yield k, rid, _loads(fields)

    def records_with_stamps(
        self, kind: str, ids: Iterable[str] | None = None
    ) -> Iterator[tuple[str, dict[str, Any], dict[str, str]]]:
        """Live ``kind`` records as (id, fields, stamps), by id; only those in ``ids`` if given."""
        sql = "SELECT id, fields, stamps FROM records WHERE kind = ? AND alive = 1"
        if ids is None:
            batches: Iterable[list[str]] = [[]]
        else:
            wanted = sorted(set(ids))
            batches = [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
        for batch in batches:
            where = f" AND id IN ({','.join('?' * len(batch))})" if ids is not None else ""
            for rid, fields, stamps in self.conn.execute(
                sql + where + " ORDER BY id", (kind, *batch)
            ):
                yield rid, _loads(fields), _loads(stamps)

    def record(self, record_id: str) -> Record | None:
        """The full stored record (stamps and tombstones included), or None."""
        row = self.conn.execute(
            "SELECT id, kind, fields, stamps, deleted, erased FROM records WHERE id = ?",
            (record_id,),
        ).fetchone()
        return _row_record(row) if row else None

    def count(self, kind: str | None = None) -> int:
        """How many live records (of ``kind``) there are."""
        if kind is None:
            return self.conn.execute("SELECT COUNT(*) FROM records WHERE alive = 1").fetchone()[0]
        sql = "SELECT COUNT(*) FROM records WHERE kind = ? AND alive = 1"
        return self.conn.execute(sql, (kind,)).fetchone()[0]

    def pending(self) -> int:
        """How many records changed locally since the last sync."""
        return self.conn.execute("SELECT COUNT(*) FROM records WHERE dirty = 1").fetchone()[0]

    def changes_since(self, seq: int) -> tuple[int, list[tuple[str, str, dict[str, Any] | None]]]:
        """Records whose visible state changed after ``seq`` (local edits and synced ones).

        Returns:
            The newest sequence number and, oldest first, (kind, id, fields) with fields None
            for a record that is no longer alive. For keeping derived indexes up to date.
        """
        rows = self.conn.execute(
            "SELECT seq, kind, id, fields, alive FROM records WHERE seq > ? ORDER BY seq", (seq,)
        ).fetchall()
        newest = max((r[0] for r in rows), default=seq)
        return newest, [(k, rid, _loads(f) if alive else None) for _, k, rid, f, alive in rows]

    # -------------------------------------------------------------- conflicts
    def conflicts(self, include_resolved: bool = False) -> list[ConflictEntry]:
        """Conflict entries, oldest first; open ones only unless ``include_resolved``."""
        sql = "SELECT data FROM conflicts"
        if not include_resolved:
            sql += " WHERE resolved IS NULL"
        entries = [ConflictEntry.from_json(_loads(d)) for (d,) in self.conn.execute(sql)]
        return sorted(entries, key=lambda e: (e.detected_at, e.id))

    def conflict(self, conflict_id: str) -> ConflictEntry | None:
        """One conflict entry by id."""
        row = self.conn.execute(
            "SELECT data FROM conflicts WHERE id = ?", (conflict_id,)
        ).fetchone()
        return ConflictEntry.from_json(_loads(row[0])) if row else None

    def resolve(self, conflict_id: str, value: Any) -> None:
        """Resolve a conflict: an ordinary edit plus marking the entry resolved.

        For a field conflict ``value`` becomes the field's value (either side's, or a merged
        one). For a delete-versus-edit conflict ``value`` is ``"restore"`` (keep the record)
        or ``"delete"`` (confirm the deletion). Records of two kinds that met under one id
        (``entry.is_id_collision``) both stay: ``"keep"`` acknowledges it.

        Raises:
            ReplicaError: no such open conflict, or a bad value for a delete conflict or an
                id collision.
        """
        with self.write() as conn:
            row = conn.execute(
                "SELECT data FROM conflicts WHERE id = ? AND resolved IS NULL", (conflict_id,)
            ).fetchone()
            if row is None:
                raise ReplicaError(f"no open conflict {conflict_id}")
            entry = ConflictEntry.from_json(_loads(row[0]))
            clock = self.clock(conn)
            if entry.is_id_collision:
                if value not in ("keep", "restore"):
                    raise ReplicaError(
                        "an id shared by two kinds is resolved with 'keep' (both records stay)"
                    )
            elif entry.field is not None:
                fields = _check_fields({entry.field: value})
                rid = self._entry_record(conn, entry)
                alive = conn.execute("SELECT alive FROM records WHERE id = ?", (rid,)).fetchone()
                if alive and alive[0]:
                    self._put_one(conn, entry.kind, rid, fields, clock.tick(), self.next_seq(conn))
            elif value == "delete":
                rid = self._entry_record(conn, entry)
                self._require_alive(conn, entry.kind, rid)
                self._tombstone(conn, entry.kind, rid, clock.tick(), erased=False)
            elif value not in ("restore", "keep"):
                raise ReplicaError("a delete conflict is resolved with 'restore' or 'delete'")
            now = utc_now_iso()
            data = {**entry.to_json(), "resolved": now}
            conn.execute(
                "UPDATE conflicts SET data = ?, resolved = ? WHERE id = ?",
                (_dumps(data), now, conflict_id),
            )
            self.set_meta(conn, "conflicts_dirty", "1")
            self.set_meta(conn, "clock", clock.last)

    @staticmethod
    def _entry_record(conn: sqlite3.Connection, entry: ConflictEntry) -> str:
        """The id the entry's record has now: it may have moved when its id was taken by a
        record of another kind (see :func:`sync.merge.moved_id`)."""
        rid = entry.record
        for _ in range(8):
            row = conn.execute("SELECT kind FROM records WHERE id = ?", (rid,)).fetchone()
            if row is None or row[0] == entry.kind:
                return rid
            rid = moved_id(rid, entry.kind)
        return entry.record

    # ---------------------------------------------------------------- erasure
    @property
    def erasures(self) -> int:
        """How many times records held here were erased (GDPR), here or by a sync."""
        return int(self.meta("erasures", "0") or 0)

    @property
    def scrub_due(self) -> bool:
        """True when an erasure happened after the last finished :meth:`scrub`."""
        row = self.conn.execute(
            "SELECT (SELECT value FROM meta WHERE key = 'erasures'),"
            " (SELECT value FROM meta WHERE key = 'scrubbed')"
        ).fetchone()
        return int(row[0] or 0) != int(row[1] or 0)

    def note_erasure(self, conn: sqlite3.Connection) -> None:
        """Count an erasure inside the caller's write transaction: a :meth:`scrub` is due."""
        count = int(self.meta_in(conn, "erasures", "0")) + 1
        self.set_meta(conn, "erasures", str(count))

    def scrub(self, *, wait: float = 2.0) -> bool:
        """Leave no byte of erased records in the file: ``VACUUM``, then empty the WAL.

        Deleted content is zeroed as it is deleted (``secure_delete``), but not everywhere
        (older files, cells copied when pages were rebalanced); ``VACUUM`` rewrites the file
        from the live rows only, and a truncating checkpoint empties the write-ahead log, whose
        old frames hold the pages as they were before the erasure. Call it outside any
        transaction of this thread. A checkpoint cannot pass a reader still open on another
        connection (another thread's or process's): it waits up to ``wait`` seconds, then gives
        up, and the scrub stays due (:attr:`scrub_due`) for the next call — the engine's next
        commit, or :meth:`close`; a retry after a finished ``VACUUM`` only checkpoints.

        Returns:
            True when the file is scrubbed (or nothing was due), False when it must be retried.

        Raises:
            ReplicaError: called inside a transaction of this thread.
        """
        conn = self.conn
        if conn.in_transaction:
            raise ReplicaError("a scrub cannot run inside a transaction")
        due = self.meta("erasures", "0") or "0"
        if due == (self.meta("scrubbed", "0") or "0"):
            return True
        conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        try:
            if self.meta("vacuumed") != due:
                conn.execute("VACUUM")
                with self.write() as w:
                    self.set_meta(w, "vacuumed", due)
            if not _checkpoint(conn):
                return False
            with self.write() as w:
                self.set_meta(w, "scrubbed", due)
            _checkpoint(conn)  # the WAL held only the meta page: empty it again
        except sqlite3.OperationalError:  # busy: another connection is writing
            return False
        finally:
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        return True

    # ---------------------------------------------------------------- history
    def history(self, limit: int = 20) -> list[SyncLogEntry]:
        """The most recent syncs, newest first."""
        rows = self.conn.execute(
            "SELECT at, transport, target, outcome, pulled, pushed, conflicts, fast_path,"
            " duration_ms, message FROM sync_log ORDER BY n DESC LIMIT ?",
            (limit,),
        ).fetchall()
        return [SyncLogEntry(*r[:7], bool(r[7]), r[8], r[9]) for r in rows]

    def log_sync(self, entry: SyncLogEntry, conn: sqlite3.Connection | None = None) -> None:
        """Append to the sync history (keeps the last 500)."""
        c = conn or self.conn
        c.execute(
            "INSERT INTO sync_log (at, transport, target, outcome, pulled, pushed, conflicts,"
            " fast_path, duration_ms, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.at,
                entry.transport,
                entry.target,
                entry.outcome,
                entry.pulled,
                entry.pushed,
                entry.conflicts,
                int(entry.fast_path),
                entry.duration_ms,
                entry.message,
            ),
        )
        c.execute("DELETE FROM sync_log WHERE n <= (SELECT MAX(n) FROM sync_log) - 500")

    # ------------------------------------------------------ for the sync engine
    def needs_push(self) -> bool:
        """True when local records or conflict resolutions wait to be synced."""
        if self.meta("conflicts_dirty") == "1":
            return True
        return (
            self.conn.execute("SELECT 1 FROM records WHERE dirty = 1 LIMIT 1").fetchone()
            is not None
        )

    def base_index(self) -> dict[int, tuple[str, str]]:
        """Line hash -> (kind, id) of every record as of the last sync (cached)."""
        generation = self.meta("base_generation", "0") or "0"
        cached = self._base_cache
        if cached is not None and cached[0] == generation:
            return cached[1]
        lines = self._base_lines
        self._base_lines = None
        if lines is not None and lines[0] == generation:
            index = dict(zip(lines[1], zip(lines[2], lines[3], strict=True), strict=True))
            self._base_cache = (generation, index)
            return index
        rows = self.conn.execute(
            "SELECT base_hash, kind, id FROM records WHERE base_hash IS NOT NULL"
        )
        kinds: dict[str, str] = {}  # one string per kind, not one per row (5 MB at 100 000)
        kind = kinds.setdefault
        index = {h: (kind(k, k), rid) for h, k, rid in rows}
        self._base_cache = (generation, index)
        return index

    def remember_base_index(self, generation: str, index: dict[int, tuple[str, str]]) -> None:
        """Cache the base index a sync just committed (saves reading it back)."""
        self._base_cache = (generation, index)
        self._base_lines = None

    def remember_base_lines(
        self, generation: str, hashes: Sequence[int], kinds: list[str], ids: list[str]
    ) -> None:
        """Cache the base a first pull committed as its line hashes, kinds and ids (in line
        order): the index is made of them when a sync asks for it, not while the pull's
        document is still in memory."""
        self._base_cache = None
        self._base_lines = (generation, hashes, kinds, ids)

    def meta_in(self, conn: sqlite3.Connection, key: str, default: str) -> str:
        """A meta value read inside the caller's transaction."""
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    @staticmethod
    def erased_ids_in(conn: sqlite3.Connection) -> set[str]:
        """Ids of every erased record, read inside the caller's transaction."""
        return {r[0] for r in conn.execute("SELECT id FROM records WHERE erased = 1")}

    def advance_clock(self, stamp: str) -> None:
        """Persist that the clock has seen ``stamp`` (so later local edits get larger stamps)."""
        with self.write() as conn:
            clock = self.clock(conn)
            before = clock.last
            clock.observe(stamp)
            if clock.last != before:
                self.set_meta(conn, "clock", clock.last)

    def rows(self, ids: Iterable[str]) -> dict[str, tuple[Record, dict[str, Any] | None]]:
        """Full records with their base views (``{"stamps", "deleted", "hash"}`` or None) by id.

        ``hash`` is the line hash of the record's base line.
        """
        out: dict[str, tuple[Record, dict[str, Any] | None]] = {}
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                "SELECT id, kind, fields, stamps, deleted, erased, base_stamps, base_deleted,"
                f" base_hash FROM records WHERE id IN ({marks})",
                chunk,
            ):
                base = (
                    {"stamps": _loads(row[6]), "deleted": row[7], "hash": row[8]}
                    if row[6] is not None
                    else None
                )
                out[row[0]] = (_row_record(row), base)
        return out

    def holds_records(self) -> bool:
        """True when the replica holds any record (tombstones too)."""
        return self.conn.execute("SELECT 1 FROM records LIMIT 1").fetchone() is not None

    def dirty_ids(self) -> list[str]:
        """Ids of records changed locally since the last sync."""
        return [r[0] for r in self.conn.execute("SELECT id FROM records WHERE dirty = 1")]

    def dirty_bases(self) -> list[tuple[str, int | None]]:
        """(id, line hash of its base line or None) of records changed locally since the last
        sync."""
        return self.conn.execute("SELECT id, base_hash FROM records WHERE dirty = 1").fetchall()

    def layout(self) -> Layout | None:
        """What the last sync learned about the document's lines (:mod:`sync.layout`), or None.

        Only a layout made for the base the replica holds now is returned (cached).
        """
        generation = self.meta("base_generation", "0") or "0"
        cached = self._layout_cache
        if cached is not None and cached.generation == generation:
            return cached
        row = self.conn.execute(
            "SELECT replica, generation, data FROM sync_layout WHERE id = 1"
        ).fetchone()
        if row is None or row[0] != self.replica_id or row[1] != generation:
            return None  # none yet, another replica's, or stale
        layout = Layout.from_bytes(generation, row[2])
        self._layout_cache = layout
        return layout

    def remember_layout(self, conn: sqlite3.Connection, layout: Layout | None) -> None:
        """Store (inside the commit's transaction) the layout of the base being committed;
        None forgets any layout (the next sync reads every line)."""
        if layout is None:
            conn.execute("DELETE FROM sync_layout")
        else:
            conn.execute(
                "INSERT OR REPLACE INTO sync_layout (id, replica, generation, data)"
                " VALUES (1, ?, ?, ?)",
                (self.replica_id, layout.generation, layout.to_bytes()),
            )
        self._layout_cache = layout

    def forget_caches(self) -> None:
        """Drop the in-memory base index and layout (the next sync reads them afresh)."""
        self._base_cache = None
        self._base_lines = None
        self._layout_cache = None

    def all_ids(self) -> list[str]:
        """Every record id, tombstones included."""
        return [r[0] for r in self.conn.execute("SELECT id FROM records")]

    def stored_conflicts(self) -> list[dict[str, Any]]:
        """Every conflict entry as stored (resolved ones too)."""
        return [_loads(d) for (d,) in self.conn.execute("SELECT data FROM conflicts")]

    def max_seq(self) -> int:
        """The newest change-feed sequence number."""
        return self.conn.execute("SELECT COALESCE(MAX(seq), 0) FROM records").fetchone()[0]

    def erased_ids(self) -> set[str]:
        """Ids of every erased record."""
        return self.erased_ids_in(self.conn)
