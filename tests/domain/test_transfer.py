"""The cell encoding, CSV/JSON reading and export helpers of ``domain.transfer``."""

from __future__ import annotations

import pytest

from digikunta_tui.domain.transfer import (
    TransferError,
    decode,
    export_csv,
    export_json,
    field_shape,
    from_cell,
    looks_like_json,
    neutralise,
    read_csv,
    read_json,
    sniff_delimiter,
    to_cell,
    unneutralise,
)


@pytest.mark.parametrize(
    "text", ["=1+2", "+358401234567", "-5", "@SUM(A1)", "\tx", "'=x", "''@y", "'plain", "ok", ""]
)
def test_neutralise_is_undone_exactly(text: str) -> None:
    assert unneutralise(neutralise(text)) == text


def test_neutralise_quotes_only_formula_starts() -> None:
    assert neutralise("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"
    assert neutralise("'=x") == "''=x"
    assert neutralise("'tis fine") == "'tis fine"
    assert neutralise("Kuopio") == "Kuopio"


def test_field_shapes() -> None:
    assert field_shape("person", "roles") == "list"
    assert field_shape("person", "email") == "scalar"
    assert field_shape("indicator", "baseline") == "json"
    assert field_shape("indicator", "measurements") == "json"
    assert field_shape("webinar", "duration_minutes") == "scalar"


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        (["staff", "management"], "list"),
        (["a; b", "c"], "list"),
        (["  spaced "], "list"),
        ({"value": "10.50", "date": "2020-01-01"}, "json"),
        ([{"value": "-3", "date": "2020-01-01", "method": "measured"}], "json"),
        ("+358401234567", "scalar"),
        ("rivi 1\nrivi 2", "scalar"),
    ],
)
def test_cells_round_trip(value: object, shape: str) -> None:
    assert from_cell(to_cell(value, shape), shape) == value  # type: ignore[arg-type]


def test_cells_read_the_way_people_type_them() -> None:
    assert from_cell("staff;management ; ", "list") == ["staff", "management"]
    assert from_cell("   ", "scalar") is None
    assert to_cell(True, "scalar") == "true"
    assert to_cell(None, "scalar") == to_cell([], "list") == ""
    with pytest.raises(ValueError, match="not valid JSON"):
        from_cell("{broken", "json")


def test_decode_sniff_and_detect() -> None:
    assert decode("\ufeffa;b".encode(), "f.csv") == "a;b"
    with pytest.raises(TransferError, match="not UTF-8"):
        decode("ä".encode("latin-1"), "f.csv")
    assert sniff_delimiter("id;given_name;family_name\n1,2;3") == ";"
    assert sniff_delimiter("id,given_name\n") == ","
    assert sniff_delimiter("given_name\n") == ","
    assert looks_like_json("x.json", "") and not looks_like_json("x.csv", "[")
    assert looks_like_json("export", ' [{"a": 1}]') and not looks_like_json("export", "id,a")


def test_read_csv_numbers_rows_as_a_spreadsheet_does() -> None:
    rows = read_csv('given_name,family_name\nA,"B\nC"\n\n,\nD,E\n', "f.csv", "person")
    assert [(r.number, r.values["family_name"]) for r in rows] == [(2, "B\nC"), (5, "E")]
    short = read_csv("given_name,family_name,notes\nA,B\n", "f.csv", "person")
    assert short[0].values["notes"] == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("given_name,given_name\n", "appears twice"),
        ("given_name,,family_name\n", "'(empty)' is not a person field"),
        ('given_name\n"open\n', "malformed CSV"),
        ("\n", "empty file"),
    ],
)
def test_read_csv_refuses_bad_files(text: str, message: str) -> None:
    with pytest.raises(TransferError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_csv(text, "f.csv", "person")


def test_read_json_wants_a_list_of_objects() -> None:
    assert read_json('[{"id": "x"}]', "f.json")[0].values == {"id": "x"}
    with pytest.raises(TransferError, match="item 2 is not a JSON object"):
        read_json("[{}, 3]", "f.json")


def test_exports_are_deterministic_text() -> None:
    records = [("abc", {"given_name": "Eve", "family_name": "=X", "roles": ["staff"], "x": 1})]
    assert export_csv("person", records).splitlines() == [
        "id,given_name,family_name,organization,roles,job_title,email,phone,notes",
        "abc,Eve,'=X,,staff,,,,",
    ]
    excel = export_csv("person", records, delimiter=";", excel=True)
    assert excel.startswith("\ufeffid;given_name") and excel.endswith("\r\n")
    assert export_json("person", records) == (
        '[\n  {\n    "id": "abc",\n    "given_name": "Eve",\n    "family_name": "=X",\n'
        '    "roles": [\n      "staff"\n    ]\n  }\n]\n'
    )
