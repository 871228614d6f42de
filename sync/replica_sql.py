"""What the replica's modules share at the SQL level: the JSON codec, rows as records, checks.

The replica file's tables are in :mod:`sync.schema`. These helpers are used by
:mod:`sync.replica`, :mod:`sync.replica_state`, :mod:`sync.replica_edits` and
:mod:`sync.commit`; they work on a connection (or inside a transaction) the caller holds.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping

from .errors import ReplicaError
from .records import Record, clean_text, clean_value, is_kind, is_record_id, value_problem

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

dumps = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
).encode
"""Canonical JSON (sorted keys, no spaces) as stored in the ``records`` table."""
loads = json.loads
_strict_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
_MAX_FIELD_NAME = 64

RECORD_COLUMNS = "id, kind, fields, stamps, deleted, erased"
"""The columns :func:`record_from_row` reads, in its order."""


def check_key(kind: object, rid: object) -> None:
    """Refuse an id or kind that the shared document could not hold."""
    if not is_kind(kind):
        raise ReplicaError(f"invalid record kind: {kind!r}")
    if not is_record_id(rid):
        raise ReplicaError(f"invalid record id: {rid!r}")


def record_from_row(row: tuple[Any, ...]) -> Record:
    """(id, kind, fields, stamps, deleted, erased) -> Record."""
    rec: Record = {
        "id": row[0],
        "kind": row[1],
        "fields": loads(row[2]),
        "stamps": loads(row[3]),
        "deleted": row[4],
    }
    if row[5]:
        rec["erased"] = True
    return rec


def check_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
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


def int_of(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> int:
    """The single integer a query answers (``COUNT``, ``MAX`` …)."""
    value = conn.execute(sql, params).fetchone()[0]
    return int(value)


def meta_in(conn: sqlite3.Connection, key: str, default: str) -> str:
    """A meta value read inside the caller's transaction."""
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else default


def set_meta(conn: sqlite3.Connection, key: str, value: str | None) -> None:
    """Set (or with None, remove) a meta value inside a transaction."""
    if value is None:
        conn.execute("DELETE FROM meta WHERE key = ?", (key,))
    else:
        conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


def next_seq(conn: sqlite3.Connection) -> int:
    """The next change-feed sequence number (inside a write transaction)."""
    return int_of(conn, "SELECT COALESCE(MAX(seq), 0) + 1 FROM records")


def newest_seq(conn: sqlite3.Connection) -> int:
    """The newest change-feed sequence number (0 for an empty replica)."""
    return int_of(conn, "SELECT COALESCE(MAX(seq), 0) FROM records")


def erased_ids_in(conn: sqlite3.Connection) -> set[str]:
    """Ids of every erased record, read inside the caller's transaction."""
    return {r[0] for r in conn.execute("SELECT id FROM records WHERE erased = 1")}


def note_erasure(conn: sqlite3.Connection) -> None:
    """Count an erasure inside the caller's write transaction: a scrub is due."""
    count = int(meta_in(conn, "erasures", "0")) + 1
    set_meta(conn, "erasures", str(count))
