"""Algebraic properties of the merge and the document round trip.

See docs/sync-model.md#merge-and-conflicts and docs/sync-model.md#the-shared-document.
"""

from __future__ import annotations

import itertools
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync.conflicts import merge_conflicts
from sync.document import parse_document, record_line, serialize_document
from sync.merge import join_records, merge
from sync.records import Record, clean_value, is_alive, normalize, tombstone

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

REPLICAS = ("aaaaaaaa", "bbbbbbbb", "cccccccc")
STAMPS = sorted(
    "%016d-%04d-%s" % (millis, counter, rep)  # noqa: UP031 - the format the brief names
    for millis, counter, rep in itertools.product(
        (1_700_000_000_000, 1_700_000_000_001, 1_700_000_000_500), (0, 1), REPLICAS
    )
)
FIELDS = ("name", "email", "notes")
IDS = ("r1", "r2", "r3")
NEW_STAMP = "0001800000000000-0000-zzzzzzzz"  # larger than every stamp in the pool

stamps = st.sampled_from(STAMPS)
VALUES: list[Any] = [
    None,
    True,
    0,
    -3,
    "",
    "Ville",
    "Kuopio",
    'quote "x"',
    "rivi\nrivi",
    "ääkköset ✓",
    ["a", 1],
    {"k": "v", "n": [1, None]},
]


@st.composite
def worlds(draw: Any) -> dict[tuple[str, str], Any]:
    """The value each (field, stamp) write wrote: a stamp identifies one write, one value."""
    salt = draw(st.integers(0, len(VALUES) - 1))
    step = draw(st.integers(1, 5))
    return {
        (f, s): VALUES[(salt + step * (i * len(FIELDS) + j)) % len(VALUES)]
        for i, s in enumerate(STAMPS)
        for j, f in enumerate(FIELDS)
    }


@st.composite
def versions(draw: Any, world: dict[tuple[str, str], Any], rid: str = "r1") -> Record:
    """One replica's version of a record (normalized, as stored everywhere)."""
    if draw(st.integers(0, 9)) == 0:
        return tombstone(rid, "person", draw(stamps), erased=True)
    chosen = draw(st.dictionaries(st.sampled_from(FIELDS), stamps, max_size=3))
    deleted = draw(st.one_of(st.none(), stamps))
    rec: Record = {
        "id": rid,
        "kind": "person",
        "fields": {f: world[(f, s)] for f, s in chosen.items()},
        "stamps": chosen,
        "deleted": deleted,
    }
    return normalize(rec)


@st.composite
def version_triples(draw: Any) -> tuple[Record, Record, Record]:
    world = draw(worlds())
    return draw(versions(world)), draw(versions(world)), draw(versions(world))


@given(version_triples())
@SETTINGS
def test_join_is_commutative_associative_idempotent(
    triple: tuple[Record, Record, Record],
) -> None:
    a, b, c = triple
    assert join_records(a, b) == join_records(b, a)
    assert join_records(join_records(a, b), c) == join_records(a, join_records(b, c))
    assert join_records(a, a) == a
    ab = join_records(a, b)
    assert join_records(ab, a) == ab
    assert join_records(ab, b) == ab


@given(version_triples())
@SETTINGS
def test_join_keeps_the_largest_stamp_and_erasure_wins(
    triple: tuple[Record, Record, Record],
) -> None:
    a, b, _ = triple
    joined = join_records(a, b)
    if a.get("erased") or b.get("erased"):
        assert joined.get("erased") is True
        assert joined["fields"] == {}
        assert not is_alive(joined)
        return
    deletes = [d for d in (a["deleted"], b["deleted"]) if d]
    assert joined["deleted"] == (max(deletes) if deletes else None)
    for field in FIELDS:
        candidates = [r["stamps"][field] for r in (a, b) if field in r["stamps"]]
        best = max(candidates, default=None)
        if best is not None and (joined["deleted"] is None or best > joined["deleted"]):
            assert joined["stamps"][field] == best
        else:
            assert field not in joined["stamps"]


