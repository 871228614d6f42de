"""Step 2 of a sync: decide, record by record, what the merged document and replica hold.

Only records that differ from the base on some side are merged: a document line identical to
a line of the last sync (same hash) is neither parsed nor rewritten. Candidates are merged in
chunks, and merged records that change the replica are staged in a SQLite temp table rather
than kept in memory, so a sync of 100 000 records stays small.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from .document import ParsedDocument, record_line
from .errors import DocumentError
from .hlc import HybridClock
from .merge import merge_record
from .records import Record, line_hash, newest_stamp
from .replica import Replica

CHUNK = 2000
_dumps = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
).encode

Entry = tuple[tuple[str, str], bytes, int]  # ((kind, id), document line, line hash)


@dataclass
class Plan:
    """The outcome of reconciling: what to write and what to commit."""

    entries: list[Entry] = field(default_factory=list)
    unchanged: list[tuple[int, str]] = field(default_factory=list)  # (line hash, id): base only
    staged: int = 0  # records in temp.sync_stage (the replica changes)
    found: list[dict[str, Any]] = field(default_factory=list)
    changed_remote: bool = False  # some record differs from the remote's
    newly_erased: set[str] = field(default_factory=set)
    erased: set[str] = field(default_factory=set)
    pulled: int = 0
    pushed: int = 0


STAGE_SCHEMA = """
DROP TABLE IF EXISTS temp.sync_stage;
CREATE TEMP TABLE sync_stage (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, fields TEXT NOT NULL, stamps TEXT NOT NULL,
    deleted TEXT, erased INTEGER NOT NULL, base_hash INTEGER NOT NULL,
    local_stamps TEXT, local_deleted TEXT  -- the local record the merge saw (NULL: none)
);
"""


def _chunks(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def reconcile(
    replica: Replica, doc: ParsedDocument | None, clock: HybridClock, now_iso: str
) -> Plan:
    """Merge the replica with ``doc`` (None: no document) into a :class:`Plan`."""
    plan = Plan()
    conn = replica.conn
    conn.executescript(STAGE_SCHEMA)
    base_index = replica.base_index()
    dirty = set(replica.dirty_ids())
    seen: set[str] = set()
    remote_lines: list[int] = []
    if doc is not None:
        for i, h in enumerate(doc.hashes):
            key = base_index.get(h)
            if key is not None and key[1] not in dirty:
                if key[1] in seen:
                    raise DocumentError(f"{doc.source}: record id {key[1]!r} appears twice")
                seen.add(key[1])
                plan.entries.append((key, doc.lines[i], h))
            else:
                remote_lines.append(i)
    for chunk in _chunks(remote_lines):
        assert doc is not None
        recs = {}
        for i in chunk:
            rec = doc.record(i)
            rid = rec["id"]
            if rid in seen:
                raise DocumentError(f"{doc.source}: record id {rid!r} appears twice")
            seen.add(rid)
            clock.observe(newest_stamp(rec))
            recs[rid] = (rec, i)
        _merge_chunk(replica, plan, doc, recs, clock, now_iso)
    with_base = {rid for _, rid in base_index.values()}
    local_only = sorted((dirty | with_base) - seen)  # new here, or missing from the remote
    for chunk in _chunks(local_only):
        _merge_chunk(replica, plan, doc, dict.fromkeys(chunk), clock, now_iso)
    plan.erased |= replica.erased_ids()
    plan.entries.sort(key=itemgetter(0))
    return plan


def _merge_chunk(
    replica: Replica,
    plan: Plan,
    doc: ParsedDocument | None,
    remote: dict[str, tuple[Record, int] | None],
    clock: HybridClock,
    now_iso: str,
) -> None:
    rows = replica.rows(remote)
    stage = []
    for rid, theirs in remote.items():
        local, base = rows.get(rid, (None, None))
        if theirs is None and local is None:
            continue
        rec_r, pos = theirs if theirs is not None else (None, -1)
        merged, conflicts = merge_record(base, local, rec_r, new_stamp=clock.tick, now_iso=now_iso)
        plan.found.extend(conflicts)
        if merged == rec_r and doc is not None:
            line, h = doc.lines[pos], doc.hashes[pos]
        else:
            line = record_line(merged)
            h = line_hash(line)
            plan.changed_remote = True
            plan.pushed += 1
            if merged.get("erased") and not (rec_r or {}).get("erased"):
                plan.newly_erased.add(rid)
        if merged.get("erased"):
            plan.erased.add(rid)  # erased elsewhere: its conflict entries go too
        plan.entries.append(((merged["kind"], rid), line, h))
        if merged == local:
            plan.unchanged.append((h, rid))
            continue
        plan.pulled += 1
        stage.append(
            (
                rid,
                merged["kind"],
                _dumps(merged["fields"]),
                _dumps(merged["stamps"]),
                merged.get("deleted"),
                int(bool(merged.get("erased"))),
                h,
                _dumps(local["stamps"]) if local is not None else None,
                local.get("deleted") if local is not None else None,
            )
        )
    if stage:
        replica.conn.executemany(
            "INSERT OR REPLACE INTO temp.sync_stage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", stage
        )
        plan.staged += len(stage)
