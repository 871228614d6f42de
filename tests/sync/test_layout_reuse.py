"""A sync reuses the chunks of the document it left unchanged (sync/layout.py), and falls back
to reading every line whenever the remembered layout does not fit: real files, real SQLite."""

from __future__ import annotations

import json
import random
import sqlite3
import time
from pathlib import Path

import pytest
from sync_testkit import shared_records

from sync import DocumentError, FileRemote, Replica, sync
from sync.document import parse_document
from sync.layout import CHUNK_LINES, Layout, decode_keys

N = 12 * CHUNK_LINES  # a dozen chunks: enough for some to change and the rest to be reused


def _person(i: int) -> dict[str, object]:
    return {"given_name": f"Aino{i}", "family_name": "Virtanen", "phone": f"+3584000{i:05d}"}


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Replica, Replica, FileRemote]:
    a = Replica.open(tmp_path / "a.sqlite", name="A")
    b = Replica.open(tmp_path / "b.sqlite", name="B")
    remote = FileRemote(tmp_path / "shared" / "digikunta.json")
    remote.path.parent.mkdir()
    a.put_many(("person", f"p{i:04d}", _person(i)) for i in range(N))
    sync(a, remote)
    sync(b, remote)
    yield a, b, remote
    a.close()
    b.close()


def _fresh_base_index(replica: Replica) -> dict[int, tuple[str, str]]:
    rows = replica.conn.execute(
        "SELECT base_hash, kind, id FROM records WHERE base_hash IS NOT NULL"
    )
    return {h: (k, rid) for h, k, rid in rows}


def _reused(replica: Replica, remote: FileRemote) -> int:
    """How many chunks of the shared document the replica's next sync would reuse."""
    doc = parse_document(remote.path.read_bytes(), "doc", replica.state.layout())
    return len(doc.matched)


def _check_state(replica: Replica, remote: FileRemote) -> None:
    """The replica's caches say what its tables say; its records are the document's."""
    assert replica.state.base_index() == _fresh_base_index(replica)
    layout = replica.state.layout()
    assert layout is not None
    assert sorted(layout.hashes) == sorted(_fresh_base_index(replica))
    keys = decode_keys(layout.keys)
    assert keys == sorted(keys)  # in the document's order, which is key order
    assert dict(zip(layout.hashes, keys, strict=True)) == _fresh_base_index(replica)
    shared = shared_records(remote.path)
    mine = {rid: fields for _, rid, fields in replica.records()}
    assert mine == {rid: r["fields"] for rid, r in shared.items() if r["deleted"] is None}


def _edit_line(remote: FileRemote, rid: str, field: str, value: str) -> None:
    """Another tool edits one record's value in place, with a newer stamp (same length)."""
    data = remote.path.read_bytes().decode()
    lines = data.split("\n")
    for n, line in enumerate(lines):
        if f'"id": "{rid}"' in line:
            body = line.strip().rstrip(",")
            rec = json.loads(body)
            rec["fields"][field] = value
            rec["stamps"][field] = f"{int(time.time() * 1000) + 60_000:016d}-0000-zzzzzzzz"
            new = json.dumps(rec, sort_keys=True, ensure_ascii=False)
            lines[n] = line.replace(body, new)
    remote.path.write_text("\n".join(lines))


def test_rounds_reuse_unchanged_chunks_and_converge(pair) -> None:
    a, b, remote = pair
    rnd = random.Random(14)
    ids = [f"p{i:04d}" for i in range(N)]
    for r in range(6):
        a.put_many(("person", rid, {"job_title": f"A{r}"}) for rid in rnd.sample(ids, 3))
        b.put_many(("person", rid, {"phone": f"+35850{r}{i}"}) for i, rid in
                   enumerate(rnd.sample(ids, 3)))  # fmt: skip
        if r % 2:
            new = f"p{rnd.randrange(N):04d}x{r}"  # a new id between two existing ones
            b.put("person", new, {"given_name": "Uusi"})
            ids.append(new)
        if r == 3:
            a.delete("person", ids[5])
        assert _reused(a, remote) >= 6  # the document is mostly what A last saw
        sync(a, remote)
        sync(b, remote)
        sync(a, remote)
        _check_state(a, remote)
        _check_state(b, remote)
        assert a.pending() == b.pending() == 0
        assert list(a.records()) == list(b.records())


def test_a_change_made_by_another_tool_inside_a_reused_chunk_is_pulled(pair) -> None:
    a, _b, remote = pair
    reused_before = _reused(a, remote)
    assert reused_before == N // CHUNK_LINES  # nothing changed: every chunk is reused
    _edit_line(remote, "p0040", "phone", "+358409999999")  # same length, same place
    assert _reused(a, remote) == N // CHUNK_LINES - 1
    report = sync(a, remote)
    assert report.pulled == 1
    assert a.get("person", "p0040")["phone"] == "+358409999999"
    _check_state(a, remote)


def test_a_line_removed_by_another_tool_is_written_back(pair) -> None:
    a, _b, remote = pair
    lines = remote.path.read_bytes().split(b"\n")
    kept = [ln for ln in lines if b'"id": "p0070"' not in ln]
    assert len(kept) == len(lines) - 1
    remote.path.write_bytes(b"\n".join(kept))
    sync(a, remote)
    assert "p0070" in shared_records(remote.path)
    _check_state(a, remote)


