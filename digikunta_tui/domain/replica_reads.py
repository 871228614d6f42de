"""Reads of the replica's ``records`` table that :class:`sync.Replica` offers too slowly.

The search index is built from, and kept in step with, the replica. A few of its reads are
done here (and in :mod:`index_rows`) in plain SQL on the replica's own connection, read-only,
each for a measured reason (at 50 000 people): ``Replica.records`` sorts every kind by id (a
temporary B-tree per kind a build does not need); ``Replica.records_with_stamps(kind, ids)``
lets SQLite scan all records of the kind for a page of 100 ids (0.1–0.3 s instead of under
1 ms); and there is no count of changed records, nor a lookup by field. Only the columns
``id``, ``kind``, ``fields``, ``alive`` and ``seq`` are used (see ``sync/schema.py``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from collections.abc import Set as AbstractSet
from typing import Any

from sync import Replica

_DECODER = json.JSONDecoder()
_CHUNK = 500  # ids per query (SQLite's host parameter limit is far above)


decode_fields: Callable[[str], tuple[dict[str, Any], int]] = _DECODER.raw_decode
"""Stored fields JSON → (fields, end). ``raw_decode``: the replica wrote the JSON itself, so
``json.loads``'s check of what follows the object is not needed."""


def changed_since(replica: Replica, seq: int) -> int:
    """How many records' visible state changed after change sequence number ``seq``."""
    sql = "SELECT COUNT(*) FROM records WHERE seq > ?"
    return int(replica.conn.execute(sql, (seq,)).fetchone()[0])


def fields_by_id(replica: Replica, wanted: Iterable[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    """The stored fields of the live records among (kind, id) pairs, by id."""
    kinds = dict((rid, kind) for kind, rid in wanted)
    ids = list(kinds)
    found: dict[str, dict[str, Any]] = {}
    decode = decode_fields
    for first in range(0, len(ids), _CHUNK):
        chunk = ids[first : first + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = replica.conn.execute(
            f"SELECT id, kind, alive, fields FROM records WHERE id IN ({marks})", chunk
        )
        for rid, kind, alive, fields in rows:
            if alive and kinds[rid] == kind:
                found[rid] = decode(fields)[0]
    return found


def ids_where(replica: Replica, kind: str, field: str, value: str) -> list[str]:
    """Ids of live ``kind`` records whose ``field`` is the text ``value`` (a scan: for while
    the index is being built). ``email`` compares in lower case, as the index stores it."""
    return ids_where_many(replica, kind, field, {value}).get(value, [])


def ids_where_many(
    replica: Replica, kind: str, field: str, values: AbstractSet[str]
) -> dict[str, list[str]]:
    """:func:`ids_where` of many values in one scan: each value found → its ids."""
    rows = replica.conn.execute(
        "SELECT id, json_extract(fields, ?) FROM records WHERE kind = ? AND alive = 1",
        (f'$."{field}"', kind),
    )
    lower = field == "email"
    found: dict[str, list[str]] = {}
    for rid, stored in rows:
        if lower:
            stored = stored.lower() if isinstance(stored, str) else None
        if isinstance(stored, str) and stored in values:
            found.setdefault(stored, []).append(rid)
    return found


def registration_facts(
    replica: Replica, *, people: bool = True
) -> list[tuple[Any, Any, int | None]]:
    """``(webinar, person, attended minutes)`` of every live registration, read by SQLite.

    For the report's attendance (45 000 registrations at 50 000 people): only three values of
    each record, without decoding its whole JSON in Python. Minutes are given only when stored
    as a JSON integer (anything else is odd data and counts nothing, as :func:`read_int`).
    ``people=False``: the person is None (not read: a network's or a theme's report counts
    everyone's attendance, and each value read costs a parse of the record's JSON).
    """
    person = "json_extract(fields, '$.person')" if people else "NULL"
    rows = replica.conn.execute(
        f"SELECT json_extract(fields, '$.webinar'), {person},"
        " CASE json_type(fields, '$.attended_minutes') WHEN 'integer'"
        " THEN json_extract(fields, '$.attended_minutes') END"
        " FROM records WHERE kind = 'registration' AND alive = 1"
    )
    return rows.fetchall()
