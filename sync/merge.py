"""Three-way merge of records: pure functions, no I/O.

Per field the larger stamp wins; deletion stamps merge the same way. That alone converges.
The base (the state both sides last agreed on) only decides what is a *conflict*: a field both
sides changed since the base to different values. The winner is still the larger stamp, but
the loser is kept as a conflict entry. A deletion on one side and an edit on the other bring the
record back whole (re-stamped) plus a conflict entry, and an erasure always wins.

An id names one record of one kind. When records of two kinds meet under one id (made apart on
two laptops), the kind that sorts first keeps the id and the other record moves, with its own
fields and stamps, to :func:`moved_id` — the same place on every replica, so the same record
moved by two replicas joins there normally — plus one conflict entry saying so (no values).

A base record needs only ``stamps`` and ``deleted``: values are never compared with the base.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .conflicts import conflict_id
from .hlc import stamp_replica
from .records import Record, is_alive, moved_id, normalize, tombstone

NewStamp = Callable[[], str]
Base = Mapping[str, Any] | None
Claim = tuple[Record, Base]
"""A record claiming an id, with the base of its own line (what its replica agreed on)."""
Claims = dict[str, tuple[list[Claim], list[Claim]]]
"""id -> (the local claims on it, the remote ones): what :func:`split_claims` sorts out."""
Move = tuple[str, str, int, Claim]
"""(from id, to id, side: 0 local or 1 remote, the claim as moved)."""


def collision_entry(record_id: str, winner: str, loser: str, now_iso: str) -> dict[str, Any]:
    """The conflict entry for records of kinds ``winner`` and ``loser`` that met under one id."""
    return {
        "id": conflict_id(record_id, None, f"kind:{winner}", f"kind:{loser}"),
        "record": record_id,
        "kind": winner,
        "field": None,
        "kept": {"kind": winner},
        "lost": {"kind": loser, "moved_to": moved_id(record_id, loser)},
        "detected_at": now_iso,
        "resolved": None,
    }


def split_claims(
    claims: Claims, now_iso: str, seed: Callable[[str], tuple[list[Claim], list[Claim]]]
) -> tuple[list[dict[str, Any]], list[Move]]:
    """Leave one kind per id in ``claims`` (changed in place); return entries and moves.

    At each id the smallest kind claiming it keeps it; every record of another kind moves to
    :func:`moved_id` on its own side, with its base, and joins whatever claims that id there
    (``seed(id)`` gives the claims of an id not yet in ``claims``), sorted out in turn.
    """
    entries: dict[str, dict[str, Any]] = {}
    moves: list[Move] = []
    todo = sorted(claims, reverse=True)
    while todo:
        rid = todo.pop()
        sides = claims[rid]
        kinds = {rec["kind"] for claims_ in sides for rec, _ in claims_}
        if len(kinds) < 2:
            continue
        winner = min(kinds)
        for side, side_claims in enumerate(sides):
            keep = []
            for rec, base in side_claims:
                if rec["kind"] == winner:
                    keep.append((rec, base))
                    continue
                target = moved_id(rid, rec["kind"])
                if target not in claims:
                    claims[target] = seed(target)
                moved: Claim = ({**rec, "id": target}, base)
                claims[target][side].append(moved)
                moves.append((rid, target, side, moved))
                entry = collision_entry(rid, winner, rec["kind"], now_iso)
                entries[entry["id"]] = entry
                todo.append(target)
            side_claims[:] = keep
    return [entries[k] for k in sorted(entries)], moves


def joined(claims: list[Claim]) -> Record | None:
    """The join of one side's claims on an id (all of one kind), or None when there are none."""
    if not claims:
        return None
    out = claims[0][0]
    for rec, _ in claims[1:]:
        out = join_records(out, rec)
    return out


