"""Step 4 of a sync: store the merged state in the replica, in one transaction.

Records edited locally *while* the sync ran (their change-feed number is newer than the
snapshot the sync started from) are not overwritten: they are merged once more, three-way,
against the base they had when the sync started, and stay pending if they still differ.

A sync that erases records held here (a GDPR erasure made on another laptop) counts the
erasure and scrubs the replica file once the transaction is committed (:meth:`Replica.scrub`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .conflicts import merge_conflicts, utc_now_iso
from .merge import merge_record
from .reconcile import Plan
from .records import Record, is_alive
from .replica import Replica, SyncLogEntry
from .replica_sql import dumps, record_from_row

_ALIVE_SQL = (
    "CASE WHEN erased THEN 0 WHEN deleted IS NULL THEN 1 WHEN stamps != '{}' THEN 1 ELSE 0 END"
)


@dataclass
class SyncOutcome:
    """What the engine hands to :func:`commit_sync`."""

    snapshot_seq: int
    plan: Plan
    conflicts: list[dict[str, Any]]
    tag: str | None
    dataset: str
    remote: str
    clock_last: str
    full_read: bool
    log: SyncLogEntry


def commit_sync(replica: Replica, outcome: SyncOutcome) -> list[dict[str, Any]]:
    """Commit a finished sync. Returns conflict entries found for edits made during the sync."""
    plan = outcome.plan
    with replica.write() as conn:
        clock = replica.state.clock(conn)
        clock.observe(outcome.clock_last)
        seq = replica.state.next_seq(conn)
        edited = {
            r[0]
            for r in conn.execute("SELECT id FROM records WHERE seq > ?", (outcome.snapshot_seq,))
        }
        conn.executemany(
            "UPDATE records SET dirty = 0, base_hash = ?, base_stamps = stamps,"
            " base_deleted = deleted WHERE id = ?",
            [(h, rid) for h, rid in plan.unchanged if rid not in edited],
        )
        if plan.staged and _erases_held(conn, plan):
            replica.state.note_erasure(conn)
        if plan.stage:  # written once, straight from the merged lines
            conn.executemany(_STORE_SQL, _stored(plan, edited, seq))
        if plan.pull is not None:  # a first pull: the document's lines as they stand
            conn.executemany(_STORE_SQL, plan.pull.rows(edited, seq))
        late = _merge_edited(conn, plan, edited, clock, seq) if edited else []
        conflicts = merge_conflicts(
            outcome.conflicts, late, erased=replica.state.erased_ids_in(conn)
        )
        conn.execute("DELETE FROM conflicts")
        conn.executemany(
            "INSERT INTO conflicts (id, record, data, resolved) VALUES (?, ?, ?, ?)",
            [(c["id"], c["record"], dumps(c), c.get("resolved")) for c in conflicts],
        )
        before = replica.state.meta_in(conn, "base_generation", "0")
        generation = str(int(before) + 1)
        same_base = before == plan.generation  # no other process committed a sync meanwhile
        if same_base and plan.layout is not None:
            plan.layout.generation = generation
            replica.state.remember_layout(conn, plan.layout)
        else:
            replica.state.remember_layout(conn, None)
        settings = {
            "base_generation": generation,
            "remote_tag": outcome.tag,
            "remote": outcome.remote,
            "dataset": outcome.dataset,
            "clock": clock.last,
            "last_sync": outcome.log.at,
            "conflicts_dirty": "1" if late else None,
        }
        if outcome.full_read:
            settings["syncs_since_full"] = "0"
            settings["last_full_sync"] = outcome.log.at
        else:
            n = int(replica.state.meta_in(conn, "syncs_since_full", "0")) + 1
            settings["syncs_since_full"] = str(n)
        for name, value in settings.items():
            replica.state.set_meta(conn, name, value)
        replica.state.log_sync(outcome.log, conn)
    plan.spent()  # what is left to do needs the bases only: the lines go before the index
    if same_base and plan.pull is not None:  # built when the next sync asks for it
        pull = plan.pull
        replica.state.remember_base_lines(generation, pull.hashes, pull.kinds, pull.ids)
    elif same_base and not plan.whole_index:
        replica.state.forget_base_index()  # made when a sync needs it whole
    elif same_base:
        index = plan.base_index  # the base's index, brought up to the committed base
        for old, new, key in plan.rebased:
            if old is not None and old != new and index.get(old) == key:
                del index[old]
            index[new] = key
        replica.state.remember_base_index(generation, index)
    else:
        replica.state.forget_caches()
    if replica.scrub_due:  # this sync erased records, or an earlier scrub was blocked
        replica.scrub()
    return late


def _erases_held(conn: sqlite3.Connection, plan: Plan) -> bool:
    """True when the staged records erase a record this replica holds unerased.

    Edited records are staged too (and merged in :func:`_merge_edited`, where an erasure
    always wins), so they are covered.
    """
    ids = [row[0] for row in plan.stage.values() if row[4]]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT 1 FROM records WHERE erased = 0 AND id IN ({marks}) LIMIT 1"
        if conn.execute(sql, chunk).fetchone() is not None:
            return True
    return False


# One staged record into the replica; its fields and stamps are read from its JSON line by
# SQLite (no second encoding in Python). ?1 id, ?2 kind, ?3 line, ?4 deleted, ?5 erased,
# ?6 line hash, ?7 seq.
_STORE_SQL = (
    "INSERT INTO records (id, kind, fields, stamps, deleted, erased, alive, dirty,"
    " seq, base_hash, base_stamps, base_deleted)"
    f" SELECT id, kind, fields, stamps, deleted, erased, {_ALIVE_SQL}, 0, seq,"
    " base_hash, stamps, deleted FROM (SELECT ?1 AS id, ?2 AS kind,"
    " json_extract(line, '$.fields') AS fields, json_extract(line, '$.stamps') AS stamps,"
    " ?4 AS deleted, ?5 AS erased, ?6 AS base_hash, ?7 AS seq"
    " FROM (SELECT CAST(?3 AS TEXT) AS line)) WHERE true"
    " ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, fields = excluded.fields,"
    " stamps = excluded.stamps, deleted = excluded.deleted,"
    " erased = excluded.erased, alive = excluded.alive, dirty = 0,"
    " seq = excluded.seq, base_hash = excluded.base_hash,"
    " base_stamps = excluded.base_stamps, base_deleted = excluded.base_deleted"
)


def _stored(plan: Plan, edited: set[str], seq: int) -> Iterator[tuple[Any, ...]]:
    """The staged records not edited during the sync, as :data:`_STORE_SQL` parameters."""
    for rid, kind, line, deleted, erased, h, _ls, _ld in plan.stage.values():
        if rid not in edited:
            yield rid, kind, line, deleted, erased, h, seq


def _line_record(line: bytes | memoryview) -> Record:
    """The record a staged JSON line holds."""
    obj = json.loads(bytes(line))
    rec: Record = {
        "id": obj["id"],
        "kind": obj["kind"],
        "fields": obj["fields"],
        "stamps": obj["stamps"],
        "deleted": obj["deleted"],
    }
    if obj.get("erased"):
        rec["erased"] = True
    return rec


def _merge_edited(
    conn: sqlite3.Connection, plan: Plan, edited: set[str], clock: Any, seq: int
) -> list[dict[str, Any]]:
    """Three-way merge the sync's result into records edited while it ran.

    The base of this merge is the local record *as the sync saw it*: what changed locally
    since then is the edit made during the sync, what changed on the other side is what the
    sync brought in. Only both together are a conflict.
    """
    merged: dict[str, tuple[Record, int, dict[str, Any] | None]] = {}
    rows = list(plan.stage.values())
    if plan.pull is not None:  # a first pull: the records edited here while it ran
        rows.extend(row for rid in edited if (row := plan.pull.staged(rid)) is not None)
    for rid, _kind, line, _deleted, _erased, h, local_stamps, local_deleted in rows:
        if rid in edited:
            seen = None  # the local record the merge saw (None: there was none)
            if local_stamps:
                seen = {"stamps": json.loads(local_stamps), "deleted": local_deleted}
            merged[rid] = (_line_record(line), h, seen)
    unchanged = {rid: h for h, rid in plan.unchanged if rid in edited}
    if unchanged:
        for (_kind, rid), kept, h in plan.entries:
            if rid in unchanged:
                rec = _line_record(plan.line(kept))
                # merged == the local record the sync saw
                merged[rid] = (rec, h, {"stamps": rec["stamps"], "deleted": rec.get("deleted")})
    late: list[dict[str, Any]] = []
    now_iso = utc_now_iso()
    for rid, (theirs, h, seen) in merged.items():
        row = conn.execute(
            "SELECT id, kind, fields, stamps, deleted, erased FROM records WHERE id = ?", (rid,)
        ).fetchone()
        current = record_from_row(row)
        if current["kind"] != theirs["kind"]:
            # Edited here during the sync, and the sync gave this id to a record of another
            # kind: the edit stays as it is, pending, and the next sync moves whichever
            # record loses the id (as for any clash of kinds).
            conn.execute(
                "UPDATE records SET dirty = 1, base_hash = ?, base_stamps = ?,"
                " base_deleted = ? WHERE id = ?",
                (
                    h,
                    dumps(seen["stamps"]) if seen else None,
                    seen["deleted"] if seen else None,
                    rid,
                ),
            )
            continue
        local, found = merge_record(seen, current, theirs, new_stamp=clock.tick, now_iso=now_iso)
        late.extend(found)
        conn.execute(
            "UPDATE records SET kind = ?, fields = ?, stamps = ?, deleted = ?, erased = ?,"
            " alive = ?, dirty = ?, seq = ?, base_hash = ?, base_stamps = ?, base_deleted = ?"
            " WHERE id = ?",
            (
                local["kind"],
                dumps(local["fields"]),
                dumps(local["stamps"]),
                local.get("deleted"),
                int(bool(local.get("erased"))),
                int(is_alive(local)),
                int(local != theirs),
                seq,
                h,
                dumps(theirs["stamps"]),
                theirs.get("deleted"),
                rid,
            ),
        )
    return late
