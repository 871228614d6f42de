"""The clock's range: stamps beyond it are refused, and the clock never issues one.

A stamp of ``9999999999999999-9999-zzzzzzzz`` in a shared document once passed validation; the
clock then issued a 17-digit stamp and that laptop could never edit or sync again.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sync_testkit import HEADER, live_shared, replica_snapshot

from sync import DocumentError, FileRemote, Replica, ReplicaError, sync
from sync.document import parse_document, record_line, serialize_document
from sync.hlc import (
    MAX_COUNTER,
    MAX_MILLIS,
    MAX_STAMP,
    ClockRangeError,
    HybridClock,
    format_stamp,
    is_stamp,
    parse_stamp,
)

ISSUE_STAMP = "9999999999999999-9999-zzzzzzzz"


def _with_stamp(data: bytes, rid: str, stamp: str, *, deletion: bool = False) -> bytes:
    """The document ``data`` with record ``rid`` stamped ``stamp`` (our own layout kept)."""
    doc = parse_document(data, "x")
    records = doc.all_records()
    rec = records[rid]
    if deletion:
        rec = {**rec, "deleted": stamp}
    else:
        rec = {**rec, "stamps": dict.fromkeys(rec["stamps"], stamp)}
    records[rid] = rec
    ordered = sorted(records.values(), key=lambda r: (r["kind"], r["id"]))
    header = {**doc.header.model_dump(), "conflicts": doc.conflicts}
    return serialize_document(header, [record_line(r) for r in ordered])


@pytest.mark.parametrize("deletion", [False, True], ids=["field-stamp", "deletion-stamp"])
def test_the_issue_stamp_in_a_document_is_refused_and_changes_nothing(
    make_replica, remote: FileRemote, shared: Path, deletion: bool
) -> None:
    a, b = make_replica("a"), make_replica("b")
    a.put("person", "p1", {"name": "Ville"})
    a.put("webinar", "w1", {"title": "Digiloikka"})
    sync(a, remote)
    sync(b, remote)
    b.put("person", "p2", {"name": "Anna"})  # pending: the refused sync must keep it
    bad = _with_stamp(shared.read_bytes(), "w1", ISSUE_STAMP, deletion=deletion)
    shared.write_bytes(bad)
    before = replica_snapshot(b)
    with pytest.raises(DocumentError) as info:
        sync(b, remote)
    message = str(info.value)
    assert str(shared) in message
    assert "'w1'" in message and "too far in the future" in message and ISSUE_STAMP in message
    assert shared.read_bytes() == bad
    assert replica_snapshot(b) == before
    # the laptop still edits, with stamps it can read back
    b.put("person", "p2", {"town": "Varkaus"})
    assert is_stamp(b.record("p2")["stamps"]["town"])


def test_the_last_stamp_in_range_is_read_and_one_past_it_is_not() -> None:
    last = format_stamp(MAX_MILLIS, MAX_COUNTER, "zzzzzzzz")
    assert last == MAX_STAMP
    past = format_stamp(MAX_MILLIS + 1, 0, "00000000")
    for stamp, ok in ((last, True), (past, False), (ISSUE_STAMP, False)):
        rec = {"id": "r1", "kind": "person", "fields": {"n": 1}, "stamps": {"n": stamp}}
        data = serialize_document(HEADER, [record_line({**rec, "deleted": None})])
        doc = parse_document(data, "doc.json")
        if ok:
            assert doc.record(0)["stamps"]["n"] == stamp
        else:
            with pytest.raises(DocumentError, match="too far in the future"):
                doc.record(0)
    # the slow path (another layout) refuses it too
    compact = json.dumps(
        {**HEADER, "records": [{**rec, "stamps": {"n": ISSUE_STAMP}, "deleted": None}]}
    ).encode()
    with pytest.raises(DocumentError, match="too far in the future"):
        parse_document(compact, "doc.json")


def test_tick_at_the_end_of_the_range_raises_instead_of_overflowing() -> None:
    clock = HybridClock("aaaaaaaa", format_stamp(MAX_MILLIS, MAX_COUNTER - 1, "bbbbbbbb"))
    assert clock.tick() == format_stamp(MAX_MILLIS, MAX_COUNTER, "aaaaaaaa")
    with pytest.raises(ClockRangeError, match="end of its range"):
        clock.tick()
    assert clock.last == format_stamp(MAX_MILLIS, MAX_COUNTER, "aaaaaaaa")


def test_a_wall_clock_past_the_range_is_ignored() -> None:
    far = (MAX_MILLIS + 10**9) * 1_000_000
    clock = HybridClock("aaaaaaaa", "0001700000000000-0005-bbbbbbbb", now=lambda: far)
    first, second = clock.tick(), clock.tick()
    assert first == "0001700000000000-0006-aaaaaaaa"
    assert second == "0001700000000000-0007-aaaaaaaa"


def test_observe_ignores_stamps_out_of_range() -> None:
    clock = HybridClock("aaaaaaaa", "0001700000000000-0000-bbbbbbbb", now=lambda: 0)
    for bad in (ISSUE_STAMP, "10000000000000000-0000-zzzzzzzz", "garbage", ""):
        clock.observe(bad)
    assert clock.last == "0001700000000000-0000-aaaaaaaa"
    with pytest.raises(ValueError):
        HybridClock("aaaaaaaa", ISSUE_STAMP)


near_top = st.tuples(
    st.integers(MAX_MILLIS - 3, MAX_MILLIS + 3), st.integers(MAX_COUNTER - 3, MAX_COUNTER)
)
anywhere = st.tuples(st.integers(0, 10**16 - 1), st.integers(0, MAX_COUNTER))
events = st.lists(
    st.one_of(
        st.tuples(st.just("tick"), st.integers(-5, 5)),
        st.tuples(st.just("observe"), st.one_of(near_top, anywhere)),
    ),
    max_size=40,
)


@given(
    start=st.one_of(st.none(), near_top, anywhere),
    wall=st.one_of(st.integers(MAX_MILLIS - 5, MAX_MILLIS + 5), st.integers(0, 10**16 - 1)),
    steps=events,
)
@settings(max_examples=300, deadline=None)
def test_every_stamp_the_clock_issues_parses_back_and_sorts_after_the_previous(
    start: tuple[int, int] | None, wall: int, steps: list[tuple[str, object]]
) -> None:
    now = [wall]
    last = None
    if start is not None and start[0] <= MAX_MILLIS:
        last = format_stamp(*start, "cccccccc")
    clock = HybridClock("aaaaaaaa", last, now=lambda: now[0] * 1_000_000)
    floor = last or ""  # every stamp issued must sort after this
    for kind, arg in steps:
        if kind == "observe":
            millis, counter = arg  # type: ignore[misc]
            stamp = format_stamp(millis, counter, "bbbbbbbb")
            clock.observe(stamp)
            if is_stamp(stamp):
                floor = max(floor, stamp)
            continue
        now[0] = max(0, now[0] + int(arg))  # type: ignore[call-overload]
        try:
            stamp = clock.tick()
        except ClockRangeError:
            assert parse_stamp(clock.last)[:2] == (MAX_MILLIS, MAX_COUNTER)
            continue
        assert parse_stamp(stamp)[2] == "aaaaaaaa"  # parses back: within the range
        assert stamp > floor
        floor = stamp
        assert parse_stamp(clock.last)  # what is persisted parses back too


def _break_clock(path: Path, value: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('clock', ?)", (value,))
    conn.close()


@pytest.mark.parametrize("stored", ["10000000000000000-0000-aaaaaaaa", ISSUE_STAMP, "nonsense"])
def test_a_replica_hit_by_the_old_bug_recovers_on_its_next_write(
    tmp_path: Path, shared: Path, stored: str
) -> None:
    path = tmp_path / "a.sqlite"
    with Replica.open(path) as rep:
        rep.put("person", "p1", {"name": "Ville"})
        rep.put("person", "p1", {"town": "Kuopio"})
        newest = max(rep.record("p1")["stamps"].values())
    _break_clock(path, stored)  # as the old version left it
    with Replica.open(path) as rep:
        rep.put("person", "p2", {"name": "Anna"})
        stamp = rep.record("p2")["stamps"]["name"]
        assert is_stamp(stamp) and stamp > newest
        assert is_stamp(rep.meta("clock"))
        rep.delete("person", "p1")
        assert rep.record("p1")["deleted"] > stamp
        sync(rep, FileRemote(shared))
        assert live_shared(shared) == {"p2": {"name": "Anna"}}


def test_a_replica_at_the_end_of_the_range_refuses_edits_clearly(tmp_path: Path) -> None:
    path = tmp_path / "a.sqlite"
    with Replica.open(path) as rep:
        rep.put("person", "p1", {"name": "Ville"})
    _break_clock(path, MAX_STAMP)
    with Replica.open(path) as rep:
        before = replica_snapshot(rep)
        with pytest.raises(ReplicaError, match="end of its range"):
            rep.put("person", "p1", {"name": "Anna"})
        assert replica_snapshot(rep) == before