def arrival_conflicts(merged: Record, claims: list[Claim], now_iso: str) -> list[dict[str, Any]]:
    """Values that the merge at an id records moved to dropped unseen, as conflict entries.

    Records meet there by a move: a record already at the new id, or the same record moved
    on two laptops and edited apart. They were never merged with each other, so no one base
    says who saw what. A value that lost to a different one is kept as a conflict entry
    unless the winner had seen it: the winner's own base holds it, or the loser is the same
    record (they share a write) and its value is the one its replica had agreed on.
    """
    if merged.get("erased"):
        return []
    fields, stamps = merged["fields"], merged["stamps"]
    found: dict[str, dict[str, Any]] = {}
    for field, won in stamps.items():
        winners = [(rec, base) for rec, base in claims if rec["stamps"].get(field) == won]
        for rec, base in claims:
            stamp = rec["stamps"].get(field)
            if stamp is None or stamp == won or rec["fields"][field] == fields[field]:
                continue
            agreed = base is not None and base.get("stamps", {}).get(field) == stamp
            if any(
                (w_base is not None and w_base.get("stamps", {}).get(field) == stamp)
                or (agreed and _one_record(rec, winner))
                for winner, w_base in winners
            ):
                continue
            rid, kind = merged["id"], merged["kind"]
            lost = (rec["fields"][field], stamp)
            entry = _field_conflict(rid, kind, field, (fields[field], won), lost, now_iso)
            found[entry["id"]] = entry
    return [found[k] for k in sorted(found)]


def _one_record(a: Record, b: Record) -> bool:
    """True when ``a`` and ``b`` share a write: versions of one record, not two records."""
    b_stamps = b["stamps"]
    return any(b_stamps.get(f) == s for f, s in a["stamps"].items())


def _field_conflict(
    rid: str, kind: str, field: str, win: tuple[Any, str], lose: tuple[Any, str], now_iso: str
) -> dict[str, Any]:
    return {
        "id": conflict_id(rid, field, win[1], lose[1]),
        "record": rid,
        "kind": kind,
        "field": field,
        "kept": {"value": win[0], "stamp": win[1]},
        "lost": {"value": lose[0], "stamp": lose[1]},
        "detected_at": now_iso,
        "resolved": None,
    }


def _deleted_since(record: Record, base: Mapping[str, Any] | None) -> bool:
    deleted = record.get("deleted")
    if deleted is None or is_alive(record):
        return False
    return base is None or deleted != base.get("deleted")


def _edited_since(record: Record, base: Mapping[str, Any] | None) -> bool:
    if not is_alive(record):
        return False
    base_stamps = base.get("stamps", {}) if base else {}
    return any(base_stamps.get(f) != s for f, s in record["stamps"].items())


def join_records(a: Record, b: Record) -> Record:
    """The last-writer-wins join of two versions of one record, ignoring any base.

    Commutative, associative and idempotent: per field the larger stamp wins, the deletion stamp
    is the larger one, an erasure wins over everything.

    Raises:
        ValueError: the two are not the same record (id and kind).
    """
    if a == b:
        return a
    if a["id"] != b["id"] or a["kind"] != b["kind"]:
        raise ValueError(f"not one record: {a['kind']} {a['id']} and {b['kind']} {b['id']}")
    if a.get("erased") or b.get("erased"):
        erased_at = [d for r in (a, b) if r.get("erased") and (d := r.get("deleted"))]
        return tombstone(a["id"], a["kind"], max(erased_at), erased=True)
    fields, stamps = dict(a["fields"]), dict(a["stamps"])
    a_stamps = a["stamps"]
    b_fields = b["fields"]
    for field, stamp in b["stamps"].items():
        mine = a_stamps.get(field)
        if mine is None or stamp > mine:
            fields[field], stamps[field] = b_fields[field], stamp
    deletes = [d for d in (a.get("deleted"), b.get("deleted")) if d is not None]
    return normalize(
        {
            "id": a["id"],
            "kind": a["kind"],
            "fields": fields,
            "stamps": stamps,
            "deleted": max(deletes) if deletes else None,
        }
    )


