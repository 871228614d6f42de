"""A pull stores a record line as it stands only when that is the record the parser read.

Lines are kept verbatim (no second encoding) unless a control character was cleaned out, a
key was escaped, or a member appears twice: then the cleaned record is stored. Real files,
real SQLite.
"""

from __future__ import annotations

import json
from pathlib import Path

from sync_testkit import document_of

from sync import FileRemote, Replica, sync
from sync.document import parse_document

STAMP = "0001780000000000-0000-aaaaaaaa"


def _line(rid: str, fields: str) -> bytes:
    stamps = ", ".join(f'"{k}": "{STAMP}"' for k in json.loads(fields))
    return (
        f'{{"deleted": null, "fields": {fields}, "id": "{rid}", "kind": "person", '
        f'"stamps": {{{stamps}}}}}'
    ).encode()


def test_pulled_records_are_what_the_parser_read(tmp_path: Path) -> None:
    lines = [
        _line("a-plain", '{"given_name": "Äinö", "roles": ["staff", "management"]}'),
        _line("b-control", '{"given_name": "Ai\\u001b[31mno", "job_title": "x\\by"}'),
        _line("c-escaped-key", '{"given_name": "Eino"}').replace(
            b'"stamps": {', '"fi\\u0065lds": {"given_name": "Väinö"}, "stamps": {'.encode()
        ),
        _line("d-twice", '{"given_name": "Helmi"}').replace(
            b'"id": "d-twice"', b'"fields": {"given_name": "Toni"}, "id": "d-twice"'
        ),
        _line("e-number", '{"given_name": "Yrjö", "count": 12345678901234567890, "x": 1.5}'),
    ]
    shared = tmp_path / "digikunta.json"
    shared.write_bytes(document_of(lines))
    expected = parse_document(shared.read_bytes(), "doc").all_records()
    assert expected["b-control"]["fields"]["given_name"] == "Ai[31mno"  # cleaned
    assert expected["c-escaped-key"]["fields"] == {"given_name": "Väinö"}  # the last one
    assert expected["d-twice"]["fields"] == {"given_name": "Toni"}
    replica = Replica.open(tmp_path / "r.sqlite")
    report = sync(replica, FileRemote(shared))
    assert report.pulled == len(lines)
    for rid, rec in expected.items():
        assert replica.record(rid) == rec
        assert replica.get("person", rid) == rec["fields"]
    replica.close()
