"""Properties of the merge when records of different kinds claim one id.

See docs/sync-model.md#ids-and-kinds.

Every value written is tagged with its record's kind, so a field that crossed kinds shows.
"""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.merge import merge, merge_record, moved_id
from sync.records import Record, is_record_id, normalize, tombstone

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KINDS = ("organization", "person", "webinar")
# the derived ids are ids too: a moved record may find one there already
IDS = ("kuopio", "kuopio:person", "kuopio:webinar", "kuopio:person:webinar", "varkaus")
FIELDS = ("name", "town", "notes")
STAMPS = sorted(
    f"{millis:016d}-{counter:04d}-{rep}"
    for millis, counter, rep in itertools.product(
        (1_700_000_000_000, 1_700_000_000_001), (0, 1), ("aaaaaaaa", "bbbbbbbb")
    )
)
NEW_STAMP = "0001800000000000-0000-zzzzzzzz"
NOW = "2026-11-29T12:00:00Z"


@st.composite
def versions(draw: Any, rid: str) -> Record:
    kind = draw(st.sampled_from(KINDS))
    if draw(st.integers(0, 9)) == 0:
        return tombstone(rid, kind, draw(st.sampled_from(STAMPS)), erased=True)
    chosen = draw(st.dictionaries(st.sampled_from(FIELDS), st.sampled_from(STAMPS), max_size=3))
    rec: Record = {
        "id": rid,
        "kind": kind,
        # a stamp identifies one write; the value names the kind it was written to
        "fields": {f: f"{kind}/{f}/{s}" for f, s in chosen.items()},
        "stamps": chosen,
        "deleted": draw(st.one_of(st.none(), st.sampled_from(STAMPS))),
    }
    return normalize(rec)


@st.composite
def record_sets(draw: Any) -> tuple[dict[str, Any], dict[str, Record], dict[str, Record]]:
    base: dict[str, Any] = {}
    local: dict[str, Record] = {}
    remote: dict[str, Record] = {}
    for rid in IDS:
        if draw(st.booleans()):
            b = draw(versions(rid))
            base[rid] = {"stamps": b["stamps"], "deleted": b["deleted"]}
        if draw(st.booleans()):
            local[rid] = draw(versions(rid))
        if draw(st.booleans()):
            remote[rid] = draw(versions(rid))
    return base, local, remote


def _merge(base: Any, a: Any, b: Any) -> tuple[dict[str, Record], list[dict[str, Any]]]:
    return merge(base, a, b, new_stamp=lambda: NEW_STAMP, now_iso=NOW)


def _home(out: dict[str, Record], rid: str, kind: str) -> Record | None:
    """Where a record of ``kind`` that was at ``rid`` is now (following its moves)."""
    for _ in range(len(KINDS) + 2):
        rec = out.get(rid)
        if rec is None:
            return None
        if rec["kind"] == kind:
            return rec
        rid = moved_id(rid, kind)
    return None


@given(record_sets())
@SETTINGS
def test_merge_with_colliding_kinds_is_commutative(sets: Any) -> None:
    base, local, remote = sets
    out_lr, found_lr = _merge(base, local, remote)
    out_rl, found_rl = _merge(base, remote, local)
    assert out_lr == out_rl
    assert {c["id"] for c in found_lr} == {c["id"] for c in found_rl}


@given(record_sets())
@SETTINGS
def test_no_field_crosses_kinds_and_every_record_has_a_home(sets: Any) -> None:
    base, local, remote = sets
    out, found = _merge(base, local, remote)
    for rid, rec in out.items():
        assert rec["id"] == rid and is_record_id(rid)
        for value in rec["fields"].values():
            assert value.startswith(rec["kind"] + "/"), (rid, rec)
    for side in (local, remote):
        for rid, rec in side.items():
            assert _home(out, rid, rec["kind"]) is not None, (rid, rec["kind"], out)
    for entry in found:
        if entry["field"] is None and "moved_to" in entry["lost"]:
            assert set(entry["kept"]) == {"kind"} and set(entry["lost"]) == {"kind", "moved_to"}
            assert entry["kept"]["kind"] < entry["lost"]["kind"]
            # it went there (and on, if that id was taken by a kind sorting first)
            assert _home(out, entry["lost"]["moved_to"], entry["lost"]["kind"]) is not None


@given(record_sets())
@SETTINGS
def test_merge_with_colliding_kinds_is_idempotent(sets: Any) -> None:
    base, local, remote = sets
    out, _ = _merge(base, local, remote)
    assert _merge(base, out, out) == (out, [])
    # merging a side in once more changes no record
    assert _merge(base, out, local)[0] == out
    assert _merge(base, remote, out)[0] == out


@given(st.sampled_from(IDS), st.sampled_from(KINDS), st.sampled_from(KINDS))
def test_merge_record_refuses_two_kinds(rid: str, k1: str, k2: str) -> None:
    a: Record = {"id": rid, "kind": k1, "fields": {"n": 1}, "stamps": {"n": STAMPS[0]}}
    b: Record = {"id": rid, "kind": k2, "fields": {"n": 2}, "stamps": {"n": STAMPS[1]}}
    a["deleted"] = b["deleted"] = None
    if k1 == k2:
        assert merge_record(None, a, b, new_stamp=lambda: NEW_STAMP, now_iso=NOW)[0]["kind"] == k1
    else:
        with pytest.raises(ValueError):
            merge_record(None, a, b, new_stamp=lambda: NEW_STAMP, now_iso=NOW)


@given(
    st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._:-]{0,127}\Z"),
    st.from_regex(r"\A[a-z][a-z0-9_]{0,31}\Z"),
)
def test_moved_ids_are_valid_record_ids(rid: str, kind: str) -> None:
    target = moved_id(rid, kind)
    assert is_record_id(target) and target == moved_id(rid, kind)
