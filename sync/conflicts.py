"""Conflict entries: the losing side of a concurrent edit, kept until a person resolves it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from .records import moved_id
from .value import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

RESOLVED_KEPT_FOR = timedelta(days=90)


def conflict_id(record_id: str, field: str | None, stamp_a: str, stamp_b: str) -> str:
    """Identity of a conflict: the same conflict found twice (or by two replicas) is one entry."""
    low, high = sorted((stamp_a, stamp_b))
    key = f"{record_id}\x00{field or ''}\x00{low}\x00{high}".encode()
    import hashlib  # here: a sync that finds nothing changed hashes nothing (``sync``)

    return hashlib.sha256(key).hexdigest()[:32]


class ConflictEntry(Value):
    """A conflict as stored in the shared document and in every replica.

    Attributes:
        id: see :func:`conflict_id`.
        record: the record's id.
        kind: the record's kind.
        field: the field both sides changed, or None for delete-versus-edit.
        kept: ``{"value", "stamp"}`` of the winner (``{"restored": stamp}`` for delete-vs-edit).
        lost: ``{"value", "stamp"}`` of the loser (``{"deleted": stamp, "by": replica}``).
        detected_at: ISO time (UTC) the conflict was first found.
        resolved: ISO time (UTC) it was resolved, or None while open.
    """

    __slots__ = ("detected_at", "field", "id", "kept", "kind", "lost", "record", "resolved")

    def __init__(
        self,
        id: str,
        record: str,
        kind: str,
        field: str | None,
        kept: dict[str, Any],
        lost: dict[str, Any],
        detected_at: str,
        resolved: str | None = None,
    ) -> None:
        self.id = id
        self.record = record
        self.kind = kind
        self.field = field
        self.kept = kept
        self.lost = lost
        self.detected_at = detected_at
        self.resolved = resolved

    @property
    def is_delete_conflict(self) -> bool:
        """True for delete-versus-edit (the record was restored)."""
        return self.field is None and not self.is_id_collision

    @property
    def is_id_collision(self) -> bool:
        """True when two records of different kinds met under one id.

        Then ``kept`` is ``{"kind": kind that kept the id}`` and ``lost`` is
        ``{"kind": the other kind, "moved_to": the id that record now has}``.
        """
        return self.field is None and "moved_to" in self.lost

    def to_json(self) -> dict[str, Any]:
        """The entry as stored in the shared document."""
        return {
            "id": self.id,
            "record": self.record,
            "kind": self.kind,
            "field": self.field,
            "kept": self.kept,
            "lost": self.lost,
            "detected_at": self.detected_at,
            "resolved": self.resolved,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ConflictEntry:
        """Build an entry from its stored form (already validated)."""
        return cls(
            id=data["id"],
            record=data["record"],
            kind=data["kind"],
            field=data.get("field"),
            kept=data["kept"],
            lost=data["lost"],
            detected_at=data["detected_at"],
            resolved=data.get("resolved"),
        )


def _earliest(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)


def _about_erased(entry: dict[str, Any], erased: set[str] | frozenset[str]) -> bool:
    """True when the entry's record is erased, at its id or where it moved since."""
    rid = entry["record"]
    for _ in range(4):  # a record moves again only when its new id was taken too
        if rid in erased:
            return True
        rid = moved_id(rid, entry["kind"])
    return False


def merge_conflicts(
    *lists: list[dict[str, Any]],
    erased: set[str] | frozenset[str] = frozenset(),
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Union conflict lists by id.

    ``resolved`` once set stays set (the earliest time wins), the earliest ``detected_at`` wins,
    entries about erased records are dropped (they may hold personal data; an entry names the
    id its record had when it was found, so one whose record moved to another id and was
    erased there goes too), and resolved entries older than 90 days are dropped. The result
    is sorted by id.
    """
    merged: dict[str, dict[str, Any]] = {}
    for entries in lists:
        for entry in entries:
            if erased and _about_erased(entry, erased):
                continue
            known = merged.get(entry["id"])
            if known is None:
                merged[entry["id"]] = entry
                continue
            resolved = _earliest(known.get("resolved"), entry.get("resolved"))
            detected = min(known["detected_at"], entry["detected_at"])
            if resolved != known.get("resolved") or detected != known["detected_at"]:
                merged[entry["id"]] = {**known, "resolved": resolved, "detected_at": detected}
    cutoff = ((now or datetime.now(UTC)) - RESOLVED_KEPT_FOR).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [
        merged[cid]
        for cid in sorted(merged)
        if not merged[cid].get("resolved") or merged[cid]["resolved"] >= cutoff
    ]


def utc_now_iso(now: datetime | None = None) -> str:
    """Current time as ISO 8601 UTC with a ``Z`` (second precision)."""
    return (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
