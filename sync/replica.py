"""The replica: one SQLite file holding this laptop's copy of the data set.

It keeps current records (tombstones too), each record's *base* (its state at the last sync),
the hybrid logical clock, the replica id, the remembered data set and version tag, conflict
entries and a short sync history. Local edits are one transaction each; the sync engine
commits a whole sync in one transaction too (see :mod:`sync.engine`).

:class:`Replica` is what an application uses; what only the engine needs (the clock, bases,
layout, dirty marks, sync log) is on ``replica.state`` (:mod:`sync.replica_state`). The SQL
the methods are made of is in :mod:`sync.replica_edits`, :mod:`sync.replica_conflicts`,
:mod:`sync.replica_scrub` and :mod:`sync.replica_sql`.

One ``Replica`` may be used from several threads (the app edits while a worker syncs): each
thread gets its own SQLite connection, and WAL mode lets them work side by side.

After a GDPR erasure (made here, or arriving by sync) the file is *scrubbed*: every connection
zeroes deleted content (``secure_delete``), and :meth:`Replica.scrub` rewrites the file
(``VACUUM``) and empties the write-ahead log, so no byte of an erased record's values is left
in free pages or old WAL frames. The meta counters ``erasures`` and ``scrubbed`` say whether a
scrub is due; a scrub that could not finish (another connection was reading) is retried.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from functools import partial
from pathlib import Path

from . import replica_conflicts as resolving
from . import replica_scrub
from .conflicts import ConflictEntry
from .errors import ReplicaError
from .records import Record
from .replica_edits import Put, put_batch, put_one, require_alive, tombstone
from .replica_sql import (
    RECORD_COLUMNS,
    check_fields,
    check_key,
    int_of,
    loads,
    newest_seq,
    next_seq,
    note_erasure,
    record_from_row,
    set_meta,
)
from .replica_state import ReplicaState, SyncLogEntry, read_history
from .schema import connect, prepare_file

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["Replica", "SyncLogEntry"]

_PUT_BATCH = 500
"""Puts looked up and inserted together (:meth:`Replica.put_many`)."""


class Replica:
    """This laptop's copy of the data set. Create with :meth:`open`."""

    def __init__(self, path: Path, replica_id: str, name: str) -> None:
        self.path = path
        self.replica_id = replica_id
        self.name = name
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self.state = ReplicaState(self)
        """What the sync engine keeps here (clock, bases, layout): for ``sync``'s engine only."""

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
            meta = prepare_file(conn, path, name)
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
    def write(self, *, durable: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``): all or nothing.

        ``durable=False`` commits without waiting for the disk (``synchronous=NORMAL`` for this
        transaction): a power cut may then undo it, whole, never damage the file. Only for
        bookkeeping whose loss costs nothing, such as what a sync that found nothing changed
        records; the next durable commit makes it durable too.
        """
        conn = self.conn
        if not durable:
            conn.execute("PRAGMA synchronous=NORMAL")
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        finally:
            if not durable:
                conn.execute("PRAGMA synchronous=FULL")

    # ------------------------------------------------------------------ meta
    def meta(self, key: str, default: str | None = None) -> str | None:
        """A value from the replica's key/value settings."""
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else default

    @property
    def dataset(self) -> str | None:
        """The id of the data set this replica syncs with (None before its first sync)."""
        return self.meta("dataset")

    @property
    def last_sync(self) -> str | None:
        """ISO time (UTC) of the last successful sync, or None."""
        return self.meta("last_sync")

    @staticmethod
    def newest_seq(conn: sqlite3.Connection) -> int:
        """The newest change-feed sequence number, read on ``conn`` (which may be in a read
        transaction of the caller's): :meth:`changes_since` that number returns nothing."""
        return newest_seq(conn)

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
            clock = self.state.clock(conn)
            stamp = clock.tick()
            seq = next_seq(conn)
            batch: list[Put] = []
            for item in items:
                batch.append(item)
                if len(batch) == _PUT_BATCH:
                    n += put_batch(conn, batch, stamp, seq)
                    batch.clear()
            n += put_batch(conn, batch, stamp, seq)
            set_meta(conn, "clock", clock.last)
        return n

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
            clock = self.state.clock(conn)
            stamp = clock.tick()
            seq = next_seq(conn)
            for kind, rid, fields in puts:
                put_one(conn, kind, rid, check_fields(fields), stamp, seq)
            for kind, rid in deletes:
                require_alive(conn, kind, rid)
                tombstone(conn, kind, rid, clock.tick(), erased=False)
            set_meta(conn, "clock", clock.last)

    def delete(self, kind: str, record_id: str) -> None:
        """Delete a record (a tombstone that syncs; an edit elsewhere can still restore it).

        Raises:
            ReplicaError: there is no live record of that kind and id.
        """
        with self.write() as conn:
            require_alive(conn, kind, record_id)
            clock = self.state.clock(conn)
            tombstone(conn, kind, record_id, clock.tick(), erased=False)
            set_meta(conn, "clock", clock.last)

    def erase(self, kind: str, record_id: str) -> None:
        """Erase a record for good (GDPR): no edit can restore it, no value of it is kept.

        Conflict entries about the record (which may hold its values) are removed at once.
        The file still holds the old values in free space until :meth:`scrub` (due now).
        """
        check_key(kind, record_id)
        with self.write() as conn:
            row = conn.execute("SELECT kind FROM records WHERE id = ?", (record_id,)).fetchone()
            if row is not None and row[0] != kind:
                raise ReplicaError(f"record {record_id} is a {row[0]}, not a {kind}")
            clock = self.state.clock(conn)
            tombstone(conn, kind, record_id, clock.tick(), erased=True)
            if conn.execute("DELETE FROM conflicts WHERE record = ?", (record_id,)).rowcount:
                set_meta(conn, "conflicts_dirty", "1")
            set_meta(conn, "clock", clock.last)
            if row is not None:
                note_erasure(conn)

    # ------------------------------------------------------------------ reads
    def get(self, kind: str, record_id: str) -> dict[str, Any] | None:
        """The current fields of a live record of ``kind``, else None."""
        row = self.conn.execute(
            "SELECT fields FROM records WHERE id = ? AND kind = ? AND alive = 1",
            (record_id, kind),
        ).fetchone()
        return loads(row[0]) if row else None

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
            yield k, rid, loads(fields)

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
                yield rid, loads(fields), loads(stamps)

    def record(self, record_id: str) -> Record | None:
        """The full stored record (stamps and tombstones included), or None."""
        row = self.conn.execute(
            f"SELECT {RECORD_COLUMNS} FROM records WHERE id = ?", (record_id,)
        ).fetchone()
        return record_from_row(row) if row else None

    def stored_records(self, ids: Iterable[str]) -> dict[str, Record]:
        """The full stored records (stamps and tombstones included) of those ``ids`` held here."""
        return {rid: rec for rid, (rec, _base) in self.state.rows(ids).items()}

    def count(self, kind: str | None = None) -> int:
        """How many live records (of ``kind``) there are."""
        if kind is None:
            return int_of(self.conn, "SELECT COUNT(*) FROM records WHERE alive = 1")
        return int_of(
            self.conn, "SELECT COUNT(*) FROM records WHERE kind = ? AND alive = 1", (kind,)
        )

    def pending(self) -> int:
        """How many records changed locally since the last sync."""
        return int_of(self.conn, "SELECT COUNT(*) FROM records WHERE dirty = 1")

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
        return newest, [(k, rid, loads(f) if alive else None) for _, k, rid, f, alive in rows]

    # -------------------------------------------------------------- conflicts
    def conflicts(self, include_resolved: bool = False) -> list[ConflictEntry]:
        """Conflict entries, oldest first; open ones only unless ``include_resolved``."""
        sql = "SELECT data FROM conflicts"
        if not include_resolved:
            sql += " WHERE resolved IS NULL"
        entries = [ConflictEntry.from_json(loads(d)) for (d,) in self.conn.execute(sql)]
        return sorted(entries, key=lambda e: (e.detected_at, e.id))

    def conflict(self, conflict_id: str) -> ConflictEntry | None:
        """One conflict entry by id."""
        row = self.conn.execute(
            "SELECT data FROM conflicts WHERE id = ?", (conflict_id,)
        ).fetchone()
        return ConflictEntry.from_json(loads(row[0])) if row else None

    def resolve_field(self, conflict_id: str, value: Any) -> None:
        """Resolve a field conflict: ``value`` (either side's, or a merged one) becomes the
        field's value, as an ordinary edit, and the entry is marked resolved.

        Raises:
            ReplicaError: no such open conflict, it is not a field conflict, or the value
                cannot be stored.
        """
        self._resolve(conflict_id, partial(resolving.write_field, value=value))

    def restore_record(self, conflict_id: str) -> None:
        """Resolve a delete-versus-edit conflict by keeping the (edited) record as it is.

        Raises:
            ReplicaError: no such open conflict, or it is a field conflict.
        """
        self._resolve(conflict_id, resolving.restore)

    def confirm_delete(self, conflict_id: str) -> None:
        """Resolve a delete-versus-edit conflict by deleting the record after all.

        Raises:
            ReplicaError: no such open conflict, it is not a delete conflict, or the record is
                no longer alive.
        """
        self._resolve(conflict_id, resolving.confirm_delete)

    def keep_both(self, conflict_id: str) -> None:
        """Acknowledge an id collision: records of two kinds met under one id, and both stay
        (the one that lost the id has moved to a new one).

        Raises:
            ReplicaError: no such open conflict, or it is not an id collision.
        """
        self._resolve(conflict_id, resolving.keep_both)

    def _resolve(self, conflict_id: str, resolution: resolving.Resolution) -> None:
        """Apply ``resolution`` to the open entry and mark it resolved, in one transaction."""
        with self.write() as conn:
            entry = resolving.open_entry(conn, conflict_id)
            clock = self.state.clock(conn)
            resolution(conn, entry, clock)
            resolving.mark_resolved(conn, entry, clock)

    # ---------------------------------------------------------------- erasure
    @property
    def erasures(self) -> int:
        """How many times records held here were erased (GDPR), here or by a sync."""
        return int(self.meta("erasures", "0") or 0)

    @property
    def scrub_due(self) -> bool:
        """True when an erasure happened after the last finished :meth:`scrub`."""
        return replica_scrub.scrub_due(self.conn)

    def scrub(self, *, wait: float = 2.0) -> bool:
        """Leave no byte of erased records in the file: ``VACUUM``, then empty the WAL.

        Call it outside any transaction of this thread. When a reader on another connection
        blocks it for ``wait`` seconds, it gives up and the scrub stays due (:attr:`scrub_due`)
        for the next call (the engine's next commit, or :meth:`close`). See
        :mod:`sync.replica_scrub`.

        Returns:
            True when the file is scrubbed (or nothing was due), False when it must be retried.

        Raises:
            ReplicaError: called inside a transaction of this thread.
        """
        return replica_scrub.scrub(self.conn, wait)

    # ---------------------------------------------------------------- history
    def history(self, limit: int = 20) -> list[SyncLogEntry]:
        """The most recent syncs, newest first."""
        return read_history(self.conn, limit)
