"""Documents the engine must refuse, leaving the shared file and the replica untouched.

See docs/sync-model.md#the-shared-document.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sync_testkit import live_shared, replica_snapshot

from sync import DocumentError, FileRemote, Replica, sync
from sync.document import parse_document


@pytest.fixture
def synced(make_replica, remote, shared: Path) -> tuple[Replica, FileRemote, Path, bytes]:
    """A replica that synced once, then made a local edit (so something is pending)."""
    rep = make_replica()
    rep.put("person", "p1", {"name": "Ville", "town": "Kuopio"})
    rep.put("webinar", "w1", {"title": "Digiloikka"})
    sync(rep, remote)
    rep.put("person", "p2", {"name": "Anna"})
    rep.put("person", "p1", {"town": "Iisalmi"})
    return rep, remote, shared, shared.read_bytes()


def _valid(shared_bytes: bytes) -> dict:
    return json.loads(shared_bytes)


def _bad_stamp(data: bytes) -> bytes:
    doc = _valid(data)
    doc["records"][0]["stamps"]["name"] = "yesterday"
    return json.dumps(doc).encode()


def _newer_version(data: bytes) -> bytes:
    doc = _valid(data)
    doc["format_version"] = 2
    return json.dumps(doc, indent=2).encode()


def _other_format(data: bytes) -> bytes:
    return json.dumps({"members": [{"name": "Ville"}], "version": 1}).encode()


def _json_list(data: bytes) -> bytes:
    return b"[1, 2, 3]\n"


def _fields_without_stamps(data: bytes) -> bytes:
    doc = _valid(data)
    doc["records"][0]["fields"]["extra"] = "no stamp"
    return json.dumps(doc).encode()


def _duplicate_ids(data: bytes) -> bytes:
    doc = _valid(data)
    doc["records"].append(dict(doc["records"][0]))
    return json.dumps(doc).encode()


CASES: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "garbage": (lambda _: b"\x00\xff\xfe garbage \x81\x82" * 20, r"UTF-8|JSON|not"),
    "not-json": (lambda _: b"<html>Dropbox error</html>", r"JSON"),
    "another-format": (_other_format, r"not a Digikunta shared document"),
    "json-list": (_json_list, r"not a Digikunta shared document"),
    "format-version-2": (_newer_version, r"newer|format version 2"),
    "bad-stamp": (_bad_stamp, r"record 1|stamp|pattern"),
    "fields-without-stamps": (_fields_without_stamps, r"stamp"),
    "duplicate-ids": (_duplicate_ids, r"twice"),
}


def _check_refused(
    rep: Replica, remote: FileRemote, shared: Path, bad: bytes, problem: str
) -> DocumentError:
    shared.write_bytes(bad)
    before = replica_snapshot(rep)
    with pytest.raises(DocumentError, match=problem) as info:
        sync(rep, remote)
    assert str(shared) in str(info.value), "the message names the file"
    assert shared.read_bytes() == bad, "the shared file was not touched"
    assert replica_snapshot(rep) == before, "the replica was not touched"
    # a later sync, still against the bad file, is refused again and still changes nothing
    with pytest.raises(DocumentError):
        sync(rep, remote)
    assert shared.read_bytes() == bad
    assert replica_snapshot(rep) == before
    return info.value


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_document_changes_nothing(synced, case: str) -> None:
    rep, remote, shared, good = synced
    make_bad, problem = CASES[case]
    _check_refused(rep, remote, shared, make_bad(good), problem)
    # put the good file back: the pending edits still sync
    shared.write_bytes(good)
    sync(rep, remote)
    assert live_shared(shared)["p1"] == {"name": "Ville", "town": "Iisalmi"}
    assert live_shared(shared)["p2"] == {"name": "Anna"}


def _header_cuts(good: bytes) -> list[int]:
    """Cut points before the data set, the format and its version have all survived."""
    return sorted({1, 2, 10, good.index(b'"dataset"') + 20, good.index(b'"format_version"') + 5})


def _record_cuts(good: bytes) -> list[int]:
    """Cut points after them: in the last header line, inside the records, near the end."""
    generation = good.index(b'\n  "records": [') - 3
    return [generation, len(good) // 2, len(good) - 40, len(good) - 3, len(good) - 2]


def test_truncated_documents_that_do_not_name_the_data_set_are_refused_elsewhere(
    synced, tmp_path: Path
) -> None:
    """Torn before the data set id survived: refused anywhere this replica does not sync yet."""
    rep, _remote, _shared, good = synced
    other = tmp_path / "elsewhere" / "digikunta.json"
    other.parent.mkdir()
    for bad in [b"", b"  \n"] + [good[:cut] for cut in _header_cuts(good)]:
        with pytest.raises(DocumentError):
            parse_document(bad, "cut.json")
        error = _check_refused(rep, FileRemote(other), other, bad, r".")
        assert "truncated" in str(error) or "JSON" in str(error), (bad, str(error))


@pytest.mark.parametrize("cut", ["empty", "whitespace", "1", "2", "10"])
def test_torn_before_the_data_set_id_is_recovered_where_the_replica_syncs(synced, cut: str) -> None:
    """An empty file (an upload cut after 0 bytes) at this replica's own shared path."""
    rep, remote, shared, good = synced
    named = {"empty": b"", "whitespace": b"  \n"}
    bad = named[cut] if cut in named else good[: int(cut)]
    shared.write_bytes(bad)
    report = sync(rep, remote)
    assert report.wrote and any("truncated" in w for w in report.warnings)
    assert live_shared(shared)["p2"] == {"name": "Anna"}
    assert parse_document(shared.read_bytes(), "x").dataset == rep.dataset


