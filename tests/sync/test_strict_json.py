"""Strict JSON in and out: NaN, infinities, deep nesting and non-UTF-8 text never get in.

pydantic-core's JSON parser and ``json.loads`` both accept ``NaN``, ``Infinity``,
``-Infinity`` (and read ``1e400`` as infinity); what they let in could then be written back
as ``NaN``, which strict JSON parsers refuse. Deep nesting raised RecursionError.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sync_testkit import HEADER, replica_snapshot

from sync import DocumentError, FileRemote, Replica, ReplicaError, sync
from sync.document import parse_document, record_line, serialize_document
from sync.records import MAX_DEPTH, canonical_line

STAMP = "0001700000000000-0000-aaaaaaaa"
# JSON texts of a field value that must be refused
NOT_STRICT = {
    "nan": "NaN",
    "infinity": "Infinity",
    "minus-infinity": "-Infinity",
    "overflow": "1e400",
    "nested-nan": '[1, {"a": NaN}]',
    "huge-int": "9" * 5000,
}
TOO_DEEP = {
    "deep-100000": "[" * 100_000 + "]" * 100_000,
    "deep-65": "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
    "deep-objects-65": '{"a": ' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1),
}


def _line(value_json: str) -> bytes:
    return (
        b'{"deleted": null, "fields": {"x": ' + value_json.encode() + b'}, "id": "r1", '
        b'"kind": "person", "stamps": {"x": "' + STAMP.encode() + b'"}}'
    )


def _our_layout(value_json: str) -> bytes:
    """A document in our own layout (the fast, per-line path) holding the value."""
    good = record_line(
        {"id": "r0", "kind": "person", "fields": {"x": 1}, "stamps": {"x": STAMP}, "deleted": None}
    )
    return serialize_document(HEADER, [good, _line(value_json)])


def _other_layout(value_json: str) -> bytes:
    """The same document in another layout (compact JSON: the slow ``json.loads`` path)."""
    head = json.dumps(HEADER, separators=(",", ":"))[:-1]
    return (head + ',"records":[' + _line(value_json).decode() + "]}").encode()


@pytest.mark.parametrize("layout", [_our_layout, _other_layout], ids=["per-line", "json.loads"])
@pytest.mark.parametrize("case", sorted({**NOT_STRICT, **TOO_DEEP}))
def test_the_parser_refuses_values_strict_json_cannot_hold(layout, case: str) -> None:
    data = layout({**NOT_STRICT, **TOO_DEEP}[case])
    with pytest.raises(DocumentError) as info:
        parse_document(data, "shared.json").all_records()
    assert str(info.value).startswith("shared.json: ")


@pytest.mark.parametrize("layout", [_our_layout, _other_layout], ids=["per-line", "json.loads"])
def test_the_deepest_allowed_value_is_read(layout) -> None:
    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    records = parse_document(layout(deep), "shared.json").all_records()
    value = records["r1"]["fields"]["x"]
    for _ in range(MAX_DEPTH - 1):
        value = value[0]
    assert value == []


@pytest.mark.parametrize("where", ["conflict", "replica-name"])
@pytest.mark.parametrize("bad", ["NaN", "-Infinity", "1e999", '"\\ud800"'])
def test_the_header_refuses_them_too(where: str, bad: str) -> None:
    conflict = {
        "id": "0" * 32,
        "record": "r0",
        "kind": "person",
        "field": "x",
        "kept": {"value": "__BAD__", "stamp": STAMP},
        "lost": {"value": 1, "stamp": STAMP},
        "detected_at": "2026-11-29T12:00:00Z",
        "resolved": None,
    }
    if where == "conflict":
        header = {**HEADER, "conflicts": [conflict]}
    else:
        header = {**HEADER, "replicas": {"aaaaaaaa": {"name": "__BAD__"}}}
    data = serialize_document(header, []).replace(b'"__BAD__"', bad.encode())
    with pytest.raises(DocumentError, match=r"shared\.json"):
        parse_document(data, "shared.json")


def test_a_lone_surrogate_is_refused_on_both_paths() -> None:
    for layout in (_our_layout, _other_layout):
        with pytest.raises(DocumentError):
            parse_document(layout('"a\\ud800b"'), "shared.json").all_records()


@pytest.mark.parametrize("case", ["nan", "deep-100000", "huge-int"])
def test_a_refused_document_changes_neither_the_file_nor_the_replica(
    make_replica, remote: FileRemote, shared: Path, case: str
) -> None:
    rep = make_replica()
    rep.put("person", "p1", {"name": "Ville"})
    sync(rep, remote)
    rep.put("person", "p1", {"town": "Kuopio"})
    doc = parse_document(shared.read_bytes(), "x")
    value = {**NOT_STRICT, **TOO_DEEP}[case]
    bad_line = _line(value).replace(b'"id": "r1"', b'"id": "p9"')
    bad = serialize_document(
        {**doc.header.model_dump(), "conflicts": []}, [bytes(doc.lines[0]), bad_line]
    )
    shared.write_bytes(bad)
    before = replica_snapshot(rep)
    with pytest.raises(DocumentError, match=str(shared)):
        sync(rep, remote)
    assert shared.read_bytes() == bad
    assert replica_snapshot(rep) == before


BAD_VALUES = {
    "nan": float("nan"),
    "infinity": float("inf"),
    "minus-infinity": float("-inf"),
    "nested-nan": [1, {"a": float("nan")}],
    "deep-100000": None,  # built below: a literal would be too deep for Python's parser
    "deep-65": None,
    "lone-surrogate": "a\ud800b",
}


def _deep(levels: int) -> list:
    value: list = []
    for _ in range(levels - 1):
        value = [value]
    return value


@pytest.mark.parametrize("case", sorted(BAD_VALUES))
def test_replica_put_refuses_them_and_writes_nothing(make_replica, case: str) -> None:
    rep: Replica = make_replica()
    rep.put("person", "p1", {"name": "Ville"})
    value = BAD_VALUES[case]
    if case.startswith("deep-"):
        value = _deep(int(case.split("-")[1]))
    before = replica_snapshot(rep)
    with pytest.raises(ReplicaError):
        rep.put("person", "p1", {"notes": value})
    with pytest.raises(ReplicaError):
        rep.put_many([("person", "p2", {"name": "Anna"}), ("person", "p3", {"x": value})])
    assert replica_snapshot(rep) == before


def test_replica_put_refuses_a_field_name_that_is_not_utf8(make_replica) -> None:
    rep: Replica = make_replica()
    with pytest.raises(ReplicaError, match="field name"):
        rep.put("person", "p1", {"na\udc80me": "Ville"})
    assert rep.count() == 0


def test_replica_put_accepts_the_deepest_allowed_value(make_replica, remote, shared) -> None:
    rep: Replica = make_replica()
    rep.put("person", "p1", {"notes": _deep(MAX_DEPTH)})
    sync(rep, remote)
    assert parse_document(shared.read_bytes(), "x").all_records()["p1"]["fields"]["notes"] == (
        _deep(MAX_DEPTH)
    )


def test_every_json_encoder_in_sync_refuses_nan() -> None:
    """What slipped past the checks would be written as ``NaN``: every encoder refuses it."""
    from sync import reconcile, replica_sql

    nan = {"x": float("nan")}
    for encode in (reconcile._dumps, replica_sql.dumps, canonical_line):
        with pytest.raises(ValueError):
            encode(nan)
    with pytest.raises(ValueError):
        serialize_document({**HEADER, "generation": float("inf")}, [])
