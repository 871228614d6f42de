"""The last step of a sync: store the merged state in the replica, in one transaction.

Records edited locally *while* the sync ran (their change-feed number is newer than the
snapshot the sync started from) are not overwritten: they are merged once more, three-way,
against the base they had when the sync started, and stay pending if they still differ.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .conflicts import merge_conflicts, utc_now_iso
from .merge import merge_record
from .records import Record, is_alive
from .replica import Replica, SyncLogEntry, _row_record

_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode


@dataclass
class SyncOutcome:
    """What the engine hands to :func:`commit_sync`."""

    snapshot_seq: int
    updates: dict[str, tuple[Record, int]]  # id -> (merged record, hash of its document line)
    pre_bases: dict[str, dict[str, Any] | None]  # base views the merge used, by id
    conflicts: list[dict[str, Any]]
    tag: str | None
    dataset: str
    remote: str
    clock_last: str
    full_read: bool
    log: SyncLogEntry
    index: dict[int, tuple[str, str]]  # line hash -> (kind, id) of the whole new base


def commit_sync(replica: Replica, outcome: SyncOutcome) -> list[dict[str, Any]]:
    """Commit a finished sync. Returns conflict entries found for edits made during the sync."""
    late_conflicts: list[dict[str, Any]] = []
    ids = list(outcome.updates)
    with replica.write() as conn:
        clock = replica.clock(conn)
        clock.observe(outcome.clock_last)
        seq = replica.next_seq(conn)
        current = _current_rows(conn, ids)
        now_iso = utc_now_iso()
        for rid, (merged, line_hash) in outcome.updates.items():
            row = current.get(rid)
            local: Record = merged
            dirty = 0
            if row is not None and row[1] > outcome.snapshot_seq:  # edited during the sync
                local, found = merge_record(
                    outcome.pre_bases.get(rid),
                    row[0],
                    merged,
                    new_stamp=clock.tick,
                    now_iso=now_iso,
                )
                late_conflicts.extend(found)
                dirty = int(local != merged)
            visible_changed = row is None or _visible(row[0]) != _visible(local)
            conn.execute(
                "INSERT INTO records (id, kind, fields, stamps, deleted, erased, alive, dirty,"
                " seq, base_hash, base_stamps, base_deleted)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO UPDATE SET fields = excluded.fields,"
                " stamps = excluded.stamps, deleted = excluded.deleted, erased = excluded.erased,"
                " alive = excluded.alive, dirty = excluded.dirty,"
                " seq = CASE WHEN ? THEN excluded.seq ELSE records.seq END,"
                " base_hash = excluded.base_hash, base_stamps = excluded.base_stamps,"
                " base_deleted = excluded.base_deleted",
                (
                    rid,
                    local["kind"],
                    _dumps(local["fields"]),
                    _dumps(local["stamps"]),
                    local.get("deleted"),
                    int(bool(local.get("erased"))),
                    int(is_alive(local)),
                    dirty,
                    seq,
                    line_hash,
                    _dumps(merged["stamps"]),
                    merged.get("deleted"),
                    int(visible_changed),
                ),
            )
        conflicts = merge_conflicts(
            outcome.conflicts, late_conflicts, erased=replica.erased_ids_in(conn)
        )
        conn.execute("DELETE FROM conflicts")
        conn.executemany(
            "INSERT INTO conflicts (id, record, data, resolved) VALUES (?, ?, ?, ?)",
            [(c["id"], c["record"], _dumps(c), c.get("resolved")) for c in conflicts],
        )
        generation = str(int(replica.meta_in(conn, "base_generation", "0")) + 1)
        settings = {
            "base_generation": generation,
            "remote_tag": outcome.tag,
            "remote": outcome.remote,
            "dataset": outcome.dataset,
            "clock": clock.last,
            "last_sync": outcome.log.at,
            "conflicts_dirty": "1" if late_conflicts else None,
        }
        if outcome.full_read:
            settings["syncs_since_full"] = "0"
            settings["last_full_sync"] = outcome.log.at
        else:
            n = int(replica.meta_in(conn, "syncs_since_full", "0")) + 1
            settings["syncs_since_full"] = str(n)
        for key, value in settings.items():
            replica.set_meta(conn, key, value)
        replica.log_sync(outcome.log, conn)
    replica.remember_base_index(generation, outcome.index)
    return late_conflicts


def _current_rows(conn: Any, ids: list[str]) -> dict[str, tuple[Record, int]]:
    out: dict[str, tuple[Record, int]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            f"SELECT id, kind, fields, stamps, deleted, erased, seq FROM records"
            f" WHERE id IN ({marks})",
            chunk,
        ):
            out[row[0]] = (_row_record(row), row[6])
    return out


def _visible(record: Mapping[str, Any]) -> tuple[bool, Any]:
    alive = is_alive(record)  # type: ignore[arg-type]
    return alive, record["fields"] if alive else None
