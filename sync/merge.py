"""Three-way merge of records: pure functions, no I/O.

Per field the larger stamp wins; deletion stamps merge the same way. That alone converges.
The base (the state both sides last agreed on) only decides what is a *conflict*: a field both
sides changed since the base to different values. The winner is still the larger stamp, but
the loser is kept as a conflict entry. A deletion on one side and an edit on the other bring the
record back whole (re-stamped) plus a conflict entry, and an erasure always wins.

A base record needs only ``stamps`` and ``deleted``: values are never compared with the base.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .conflicts import conflict_id
from .hlc import stamp_replica
from .records import Record, is_alive, normalize, tombstone

NewStamp = Callable[[], str]


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
    """
    if a == b:
        return a
    if a.get("erased") or b.get("erased"):
        stamps = [r["deleted"] for r in (a, b) if r.get("erased") and r.get("deleted")]
        return tombstone(a["id"], a["kind"], max(stamps), erased=True)
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
    """
    if local is None or remote is None:
        only = local if remote is None else remote
        if only is None:
            raise ValueError("merge_record needs at least one side")
        return normalize(only), []
    if local == remote:
        return local, []
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

    Returns:
        The merged records by id and the new conflict entries, sorted by id.
    """
    out: dict[str, Record] = {}
    found: dict[str, dict[str, Any]] = {}
    for rid in local.keys() | remote.keys():
        rec, conflicts = merge_record(
            base.get(rid), local.get(rid), remote.get(rid), new_stamp=new_stamp, now_iso=now_iso
        )
        out[rid] = rec
        for entry in conflicts:
            found[entry["id"]] = entry
    return out, [found[k] for k in sorted(found)]


def common_base(a: Mapping[str, Record], b: Mapping[str, Record]) -> dict[str, dict[str, Any]]:
    """The base of two documents with no known common ancestor (a cloud conflict copy).

    For each record both hold, the fields on which they carry the same stamp (and the deletion
    stamp if equal): what they provably agreed on. Anything else changed on at least one side.
    """
    base: dict[str, dict[str, Any]] = {}
    for rid in a.keys() & b.keys():
        ra, rb = a[rid], b[rid]
        sb = rb["stamps"]
        same = {f: s for f, s in ra["stamps"].items() if sb.get(f) == s}
        deleted = ra.get("deleted") if ra.get("deleted") == rb.get("deleted") else None
        base[rid] = {"stamps": same, "deleted": deleted}
    return base