def _field_conflicts(
    base: Mapping[str, Any] | None, local: Record, remote: Record, now_iso: str
) -> list[dict[str, Any]]:
    """Fields both sides changed since the base, to different values."""
    lf, ls = local["fields"], local["stamps"]
    rf = remote["fields"]
    base_stamps: Mapping[str, str] = base.get("stamps", {}) if base else {}
    rid, kind = local["id"], local["kind"]
    found = []
    for field, r_stamp in remote["stamps"].items():
        l_stamp = ls.get(field)
        if l_stamp is None or l_stamp == r_stamp:
            continue
        b_stamp = base_stamps.get(field)
        if l_stamp != b_stamp and r_stamp != b_stamp and lf[field] != rf[field]:
            l_side, r_side = (lf[field], l_stamp), (rf[field], r_stamp)
            win, lose = (r_side, l_side) if r_stamp > l_stamp else (l_side, r_side)
            found.append(_field_conflict(rid, kind, field, win, lose, now_iso))
    return found


def merge_record(
    base: Mapping[str, Any] | None,
    local: Record | None,
    remote: Record | None,
    *,
    new_stamp: NewStamp,
    now_iso: str,
) -> tuple[Record, list[dict[str, Any]]]:
    """Merge one record's local and remote versions against their common base.

    Args:
        base: stamps/deleted of the record as both sides last agreed on (None: never agreed).
        local: this replica's version (None: unknown here).
        remote: the other side's version (None: unknown there).
        new_stamp: issues a fresh stamp (larger than every stamp seen), used to re-stamp a
            record restored after a delete-versus-edit conflict.
        now_iso: the detection time written into new conflict entries.

    Returns:
        The merged record and the conflict entries found (possibly none).

    Raises:
        ValueError: no side given, or the two sides are of different kinds (sort those out
            first with :func:`split_claims`, as :func:`merge` does).
    """
    if local is None or remote is None:
        only = local if remote is None else remote
        if only is None:
            raise ValueError("merge_record needs at least one side")
        return normalize(only), []
    if local == remote:
        return local, []
    if local["kind"] != remote["kind"]:
        raise ValueError(f"record {local['id']}: a {local['kind']} and a {remote['kind']}")
    if local.get("erased") or remote.get("erased"):
        return join_records(local, remote), []
    merged = join_records(local, remote)
    conflicts = _field_conflicts(base, local, remote, now_iso)
    l_del, r_del = _deleted_since(local, base), _deleted_since(remote, base)
    if l_del != r_del:
        dead, alive = (local, remote) if l_del else (remote, local)
        if _edited_since(alive, base):
            return _restore(alive, dead, merged.get("deleted"), new_stamp, now_iso)
    return merged, conflicts


def _restore(
    alive: Record, dead: Record, deleted: str | None, new_stamp: NewStamp, now_iso: str
) -> tuple[Record, list[dict[str, Any]]]:
    """Delete versus edit: the edited version comes back whole, with fresh stamps."""
    stamp = new_stamp()
    if deleted is not None and stamp <= deleted:  # the caller's clock must have seen `deleted`
        raise ValueError("new_stamp() must be larger than every stamp observed")
    del_stamp = dead["deleted"] or ""
    rid, kind = alive["id"], alive["kind"]
    restored: Record = {
        "id": rid,
        "kind": kind,
        "fields": dict(alive["fields"]),
        "stamps": dict.fromkeys(alive["fields"], stamp),
        "deleted": deleted,
    }
    entry = {
        "id": conflict_id(rid, None, del_stamp, max(alive["stamps"].values(), default="")),
        "record": rid,
        "kind": kind,
        "field": None,
        "kept": {"restored": stamp},
        "lost": {"deleted": del_stamp, "by": stamp_replica(del_stamp)},
        "detected_at": now_iso,
        "resolved": None,
    }
    return restored, [entry]


