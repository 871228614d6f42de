"""Step 2 of a sync: decide, record by record, what the merged document and replica hold.

Only records that differ from the base on some side are merged: a document line identical to
a line of the last sync (same hash) is neither parsed nor rewritten. Candidates are merged in
chunks, and merged records that change the replica are staged in a SQLite temp table rather
than kept in memory, so a sync of 100 000 records stays small.

When records of two kinds meet under one id, the loser moves to another id (see
:mod:`sync.merge`). That id is merged last, with everything that claims it: its own local and
remote records and those moved there. The ids a sync moves records to are only known once it
found the clash, so a sync that finds one starts again with those ids held back (rare: once
the clash is written, no replica meets it again).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from .document import ParsedDocument, record_line
from .errors import DocumentError
from .hlc import HybridClock
from .merge import Claim, Claims, arrival_conflicts, joined, merge_record, split_claims
from .records import Record, line_hash, newest_stamp
from .replica import Replica

CHUNK = 2000
MAX_ROUNDS = 16
_dumps = json.JSONEncoder(
    ensure_ascii=False, separators=(",", ":"), sort_keys=True, allow_nan=False
).encode

Entry = tuple[tuple[str, str], bytes, int]  # ((kind, id), document line, line hash)
Base = dict[str, Any] | None


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


@dataclass
class _Held:
    """Ids merged last (records move there), and what claims them so far."""

    ids: set[str]
    remote: dict[str, tuple[Record, int]] = field(default_factory=dict)  # the document's own
    moved: Claims = field(default_factory=dict)  # records moved there, by side
    outside: set[str] = field(default_factory=set)  # targets not held: start again

    def add(self, target: str, side: int, claim: Claim) -> None:
        if target not in self.ids:
            self.outside.add(target)
            return
        self.moved.setdefault(target, ([], []))[side].append(claim)


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


Step = Callable[[int, int], None]
"""Called after each chunk with (records merged so far, records to merge); may raise to stop."""


def _no_step(done: int, total: int) -> None:
    del done, total


def reconcile(
    replica: Replica,
    doc: ParsedDocument | None,
    clock: HybridClock,
    now_iso: str,
    step: Step = _no_step,
) -> Plan:
    """Merge the replica with ``doc`` (None: no document) into a :class:`Plan`.

    ``step`` reports progress chunk by chunk (the engine's progress and cancel checks).

    Raises:
        DocumentError: the document holds an id twice, or ids whose records keep moving.
    """
    held: set[str] = set()
    for _ in range(MAX_ROUNDS):
        plan, outside = _reconcile(replica, doc, clock, now_iso, held, step)
        if not outside:
            return plan
        held |= outside
    source = doc.source if doc is not None else replica.path
    raise DocumentError(f"{source}: too many records of different kinds share ids")


def _reconcile(
    replica: Replica,
    doc: ParsedDocument | None,
    clock: HybridClock,
    now_iso: str,
    held_ids: set[str],
    step: Step,
) -> tuple[Plan, set[str]]:
    plan = Plan()
    held = _Held(held_ids)
    conn = replica.conn
    conn.executescript(STAGE_SCHEMA)
    base_index = replica.base_index()
    dirty = set(replica.dirty_ids())
    seen: set[str] = set()
    remote_lines: list[int] = []
    if doc is not None:
        for i, h in enumerate(doc.hashes):
            key = base_index.get(h)
            if key is not None and key[1] not in dirty and key[1] not in held_ids:
                if key[1] in seen:
                    raise DocumentError(f"{doc.source}: record id {key[1]!r} appears twice")
                seen.add(key[1])
                plan.entries.append((key, doc.lines[i], h))
            else:
                remote_lines.append(i)
    with_base = {rid for _, rid in base_index.values()}
    local_only = sorted((dirty | with_base) - seen - held_ids)  # new here, or missing remotely
    total, done = len(remote_lines) + len(local_only), 0
    step(done, total)
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
            if rid in held_ids:
                held.remote[rid] = (rec, i)
            else:
                recs[rid] = (rec, i)
        _merge_chunk(replica, plan, doc, recs, clock, now_iso, held)
        done += len(chunk)
        step(done, total)
    local_only = [rid for rid in local_only if rid not in seen]  # the chunks saw more ids
    for chunk in _chunks(local_only):
        _merge_chunk(replica, plan, doc, dict.fromkeys(chunk), clock, now_iso, held)
        done += len(chunk)
        step(done, total)
    if held.outside:
        return plan, held.outside
    if held_ids:
        _merge_held(replica, plan, doc, held, clock, now_iso)
        if held.outside:
            return plan, held.outside
    plan.erased |= replica.erased_ids()
    plan.entries.sort(key=itemgetter(0))
    return plan, set()


def _merge_chunk(
    replica: Replica,
    plan: Plan,
    doc: ParsedDocument | None,
    remote: dict[str, tuple[Record, int] | None],
    clock: HybridClock,
    now_iso: str,
    held: _Held,
) -> None:
    rows = replica.rows(remote)
    stage: list[tuple[Any, ...]] = []
    for rid, theirs in remote.items():
        local, base = rows.get(rid, (None, None))
        if theirs is None and local is None:
            continue
        rec_r, pos = theirs if theirs is not None else (None, -1)
        mine, other = local, rec_r
        if local is not None and rec_r is not None and local["kind"] != rec_r["kind"]:
            mine, other = _split(rid, local, rec_r, base, plan, held, now_iso)
        _settle(plan, doc, stage, rid, local, mine, base, other, rec_r, pos, clock, now_iso)
    _stage(replica, plan, stage)


def _split(
    rid: str, local: Record, remote: Record, base: Base, plan: Plan, held: _Held, now_iso: str
) -> tuple[Record | None, Record | None]:
    """Two kinds under ``rid``: what stays there on each side; the other record moves.

    The replica's base describes its own record (the remote one, of another kind, was never
    agreed on), and travels with it.
    """
    claims: Claims = {rid: ([(local, base)], [(remote, None)])}
    entries, moves = split_claims(claims, now_iso, lambda _target: ([], []))
    plan.found.extend(entries)
    for _src, target, side, claim in moves:
        held.add(target, side, claim)
    return joined(claims[rid][0]), joined(claims[rid][1])


def _merge_held(
    replica: Replica,
    plan: Plan,
    doc: ParsedDocument | None,
    held: _Held,
    clock: HybridClock,
    now_iso: str,
) -> None:
    """Merge the held ids with everything that claims them (moved records included)."""
    rows = replica.rows(held.ids)
    claims: Claims = {}
    for rid in sorted(held.ids):
        row, row_base = rows.get(rid, (None, None))
        theirs = held.remote.get(rid)
        moved = held.moved.get(rid, ([], []))
        mine: list[Claim] = [(row, row_base)] if row is not None else []
        other: list[Claim] = []
        if theirs is not None:  # the replica agreed with the document on its own record
            agreed = row is not None and row["kind"] == theirs[0]["kind"]
            other.append((theirs[0], row_base if agreed else None))
        claims[rid] = (mine + moved[0], other + moved[1])

    def seed(target: str) -> tuple[list[Claim], list[Claim]]:
        held.outside.add(target)  # the moves sorted out here go on to an id not held
        return [], []

    entries, moves = split_claims(claims, now_iso, seed)
    if held.outside:
        return
    plan.found.extend(entries)
    arrived = set(held.moved) | {target for _, target, _, _ in moves}
    stage: list[tuple[Any, ...]] = []
    for rid, (mine, theirs) in claims.items():
        lv, rv = joined(mine), joined(theirs)
        if lv is None and rv is None:
            continue
        row = rows.get(rid, (None, None))[0]
        # the base of the replica's record here, else of the first local record moved here
        base = next((b for rec, b in mine if lv is not None and rec["kind"] == lv["kind"]), None)
        original = held.remote.get(rid)
        pos = original[1] if original is not None and original[0] == rv else -1
        merged = _settle(plan, doc, stage, rid, row, lv, base, rv, rv, pos, clock, now_iso)
        if merged is not None and rid in arrived:
            plan.found.extend(arrival_conflicts(merged, mine + theirs, now_iso))
    _stage(replica, plan, stage)


def _settle(
    plan: Plan,
    doc: ParsedDocument | None,
    stage: list[tuple[Any, ...]],
    rid: str,
    row: Record | None,
    local: Record | None,
    base: Base,
    remote: Record | None,
    rec_r: Record | None,
    pos: int,
    clock: HybridClock,
    now_iso: str,
) -> Record | None:
    """Merge one id and note what changes where; return the merged record.

    ``row`` is the replica's record now (None: none), ``local`` and ``remote`` the versions to
    merge (after any move), ``rec_r`` the document's record at this id and ``pos`` its line
    (-1 when the document's line is not this id's merged input).
    """
    if local is None and remote is None:
        return None
    merged, conflicts = merge_record(base, local, remote, new_stamp=clock.tick, now_iso=now_iso)
    plan.found.extend(conflicts)
    if merged == rec_r and doc is not None and pos >= 0:
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
    if merged == row:
        plan.unchanged.append((h, rid))
        return merged
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
            _dumps(row["stamps"]) if row is not None else None,
            row.get("deleted") if row is not None else None,
        )
    )
    return merged


def _stage(replica: Replica, plan: Plan, stage: list[tuple[Any, ...]]) -> None:
    if stage:
        replica.conn.executemany(
            "INSERT OR REPLACE INTO temp.sync_stage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", stage
        )
        plan.staged += len(stage)
