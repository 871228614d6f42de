"""The same value written on both sides is no conflict (a mutation raising one went unnoticed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sync_testkit import shared_records

from sync import FileRemote, sync
from sync.document import parse_document
from sync.merge import merge_record
from sync.records import Record

BASE_STAMP = "0001700000000000-0000-aaaaaaaa"
A_STAMP = "0001700000000005-0000-aaaaaaaa"
B_STAMP = "0001700000000009-0000-bbbbbbbb"


def _person(town: Any, stamp: str) -> Record:
    return {
        "id": "p1",
        "kind": "person",
        "fields": {"name": "Ville", "town": town},
        "stamps": {"name": BASE_STAMP, "town": stamp},
        "deleted": None,
    }


@pytest.mark.parametrize(
    ("mine", "theirs", "conflicts"),
    [
        ("Kuopio", "Kuopio", 0),
        (["a", {"b": 1}], ["a", {"b": 1}], 0),
        ("Kuopio", "Varkaus", 1),  # the control: different values are a conflict
    ],
)
def test_merge_record_same_value_on_both_sides(mine: Any, theirs: Any, conflicts: int) -> None:
    base = {"stamps": {"name": BASE_STAMP, "town": BASE_STAMP}, "deleted": None}
    local, remote = _person(mine, A_STAMP), _person(theirs, B_STAMP)
    for a, b in ((local, remote), (remote, local)):
        merged, found = merge_record(
            base,
            a,
            b,
            new_stamp=lambda: "0001800000000000-0000-zzzzzzzz",
            now_iso="2026-11-29T12:00:00Z",
        )
        assert len(found) == conflicts
        assert merged["fields"]["town"] == theirs  # the larger stamp's value
        assert merged["stamps"]["town"] == B_STAMP


def test_two_laptops_writing_the_same_value_offline_get_no_conflict(
    make_replica, remote: FileRemote, shared: Path
) -> None:
    a, b = make_replica("a"), make_replica("b")
    a.put("person", "p1", {"name": "Ville", "town": "Kuopio"})
    sync(a, remote)
    sync(b, remote)
    a.put("person", "p1", {"town": "Iisalmi", "title": "digiagentti"})
    b.put("person", "p1", {"town": "Iisalmi", "title": "digiagentti"})
    for rep in (a, b, a, b):
        report = sync(rep, remote)
        assert report.conflicts == []
    assert a.conflicts(include_resolved=True) == [] and b.conflicts(include_resolved=True) == []
    assert parse_document(shared.read_bytes(), str(shared)).conflicts == []
    expected = {"name": "Ville", "town": "Iisalmi", "title": "digiagentti"}
    assert a.get("person", "p1") == b.get("person", "p1") == expected
    assert shared_records(shared)["p1"]["fields"] == expected
    data = shared.read_bytes()
    for rep in (a, b):
        assert not sync(rep, remote).wrote
    assert shared.read_bytes() == data