@st.composite
def record_sets(draw: Any) -> tuple[dict[str, Any], dict[str, Record], dict[str, Record]]:
    """(base, local, remote) over a few ids; any side may not know a record."""
    base: dict[str, Any] = {}
    local: dict[str, Record] = {}
    remote: dict[str, Record] = {}
    for rid in IDS:
        world = draw(worlds())
        if draw(st.booleans()):
            b = draw(versions(world, rid))
            base[rid] = {"stamps": b["stamps"], "deleted": b["deleted"]}
        if draw(st.integers(0, 4)):
            local[rid] = draw(versions(world, rid))
        if draw(st.integers(0, 4)):
            remote[rid] = draw(versions(world, rid))
    return base, local, remote


def _merge(base: Any, local: Any, remote: Any) -> tuple[dict[str, Record], list[dict[str, Any]]]:
    return merge(base, local, remote, new_stamp=lambda: NEW_STAMP, now_iso="2026-11-29T12:00:00Z")


@given(record_sets())
@SETTINGS
def test_merge_of_record_sets_is_commutative(sets: Any) -> None:
    base, local, remote = sets
    out_lr, found_lr = _merge(base, local, remote)
    out_rl, found_rl = _merge(base, remote, local)
    assert out_lr == out_rl
    assert {c["id"] for c in found_lr} == {c["id"] for c in found_rl}
    assert set(out_lr) == set(local) | set(remote)


@given(record_sets())
@SETTINGS
def test_merge_is_idempotent(sets: Any) -> None:
    base, local, _ = sets
    out, found = _merge(base, local, local)
    assert out == local
    assert found == []


@given(record_sets())
@SETTINGS
def test_merge_never_loses_a_value(sets: Any) -> None:
    """A field changed on both sides since base to different values: the loser is kept."""
    base, local, remote = sets
    out, found = _merge(base, local, remote)
    lost = {(c["record"], c["field"], repr(c["lost"].get("value"))) for c in found}
    for rid in local.keys() & remote.keys():
        lr, rr = local[rid], remote[rid]
        if lr.get("erased") or rr.get("erased"):
            continue
        bstamps = base.get(rid, {}).get("stamps", {})
        for field in lr["stamps"].keys() & rr["stamps"].keys():
            ls, rs, bs = lr["stamps"][field], rr["stamps"][field], bstamps.get(field)
            if ls in (bs, rs) or rs == bs or lr["fields"][field] == rr["fields"][field]:
                continue
            winner, loser = (lr, rr) if ls > rs else (rr, lr)
            merged = out[rid]
            assert merged["fields"][field] == winner["fields"][field]
            assert (rid, field, repr(loser["fields"][field])) in lost, (rid, field)
    # every entry's kept value is what the merged record holds (unless restored)
    for c in found:
        if (
            c["field"] is not None
            and out[c["record"]]["stamps"].get(c["field"]) == c["kept"]["stamp"]
        ):
            assert out[c["record"]]["fields"][c["field"]] == c["kept"]["value"]


@given(record_sets())
@SETTINGS
def test_delete_versus_edit_restores_the_record_whole(sets: Any) -> None:
    base, local, remote = sets
    out, found = _merge(base, local, remote)
    for c in found:
        if c["field"] is None:
            rec = out[c["record"]]
            assert is_alive(rec)
            assert set(rec["stamps"].values()) == {NEW_STAMP}
            assert "value" not in c["kept"] and "value" not in c["lost"]
            assert set(c["lost"]) == {"deleted", "by"}


ISO = st.sampled_from(
    ["2026-11-20T10:00:00Z", "2026-11-21T10:00:00Z", "2026-11-25T08:30:00Z", "2026-11-29T11:59:59Z"]
)
NOW = __import__("datetime").datetime(2026, 11, 29, 12, 0, tzinfo=__import__("datetime").UTC)


@st.composite
def conflict_lists(draw: Any) -> list[list[dict[str, Any]]]:
    ids = [f"{n:032x}" for n in range(1, 5)]
    shapes = {
        cid: {
            "id": cid,
            "record": draw(st.sampled_from(IDS)),
            "kind": "person",
            "field": "name",
            "kept": {"value": "A", "stamp": STAMPS[1]},
            "lost": {"value": "B", "stamp": STAMPS[0]},
        }
        for cid in ids
    }
    out = []
    for _ in range(3):
        chosen = draw(st.lists(st.sampled_from(ids), unique=True, max_size=4))
        out.append(
            [
                {
                    **shapes[cid],
                    "detected_at": draw(ISO),
                    "resolved": draw(st.one_of(st.none(), ISO)),
                }
                for cid in chosen
            ]
        )
    return out


