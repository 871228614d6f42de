"""Local edits as SQL: the puts and tombstones :class:`sync.Replica`'s edit methods are made of.

Every function works inside the caller's write transaction and takes the stamp (and
change-feed number) the caller's clock gave the edit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from .errors import ReplicaError
from .records import is_alive
from .replica_sql import (
    RECORD_COLUMNS,
    check_fields,
    check_key,
    dumps,
    next_seq,
    record_from_row,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_INSERT_NEW = (
    "INSERT INTO records (id, kind, fields, stamps, deleted, erased, alive, dirty, seq)"
    " VALUES (?, ?, ?, ?, NULL, 0, 1, 1, ?)"
)

Put = tuple[str, str, Mapping[str, "Any"]]  # "Any": typing is not loaded at run time
"""(kind, id, fields) of one partial update."""


def put_batch(conn: sqlite3.Connection, batch: list[Put], stamp: str, seq: int) -> int:
    """Some puts, in order: the ids are looked up with one query and the new records are
    inserted with one statement; an existing (or repeated) id is merged one by one."""
    if not batch:
        return 0
    checked = []
    for kind, rid, fields in batch:
        check_key(kind, rid)
        checked.append((kind, rid, check_fields(fields)))
    ids = [rid for _, rid, _ in checked]
    marks = ",".join("?" * len(ids))
    held = {r[0] for r in conn.execute(f"SELECT id FROM records WHERE id IN ({marks})", ids)}
    new: list[tuple[str, str, str, str, int]] = []
    for kind, rid, fields in checked:
        if rid in held:  # stored, or earlier in this batch: written before it is read
            if new:
                conn.executemany(_INSERT_NEW, new)
                new.clear()
            put_one(conn, kind, rid, fields, stamp, seq)
            continue
        held.add(rid)
        new.append((rid, kind, dumps(fields), dumps(dict.fromkeys(fields, stamp)), seq))
    if new:
        conn.executemany(_INSERT_NEW, new)
    return len(checked)


def put_one(
    conn: sqlite3.Connection,
    kind: str,
    rid: str,
    fields: dict[str, Any],
    stamp: str,
    seq: int,
) -> None:
    """One partial update with checked ``fields``: only values that differ get ``stamp``."""
    check_key(kind, rid)
    row = conn.execute(f"SELECT {RECORD_COLUMNS} FROM records WHERE id = ?", (rid,)).fetchone()
    if row is None:
        conn.execute(
            _INSERT_NEW, (rid, kind, dumps(fields), dumps(dict.fromkeys(fields, stamp)), seq)
        )
        return
    current = record_from_row(row)
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
        (dumps(new_fields), dumps(new_stamps), seq, rid),
    )


def require_alive(conn: sqlite3.Connection, kind: str, rid: str) -> None:
    """Refuse unless a live record of ``kind`` has the id ``rid``."""
    row = conn.execute("SELECT kind, alive FROM records WHERE id = ?", (rid,)).fetchone()
    if row is None or not row[1] or row[0] != kind:
        raise ReplicaError(f"no {kind} with id {rid}")


def tombstone(conn: sqlite3.Connection, kind: str, rid: str, stamp: str, *, erased: bool) -> None:
    """Make ``rid`` a tombstone deleted at ``stamp`` (``erased``: for good, GDPR)."""
    seq = next_seq(conn)
    conn.execute(
        "INSERT INTO records (id, kind, fields, stamps, deleted, erased, alive, dirty, seq)"
        " VALUES (?, ?, '{}', '{}', ?, ?, 0, 1, ?)"
        " ON CONFLICT (id) DO UPDATE SET fields = '{}', stamps = '{}',"
        " deleted = excluded.deleted, erased = excluded.erased, alive = 0, dirty = 1,"
        " seq = excluded.seq",
        (rid, kind, stamp, int(erased), seq),
    )
