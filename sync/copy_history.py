"""Which conflict copies hold nothing new: the history a shared document provably contains.

Every write of the shared document records, under ``replicas[writer]``, the writer's own
generation and time (``last_write``), and every later write carries that entry on. A replica
writes the merge of its whole local state, and its local state only grows, so a writer's later
write holds everything its earlier one held. Hence a document ``outer`` contains a document
``inner`` written by W when ``outer.replicas[W]`` records a write by W that is not older than
``inner``'s: its generation is not smaller **and** its ``last_write`` (W's own clock) is not
earlier than ``inner.written_at``.

The generation alone is not enough: generations count writes along one line of history, and
W can write a smaller generation later (after a ``.bak`` was restored, or a cloud client brought
back an old version). W's own clock orders W's own writes; when it stepped back, a copy is
simply not known to be contained and gets the full three-way merge (conflicts shown, nothing
lost). Pure functions, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from .document import Header, ReplicaInfo
from .merge import join_records
from .records import Record, normalize

_ISO = "%Y-%m-%dT%H:%M:%SZ"


def _when(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.strptime(text, _ISO)
    except ValueError:
        return None


def _not_older(a: ReplicaInfo, generation: int, written_at: str | None) -> bool:
    """True when the write ``a`` is known to be the same as, or later than, the other one."""
    mine, theirs = _when(a.last_write), _when(written_at)
    return a.generation >= generation and mine is not None and theirs is not None and mine >= theirs


def contains(outer: Header, inner: Header) -> bool:
    """True when the document with header ``outer`` holds the whole history of ``inner``.

    Then merging ``inner`` into ``outer`` can bring nothing concurrent: a last-writer-wins join
    is exact, and a three-way merge (with no known base) would only invent conflicts.
    """
    info = outer.replicas.get(inner.written_by)
    return info is not None and _not_older(info, inner.generation, inner.written_at)


def merge_replicas(
    a: Mapping[str, ReplicaInfo], b: Mapping[str, ReplicaInfo]
) -> dict[str, ReplicaInfo]:
    """The ``replicas`` of the merge of two documents: per writer, the later write of the two.

    The merged document holds both histories, so either entry is a true claim; ``b``'s replaces
    ``a``'s when it is later in generation and time, or when ``a``'s has no time (it proves
    nothing). Otherwise ``a``'s stays: a claim is never made stronger than one side proves.
    """
    out = dict(a)
    for rid, info in b.items():
        mine = out.get(rid)
        if mine is None or (
            _when(info.last_write) is not None
            and (
                _when(mine.last_write) is None or _not_older(info, mine.generation, mine.last_write)
            )
        ):
            out[rid] = info
    return out


def join_all(
    a: Mapping[str, Record], b: Mapping[str, Record]
) -> tuple[dict[str, Record], dict[str, Record]]:
    """Join ``b`` into ``a`` record by record, last writer wins (no base, no conflicts).

    Returns:
        The joined records, and the records of ``b`` left out because ``a`` holds another kind
        under the same id (those need the engine's full merge, which knows what to do).
    """
    out = dict(a)
    other_kind: dict[str, Record] = {}
    for rid, rec in b.items():
        mine = out.get(rid)
        if mine is None:
            out[rid] = normalize(rec)
        elif mine["kind"] != rec["kind"]:
            other_kind[rid] = rec
        else:
            out[rid] = join_records(mine, rec)
    return out, other_kind