def test_a_truncated_document_is_refused_by_a_replica_without_a_data_set(
    make_replica, synced
) -> None:
    _rep, remote, shared, good = synced
    fresh = make_replica("fresh")
    for cut in _header_cuts(good) + _record_cuts(good):
        error = _check_refused(fresh, remote, shared, good[:cut], r"truncated|JSON")
        assert str(shared) in str(error)
    assert fresh.dataset is None and fresh.count() == 0


def test_a_truncated_document_of_this_data_set_is_recovered(synced) -> None:
    rep, remote, shared, good = synced
    for cut in _record_cuts(good):
        shared.write_bytes(good[:cut])
        with pytest.raises(DocumentError, match="truncated"):
            parse_document(good[:cut], "cut.json")  # the parser still refuses it...
        report = sync(rep, remote)  # ...and the engine rewrites it from the replica
        assert report.wrote and "was truncated" in report.warnings[0], cut
        assert live_shared(shared) == {
            "p1": {"name": "Ville", "town": "Iisalmi"},
            "p2": {"name": "Anna"},
            "w1": {"title": "Digiloikka"},
        }
        assert parse_document(shared.read_bytes(), str(shared)).dataset == rep.dataset
        assert rep.pending() == 0
        good = shared.read_bytes()  # the next cut is of the rewritten document
        assert not sync(rep, remote).wrote


def _newer_and_cut(data: bytes) -> bytes:
    return data.replace(b'"format_version": 1', b'"format_version": 2')[: len(data) // 2]


def _invalid_line_and_cut(data: bytes) -> bytes:
    return data.replace(b'"name": "Ville"', b'"name": NaN')[: len(data) - 30]


@pytest.mark.parametrize("damage", [_newer_and_cut, _invalid_line_and_cut])
def test_a_truncated_document_that_is_also_wrong_is_still_refused(synced, damage) -> None:
    rep, remote, shared, good = synced
    _check_refused(rep, remote, shared, damage(good), r"truncated|newer|NaN|finite|JSON")


def test_a_truncated_document_of_another_data_set_is_still_refused(
    make_replica, synced, tmp_path: Path
) -> None:
    rep, remote, shared, _good = synced
    other = make_replica("other-network")
    other.put("person", "x1", {"name": "Toisen verkoston jäsen"})
    other_file = tmp_path / "elsewhere" / "digikunta.json"
    other_file.parent.mkdir()
    sync(other, FileRemote(other_file))
    other_bytes = other_file.read_bytes()
    _check_refused(rep, remote, shared, other_bytes[: len(other_bytes) - 10], r"truncated")
    assert rep.get("person", "x1") is None


def test_a_document_of_another_data_set_is_refused(make_replica, synced, tmp_path: Path) -> None:
    rep, remote, shared, _good = synced
    other = make_replica("other-network")
    other.put("person", "x1", {"name": "Toisen verkoston jäsen"})
    other_file = tmp_path / "elsewhere" / "digikunta.json"
    other_file.parent.mkdir()
    sync(other, FileRemote(other_file))
    other_bytes = other_file.read_bytes()
    assert parse_document(other_bytes, "x").dataset != rep.dataset

    before = replica_snapshot(rep)
    wrong = FileRemote(other_file)
    with pytest.raises(DocumentError, match=r"another data set") as info:
        sync(rep, wrong)
    assert str(other_file) in str(info.value)
    assert other_file.read_bytes() == other_bytes
    assert replica_snapshot(rep) == before
    assert rep.get("person", "x1") is None
    # and the same file copied over our own shared file is refused the same way
    shared.write_bytes(other_bytes)
    with pytest.raises(DocumentError, match=r"another data set"):
        sync(rep, remote)
    assert replica_snapshot(rep) == before
    assert shared.read_bytes() == other_bytes


def test_a_missing_shared_file_is_written_again_and_loses_nothing(
    make_replica, remote, shared: Path
) -> None:
    a, b = make_replica("a"), make_replica("b")
    a.put("person", "p1", {"name": "Ville"})
    a.put("person", "p2", {"name": "Anna"})
    sync(a, remote)
    sync(b, remote)
    dataset = a.dataset
    shared.unlink()
    report = sync(a, remote)
    assert report.wrote
    assert a.count() == 2
    assert parse_document(shared.read_bytes(), str(shared)).dataset == dataset
    assert live_shared(shared) == {"p1": {"name": "Ville"}, "p2": {"name": "Anna"}}
    # deleted again, and this time B (which also knows the data set) writes it
    shared.unlink()
    b.put("person", "p3", {"name": "Uusi"})
    sync(b, remote)
    assert parse_document(shared.read_bytes(), str(shared)).dataset == dataset
    assert set(live_shared(shared)) == {"p1", "p2", "p3"}
    sync(a, remote)
    assert a.count() == 3