def _mc(*lists: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return merge_conflicts(*lists, now=NOW)


@given(conflict_lists())
@SETTINGS
def test_merge_conflicts_is_a_join(lists: list[list[dict[str, Any]]]) -> None:
    a, b, c = lists
    assert _mc(a, b) == _mc(b, a)
    assert _mc(_mc(a, b), c) == _mc(a, _mc(b, c))
    assert _mc(a, a) == _mc(a)
    assert _mc(_mc(a), a) == _mc(a)
    merged = _mc(a, b, c)
    by_id = {e["id"]: e for e in merged}
    assert set(by_id) == {e["id"] for lst in lists for e in lst}
    for lst in lists:
        for e in lst:
            m = by_id[e["id"]]
            if e["resolved"] is not None:  # resolved once set stays set
                assert m["resolved"] is not None
                assert m["resolved"] <= e["resolved"]
            assert m["detected_at"] <= e["detected_at"]


def test_merge_conflicts_drops_erased_and_old_resolved() -> None:
    entry = {
        "id": "0" * 31 + "1",
        "record": "r1",
        "kind": "person",
        "field": "name",
        "kept": {"value": "A", "stamp": STAMPS[1]},
        "lost": {"value": "B", "stamp": STAMPS[0]},
        "detected_at": "2026-01-01T00:00:00Z",
        "resolved": None,
    }
    assert _mc([entry]) == [entry]
    assert merge_conflicts([entry], erased={"r1"}, now=NOW) == []
    old = {**entry, "resolved": "2026-01-02T00:00:00Z"}  # more than 90 days before NOW
    assert _mc([old]) == []
    recent = {**entry, "resolved": "2026-11-01T00:00:00Z"}
    assert _mc([recent], [entry]) == [recent]


# --------------------------------------------------------------- document round trip
doc_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12
)  # control characters included
doc_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**53), 2**53), doc_text),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(doc_text, inner, max_size=3)
    ),
    max_leaves=6,
)
field_names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=8
)
record_ids = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._:-]{0,20}\Z")
kinds = st.from_regex(r"\A[a-z][a-z0-9_]{0,8}\Z")


@st.composite
def doc_records(draw: Any) -> list[Record]:
    ids = draw(st.lists(record_ids, unique=True, max_size=6))
    out: list[Record] = []
    for rid in ids:
        kind = draw(kinds)
        if draw(st.integers(0, 5)) == 0:
            out.append(tombstone(rid, kind, draw(stamps), erased=draw(st.booleans())))
            continue
        fields = draw(st.dictionaries(field_names, doc_values, max_size=4))
        rec: Record = {
            "id": rid,
            "kind": kind,
            "fields": fields,
            "stamps": {f: draw(stamps) for f in fields},
            "deleted": None,
        }
        out.append(rec)
    return sorted(out, key=lambda r: (r["kind"], r["id"]))


HEADER = {
    "format": "digikunta-sync",
    "format_version": 1,
    "dataset": "9f2c0000aaaabbbb",
    "generation": 3,
    "written_at": "2026-11-29T12:00:00Z",
    "written_by": "aaaaaaaa",
    "replicas": {"aaaaaaaa": {"name": 'Ville "läppäri"\n', "last_write": None, "generation": 3}},
    "conflicts": [],
}


@given(doc_records())
@SETTINGS
def test_document_round_trips(records: list[Record]) -> None:
    data = serialize_document(HEADER, [record_line(r) for r in records])
    doc = parse_document(data, "test.json")
    parsed = doc.all_records()
    expected = {
        r["id"]: {**r, "fields": clean_value(r["fields"])} if not r.get("erased") else r
        for r in records
    }
    assert parsed == expected
    assert doc.dataset == HEADER["dataset"]
    # deterministic: writing what was read gives the same bytes
    again = serialize_document(
        {**doc.header.model_dump(), "conflicts": doc.conflicts},
        [record_line(parsed[r["id"]]) for r in records],
    )
    if all(clean_value(r["fields"]) == r["fields"] for r in records):
        assert again == data
    # no control character survives parsing (tab and newline may)
    for rec in parsed.values():
        text = record_line(rec).decode()
        assert not any(
            (ord(ch) < 0x20 and ch not in "\t\n") or 0x7F <= ord(ch) <= 0x9F
            for ch in str(rec["fields"])
        ), text
