"""Resolving conflict entries: what :class:`sync.Replica`'s resolve operations write.

A resolution is an ordinary edit (its own stamp, synced like any other) plus marking the entry
resolved, in one write transaction the caller holds. There is one operation per kind of
entry: a field conflict takes a value; a delete-versus-edit conflict either restores the record
or confirms the deletion; records of two kinds that met under one id both stay.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from .conflicts import ConflictEntry, utc_now_iso
from .errors import ReplicaError
from .hlc import HybridClock
from .records import moved_id
from .replica_edits import put_one, require_alive, tombstone
from .replica_sql import check_fields, dumps, loads, next_seq, set_meta

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_COLLISION = "an id shared by two kinds is resolved by keeping both records (keep_both)"


def open_entry(conn: sqlite3.Connection, conflict_id: str) -> ConflictEntry:
    """The open conflict entry ``conflict_id``, read inside the caller's transaction.

    Raises:
        ReplicaError: no such open conflict.
    """
    row = conn.execute(
        "SELECT data FROM conflicts WHERE id = ? AND resolved IS NULL", (conflict_id,)
    ).fetchone()
    if row is None:
        raise ReplicaError(f"no open conflict {conflict_id}")
    return ConflictEntry.from_json(loads(row[0]))


def mark_resolved(conn: sqlite3.Connection, entry: ConflictEntry, clock: HybridClock) -> None:
    """Mark ``entry`` resolved now; the resolution syncs (``conflicts_dirty``)."""
    now = utc_now_iso()
    data = {**entry.to_json(), "resolved": now}
    conn.execute(
        "UPDATE conflicts SET data = ?, resolved = ? WHERE id = ?",
        (dumps(data), now, entry.id),
    )
    set_meta(conn, "conflicts_dirty", "1")
    set_meta(conn, "clock", clock.last)


Resolution = Callable[[sqlite3.Connection, ConflictEntry, HybridClock], None]
"""What resolving one entry writes (before it is marked resolved), with the caller's clock."""


def write_field(
    conn: sqlite3.Connection, entry: ConflictEntry, clock: HybridClock, *, value: Any
) -> None:
    """Give a field conflict's field ``value`` (if the record is still alive)."""
    if entry.is_id_collision:
        raise ReplicaError(_COLLISION)
    if entry.field is None:
        raise ReplicaError("a delete conflict is resolved by restoring or deleting the record")
    fields = check_fields({entry.field: value})
    rid = entry_record(conn, entry)
    alive = conn.execute("SELECT alive FROM records WHERE id = ?", (rid,)).fetchone()
    if alive and alive[0]:
        put_one(conn, entry.kind, rid, fields, clock.tick(), next_seq(conn))


def confirm_delete(conn: sqlite3.Connection, entry: ConflictEntry, clock: HybridClock) -> None:
    """Delete the record a delete-versus-edit conflict kept alive."""
    if entry.is_id_collision:
        raise ReplicaError(_COLLISION)
    if entry.field is not None:
        raise ReplicaError("a field conflict is resolved with a value")
    rid = entry_record(conn, entry)
    require_alive(conn, entry.kind, rid)
    tombstone(conn, entry.kind, rid, clock.tick(), erased=False)


def restore(conn: sqlite3.Connection, entry: ConflictEntry, clock: HybridClock) -> None:
    """Keep the record a delete-versus-edit conflict kept alive (nothing to write)."""
    if entry.field is not None and not entry.is_id_collision:
        raise ReplicaError("a field conflict is resolved with a value")


def keep_both(conn: sqlite3.Connection, entry: ConflictEntry, clock: HybridClock) -> None:
    """Keep both records of an id collision (nothing to write)."""
    if not entry.is_id_collision:
        raise ReplicaError("only an id collision is resolved by keeping both records")


def entry_record(conn: sqlite3.Connection, entry: ConflictEntry) -> str:
    """The id the entry's record has now: it may have moved when its id was taken by a
    record of another kind (see :func:`sync.merge.moved_id`)."""
    rid = entry.record
    for _ in range(8):
        row = conn.execute("SELECT kind FROM records WHERE id = ?", (rid,)).fetchone()
        if row is None or row[0] == entry.kind:
            return rid
        rid = moved_id(rid, entry.kind)
    return entry.record