def merge(
    base: Mapping[str, Mapping[str, Any]],
    local: Mapping[str, Record],
    remote: Mapping[str, Record],
    *,
    new_stamp: NewStamp,
    now_iso: str,
) -> tuple[dict[str, Record], list[dict[str, Any]]]:
    """Merge whole record sets (dicts by id). Pure: same inputs, same outputs.

    Records of different kinds under one id are sorted out first (see :func:`split_claims`);
    a record that moved is merged at its new id with ``base`` of that id.

    Returns:
        The merged records by id and the new conflict entries, sorted by id.
    """
    out: dict[str, Record] = {}
    found: dict[str, dict[str, Any]] = {}

    def seed(rid: str) -> tuple[list[Claim], list[Claim]]:
        b = base.get(rid)
        return (
            [(local[rid], b)] if rid in local else [],
            [(remote[rid], b)] if rid in remote else [],
        )

    clashes = [r for r in local.keys() & remote.keys() if local[r]["kind"] != remote[r]["kind"]]
    claims: Claims = {rid: seed(rid) for rid in clashes}
    targets: set[str] = set()
    if claims:
        entries, moves = split_claims(claims, now_iso, seed)
        found.update((e["id"], e) for e in entries)
        targets = {target for _, target, _, _ in moves}
    for rid in local.keys() | remote.keys() | claims.keys():
        if rid in claims:
            lv, rv = joined(claims[rid][0]), joined(claims[rid][1])
            if lv is None and rv is None:
                continue
        else:
            lv, rv = local.get(rid), remote.get(rid)
        rec, conflicts = merge_record(base.get(rid), lv, rv, new_stamp=new_stamp, now_iso=now_iso)
        out[rid] = rec
        if rid in targets:
            arrived = claims[rid][0] + claims[rid][1]
            conflicts = conflicts + arrival_conflicts(rec, arrived, now_iso)
        for entry in conflicts:
            found[entry["id"]] = entry
    return out, [found[k] for k in sorted(found)]


def common_base(a: Mapping[str, Record], b: Mapping[str, Record]) -> dict[str, dict[str, Any]]:
    """The base of two documents with no known common ancestor (a cloud conflict copy).

    For each record both hold, the fields on which they carry the same stamp (and the deletion
    stamp if equal): what they provably agreed on. Anything else changed on at least one side.

    A tombstone keeps no field stamps (see :func:`sync.records.normalize`), so a deleted side
    cannot show the stamps it agreed on. The fields of the other side that the deleting replica
    wrote itself before its deletion (same replica id, smaller stamp: one replica's clock only
    grows) were known when it deleted them: they count as agreed, so an older version of the
    record is not taken for an edit that must be revived (see :func:`seen_by_deleter`).
    """
    base: dict[str, dict[str, Any]] = {}
    for rid in a.keys() & b.keys():
        ra, rb = a[rid], b[rid]
        sb = rb["stamps"]
        same = {f: s for f, s in ra["stamps"].items() if sb.get(f) == s}
        same.update(seen_by_deleter(ra, rb))
        same.update(seen_by_deleter(rb, ra))
        deleted = ra.get("deleted") if ra.get("deleted") == rb.get("deleted") else None
        base[rid] = {"stamps": same, "deleted": deleted}
    return base


def seen_by_deleter(dead: Record, other: Record) -> dict[str, str]:
    """The field stamps of ``other`` that the replica which deleted ``dead`` provably knew.

    Those it wrote itself with a smaller stamp than its deletion: a replica's own stamps are
    ordered by its clock, and its local state only grows. Empty when ``dead`` is alive.
    """
    deleted = dead.get("deleted")
    if deleted is None or is_alive(dead):
        return {}
    author = stamp_replica(deleted)
    return {f: s for f, s in other["stamps"].items() if s < deleted and stamp_replica(s) == author}
