"""Records: ``{id, kind, fields, stamps, deleted[, erased]}`` as plain dicts, and their rules.

Plain dicts (not objects) because the engine handles tens of thousands of them per sync and
compares them with ``==`` in C.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping

RECORD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]*$"
MAX_ID_LENGTH = 128
KIND_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
MAX_DEPTH = 64
"""How deeply lists and objects may nest in a field value (a scalar has depth 0)."""

# C0 and C1 control characters except tab (\x09) and newline (\x0a); DEL too.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_RECORD_ID = re.compile(RECORD_ID_PATTERN)
_KIND = re.compile(KIND_PATTERN)
# Strict JSON: NaN and infinities are refused, never written.
_ENCODER = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, separators=(", ", ": "), allow_nan=False
)


TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TypedDict

    class Record(TypedDict, total=False):
        """A record as stored in the shared document (``erased`` only present when true)."""

        id: str
        kind: str
        fields: dict[str, Any]
        stamps: dict[str, str]
        deleted: str | None
        erased: bool

else:
    Record = dict  # what a record is at run time (``typing`` is not loaded then: see ``sync``)


def new_id() -> str:
    """A new globally unique record id (uuid4 hex)."""
    import uuid  # here: importing uuid costs more than a command that does not need it

    return uuid.uuid4().hex


def clean_text(text: str) -> str:
    """Remove control characters (escape sequences cannot travel through sync)."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def clean_value(value: Any) -> Any:
    """Return ``value`` with every string in it (keys too) cleaned of control characters."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        if not any(_CONTROL.search(k) for k in value):
            return {k: clean_value(v) for k, v in value.items()}
        # Keys that collide once cleaned: the already-clean key wins, else the smallest one,
        # so the result does not depend on the order the keys came in.
        out: dict[str, Any] = {}
        for k in sorted(value, key=lambda k: (bool(_CONTROL.search(k)), k)):
            out.setdefault(clean_text(k), clean_value(value[k]))
        return out
    if isinstance(value, list):
        return [clean_value(v) for v in value]
    return value


def is_record_id(value: object) -> bool:
    """True when ``value`` may be a record id (what the shared document accepts)."""
    return (
        isinstance(value, str)
        and len(value) <= MAX_ID_LENGTH
        and _RECORD_ID.match(value) is not None
        and value[-1] != "\n"  # `$` also matches before a final newline
    )


def is_kind(value: object) -> bool:
    """True when ``value`` may be a record kind (what the shared document accepts)."""
    return isinstance(value, str) and _KIND.match(value) is not None and value[-1] != "\n"


def value_problem(value: Any, *, strings: bool = False, max_depth: int = MAX_DEPTH) -> str | None:
    """Why ``value`` cannot travel as strict JSON, or None when it can.

    Refused: lists and objects nested deeper than ``max_depth``, NaN and infinities, and
    (with ``strings``, for values that did not come through pydantic's parser) text holding
    a lone surrogate, which is not UTF-8. Walks without recursion, so any depth is safe.
    """
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
            if strings and any(_SURROGATE.search(k) for k in item if isinstance(k, str)):
                return "text that is not UTF-8 (a lone surrogate)"
        elif isinstance(item, list | tuple):
            children = item
        elif isinstance(item, float):
            if not math.isfinite(item):
                return f"not a finite number: {item!r}"
            continue
        elif strings and isinstance(item, str):
            if _SURROGATE.search(item):
                return "text that is not UTF-8 (a lone surrogate)"
            continue
        else:
            continue
        if depth >= max_depth:
            return f"lists or objects nested deeper than {max_depth} levels"
        stack.extend((child, depth + 1) for child in children)
    return None


def moved_id(record_id: str, kind: str) -> str:
    """Where a record of ``kind`` lives after losing ``record_id`` to a record of another kind.

    Deterministic from (id, kind), a valid record id of at most 128 characters:
    ``kuopio:person`` (``_`` in a kind becomes ``-``), or a hash of both when that is too long.
    """
    suffix = kind.replace("_", "-")
    candidate = f"{record_id}:{suffix}"
    if len(candidate) <= MAX_ID_LENGTH:
        return candidate
    import hashlib  # here: the record rules do not load OpenSSL (see ``sync``)

    digest = hashlib.sha256(f"{record_id}\x00{kind}".encode()).hexdigest()[:32]
    return f"{digest}:{suffix}"


def is_alive(record: Record) -> bool:
    """A record is alive unless it is erased or its deletion is newer than all its fields."""
    if record.get("erased"):
        return False
    deleted = record.get("deleted")
    if deleted is None:
        return True
    stamps = record["stamps"]
    return bool(stamps) and max(stamps.values()) > deleted


def normalize(record: Record) -> Record:
    """Drop what a deletion hid: fields written before the record's deletion stamp.

    Such fields can never become visible again (deletion stamps only grow), so dropping them
    changes no visible state, and tombstones then carry no field values.
    """
    deleted = record.get("deleted")
    if record.get("erased"):
        return tombstone(record["id"], record["kind"], deleted or "", erased=True)
    if deleted is None:
        return record
    stamps = record["stamps"]
    if all(s > deleted for s in stamps.values()):
        return record
    keep = {f: s for f, s in stamps.items() if s > deleted}
    fields = record["fields"]
    return {
        "id": record["id"],
        "kind": record["kind"],
        "fields": {f: fields[f] for f in keep},
        "stamps": keep,
        "deleted": deleted,
    }


def tombstone(record_id: str, kind: str, stamp: str, *, erased: bool = False) -> Record:
    """A deleted (or GDPR-erased) record: id, kind and stamp only, no field values."""
    rec: Record = {"id": record_id, "kind": kind, "fields": {}, "stamps": {}, "deleted": stamp}
    if erased:
        rec["erased"] = True
    return rec


def canonical_line(record: Mapping[str, object]) -> str:
    """The record as one deterministic JSON line (sorted keys, UTF-8 text)."""
    return _ENCODER.encode(record)


def newest_stamp(record: Record) -> str | None:
    """The largest stamp in the record (fields or deletion)."""
    stamps = record["stamps"]
    newest = max(stamps.values()) if stamps else None
    deleted = record.get("deleted")
    if deleted is not None and (newest is None or deleted > newest):
        return deleted
    return newest