@pytest.mark.parametrize("changed", [False, True])
def test_a_duplicated_line_is_refused_even_when_its_chunk_is_reused(pair, changed: bool) -> None:
    a, _b, remote = pair
    data = remote.path.read_bytes()
    lines = data.split(b"\n")
    twin = lines[next(n for n, ln in enumerate(lines) if b'"id": "p0100"' in ln)].strip()
    if changed:  # another version of the record (a line this replica never saw)
        twin = twin.replace(b'"Aino100"', b'"Helmi"')
    top = lines.index(b'  "records": [') + 2
    lines.insert(top, b"    " + twin.rstrip(b",") + b",")  # the record again, near the top
    remote.path.write_bytes(b"\n".join(lines))
    assert _reused(a, remote) >= 6
    before = remote.path.read_bytes()
    with pytest.raises(DocumentError, match=r"p0100.*appears twice"):
        sync(a, remote)
    assert remote.path.read_bytes() == before


def test_a_document_in_another_layout_is_read_whole(pair) -> None:
    a, _b, remote = pair
    obj = json.loads(remote.path.read_bytes())
    obj["records"][7]["fields"]["phone"] = "+358401111111"
    obj["records"][7]["stamps"]["phone"] = f"{int(time.time() * 1000) + 60_000:016d}-0000-zzzzzzzz"
    remote.path.write_text(json.dumps(obj, indent=1))  # another tool, another layout
    report = sync(a, remote)
    assert report.pulled == 1
    _check_state(a, remote)
    assert not report.wrote  # nothing to push: the file stays as the other tool wrote it,
    assert _reused(a, remote) == 0  # so the next sync reads it whole again
    a.put("person", "p0001", {"phone": "+358403333333"})
    sync(a, remote)  # a write puts it back in our layout
    assert _reused(a, remote) == N // CHUNK_LINES
    _check_state(a, remote)


def _flip_key_byte(blob: bytes) -> bytes:
    """The layout ``blob`` with one byte of a key changed (an id's letter, as a bad disk or a
    careless hand might)."""
    layout = Layout.from_bytes("0", blob)
    assert layout is not None
    at = len(blob) - len(layout.digests) - len(layout.keys) + layout.keys.index(b"p0005")
    assert blob[at : at + 5] == b"p0005"
    return blob[: at + 4] + b"6" + blob[at + 5 :]


@pytest.mark.parametrize(
    "damage", ["stale", "other_replica", "garbage", "older_format", "flipped_key"]
)
def test_a_layout_that_does_not_fit_is_ignored(pair, damage: str) -> None:
    a, b, remote = pair
    conn = sqlite3.connect(a.path)
    if damage == "stale":
        conn.execute("UPDATE sync_layout SET generation = '999'")  # another base's
    elif damage == "other_replica":
        conn.execute("UPDATE sync_layout SET replica = ?", (b.replica_id,))
    elif damage == "older_format":  # a replica's layout from before the keys were kept
        conn.execute("UPDATE sync_layout SET data = CAST(x'444b4c31' || substr(data, 5) AS BLOB)")
    elif damage == "flipped_key":
        (blob,) = conn.execute("SELECT data FROM sync_layout").fetchone()
        conn.execute("UPDATE sync_layout SET data = ?", (_flip_key_byte(blob),))
    else:
        conn.execute("UPDATE sync_layout SET data = x'00112233'")
    conn.commit()
    conn.close()
    a.state.forget_caches()
    assert a.state.layout() is None
    b.put("person", "p0003", {"phone": "+358402222222"})
    sync(b, remote)
    report = sync(a, remote)
    assert report.pulled == 1
    _check_state(a, remote)


def test_a_layout_of_another_base_finds_no_chunk_it_could_reuse(pair, tmp_path: Path) -> None:
    """A replica's layout compared with another data set's document reuses nothing."""
    a, _b, _remote = pair
    other = Replica.open(tmp_path / "c.sqlite", name="C")
    other_remote = FileRemote(tmp_path / "other" / "d.json")
    other_remote.path.parent.mkdir()
    other.put_many(("person", f"p{i:04d}", {**_person(i), "job_title": "x"}) for i in range(N))
    sync(other, other_remote)
    doc = parse_document(other_remote.path.read_bytes(), "doc", a.state.layout())
    assert doc.matched == {}
    assert len(doc.lines) == N
    other.close()


def test_a_round_that_reuses_chunks_reads_no_base_of_the_records_it_does_not_touch(pair) -> None:
    """The keys of the changed chunks' lines come from the layout: the replica's base index
    (every record's base line, 19 MB and 0.12 s at 100 000 records) is not read."""
    a, b, remote = pair
    b.put("person", "p0003", {"phone": "+358402222222"})
    sync(b, remote)
    a.put("person", "p0100", {"job_title": "Kehittäjä"})
    a.state.forget_caches()  # as in a new process: nothing cached
    statements: list[str] = []
    a.conn.set_trace_callback(statements.append)
    try:
        report = sync(a, remote)
    finally:
        a.conn.set_trace_callback(None)
    assert (report.pulled, report.pushed) == (1, 1)
    assert any("FROM sync_layout" in sql for sql in statements)  # the layout was read ...
    assert not [sql for sql in statements if "base_hash IS NOT NULL" in sql]  # ... no index
    assert _reused(b, remote) >= N // CHUNK_LINES - 3
    _check_state(a, remote)
    sync(b, remote)
    assert list(a.records()) == list(b.records())
