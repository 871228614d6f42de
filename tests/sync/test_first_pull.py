"""A first pull (a replica that holds nothing) stores what the general merge would store.

A replica with no record takes the document's lines as they stand (``reconcile``'s first-pull
lane); these tests pull the same documents into an empty replica and into one that holds an
unrelated record (the general path) and compare the results record by record and base by
base, then check that later syncs (which reuse the pull's layout and base index) still see
every change. Real files, real SQLite.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sync_testkit import document_of, shared_records

from sync import DocumentError, FileRemote, Replica, sync

STAMP = "0001780000000000-0000-aaaaaaaa"
LATER = "0001780000000001-0000-aaaaaaaa"


def _line(rid: str, kind: str, fields: str, deleted: str | None = None, **extra: object) -> bytes:
    stamps = ", ".join(f'"{k}": "{STAMP}"' for k in json.loads(fields))
    rec = f'{{"deleted": {json.dumps(deleted)}, "fields": {fields}, "id": "{rid}", '
    rec += "".join(f'"{k}": {json.dumps(v)}, ' for k, v in extra.items())
    rec += f'"kind": "{kind}", "stamps": {{{stamps}}}}}'
    return rec.encode()


LINES = [
    _line("kuopio", "organization", '{"name": "Kuopio", "code": 297, "share": 1.5}'),
    _line("a-control", "person", '{"given_name": "Ai\\u001b[31mno", "job_title": "x\\by"}'),
    _line("b-plain", "person", '{"given_name": "Äinö", "roles": ["staff", "management"]}'),
    _line("c-deleted", "person", "{}", deleted=STAMP),
    _line("d-erased", "person", "{}", deleted=STAMP, erased=True),
    _line("e-back", "person", '{"given_name": "Eino"}', deleted="0001770000000000-0000-aaaaaaaa"),
    *(_line(f"p{i:04d}", "person", f'{{"given_name": "N{i}", "n": {i}}}') for i in range(60)),
]


def _stored(path: Path, ids: list[str]) -> dict[str, tuple[object, ...]]:
    """Each record's row as committed (values, base and flags; not its change-feed number)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT id, kind, fields, stamps, deleted, erased, alive, dirty, base_hash,"
            " base_stamps, base_deleted FROM records"
        ).fetchall()
    finally:
        conn.close()
    by_id = {r[0]: r for r in rows}
    return {rid: by_id[rid] for rid in ids}


def test_a_first_pull_stores_what_the_general_merge_stores(tmp_path: Path) -> None:
    shared = tmp_path / "one" / "digikunta.json"
    shared.parent.mkdir()
    shared.write_bytes(document_of(LINES))
    expected = shared_records(shared)
    ids = sorted(expected)
    (tmp_path / "two").mkdir()
    other = tmp_path / "two" / "digikunta.json"
    other.write_bytes(shared.read_bytes())

    empty = Replica.open(tmp_path / "empty.sqlite")
    holding = Replica.open(tmp_path / "holding.sqlite")
    holding.put("person", "zz-local", {"given_name": "Ville"})  # not empty: the general path
    first = sync(empty, FileRemote(shared))
    general = sync(holding, FileRemote(other))

    assert first.pulled == len(LINES) and not first.wrote
    assert general.pulled == len(LINES) and general.wrote  # it pushed its own record
    assert _stored(empty.path, ids) == _stored(holding.path, ids)
    for rid, rec in expected.items():
        assert empty.record(rid) == rec
    assert empty.record("a-control")["fields"]["given_name"] == "Ai[31mno"  # cleaned
    assert empty.get("person", "c-deleted") is None and empty.pending() == 0
    assert empty.state.erased_ids() == {"d-erased"}
    assert shared.read_bytes() == document_of(LINES), "a pull does not write"

    # The next syncs reuse the pull's layout and base index: an edit on each side is merged.
    empty.put("person", "p0007", {"job_title": "here"})
    assert sync(empty, FileRemote(shared)).pushed == 1
    doc = json.loads(shared.read_bytes())
    doc["records"][-1]["fields"]["n"] = 99
    doc["records"][-1]["stamps"]["n"] = LATER
    shared.write_text(json.dumps(doc))  # another tool's layout, another last line
    report = sync(empty, FileRemote(shared))
    assert report.pulled == 1
    assert empty.get("person", "p0059") == {"given_name": "N59", "n": 99}
    assert empty.get("person", "p0007") == {"given_name": "N7", "n": 7, "job_title": "here"}
    assert shared_records(shared) == {r: empty.record(r) for r in ids}
    empty.close()
    holding.close()


def test_a_first_pull_of_odd_documents_and_an_edit_made_while_it_runs(tmp_path: Path) -> None:
    shared = tmp_path / "digikunta.json"
    # records out of (kind, id) order (another tool wrote them): the general path reads them
    shared.write_bytes(document_of([LINES[8], LINES[0], LINES[7], LINES[2]]))
    unordered = Replica.open(tmp_path / "unordered.sqlite")
    report = sync(unordered, FileRemote(shared))
    assert report.pulled == 4
    assert shared_records(shared) == {r: unordered.record(r) for r in shared_records(shared)}
    unordered.put("person", "p0001", {"job_title": "x"})
    assert sync(unordered, FileRemote(shared)).pushed == 1
    assert shared_records(shared) == {r: unordered.record(r) for r in shared_records(shared)}

    # one id under two kinds is refused, and nothing is stored
    shared.write_bytes(document_of([LINES[0], _line("kuopio", "person", '{"given_name": "K"}')]))
    refused = Replica.open(tmp_path / "refused.sqlite")
    with pytest.raises(DocumentError, match="appears twice"):
        sync(refused, FileRemote(shared))
    assert not refused.state.holds_records() and refused.dataset is None

    # an edit saved while the first pull merges is merged with the pulled record, not lost
    shared.write_bytes(document_of(LINES))
    busy = Replica.open(tmp_path / "busy.sqlite")
    edited: list[str] = []

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "merging" and done and not edited:
            busy.put("person", "b-plain", {"job_title": "edited during the pull"})
            edited.append("b-plain")

    report = sync(busy, FileRemote(shared), progress=progress)
    assert edited and report.pulled == len(LINES)
    assert busy.get("person", "b-plain") == {
        "given_name": "Äinö",
        "roles": ["staff", "management"],
        "job_title": "edited during the pull",
    }
    assert busy.pending() == 1
    assert sync(busy, FileRemote(shared)).pushed == 1
    assert shared_records(shared)["b-plain"]["fields"]["job_title"] == "edited during the pull"
    for replica in (unordered, refused, busy):
        replica.close()
