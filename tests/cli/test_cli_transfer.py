"""``digikunta export`` and ``digikunta import`` run as a user would, on the demo data."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_helpers import Cli, one_line_error, records_of

from digikunta_tui.domain.validation import KIND_FIELDS

# Parents before children, so that every reference of an imported row already exists.
KIND_ORDER = [
    "organization",
    "person",
    "consent",
    "webinar",
    "registration",
    "story",
    "indicator",
    "newsletter",
]
FORMATS = {
    "csv": ["--format", "csv"],
    "excel": ["--format", "csv", "--excel"],
    "json": ["--format", "json"],
}
SUFFIX = {"csv": "csv", "excel": "csv", "json": "json"}


def export(cli: Cli, kind: str, *extra: str) -> bytes:
    result = cli("export", kind, *extra)
    assert result.code == 0, result.err
    return result.out


def csv_rows(data: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_export_import_export_round_trip_for_every_kind(
    fmt: str, cli: Cli, make_cli: Callable[[Path], Cli], tmp_path: Path
) -> None:
    empty = make_cli(tmp_path / "empty")
    first = {kind: export(cli, kind, *FORMATS[fmt]) for kind in KIND_ORDER}
    for kind in KIND_ORDER:
        path = write(tmp_path, f"{kind}.{SUFFIX[fmt]}", first[kind])
        result = empty("import", path, "--kind", kind)
        assert result.code == 0, result.err
        if fmt == "json":
            count = len(json.loads(first[kind]))
        else:
            count = len(csv_rows(first[kind], ";" if fmt == "excel" else ","))
        assert count > 0
        assert result.text.startswith("imported ")
        assert f": {count} new, 0 updated" in result.text
    for kind in KIND_ORDER:
        assert export(empty, kind, *FORMATS[fmt]) == first[kind], kind


def test_import_of_an_unchanged_export_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, "people.csv", export(cli, "people"))
    before = records_of(cli.data_dir)
    result = cli("import", path, "--kind", "people")
    assert result.code == 0, result.err
    assert ": 0 new, 0 updated, " in result.text and "unchanged" in result.text
    assert records_of(cli.data_dir) == before


def test_csv_is_what_spreadsheet_users_expect(cli: Cli) -> None:
    data = export(cli, "people")
    header = data.decode("utf-8").splitlines()[0]
    assert header.split(",") == ["id", *KIND_FIELDS["person"]]
    assert not data.startswith(b"\xef\xbb\xbf") and b"\r\n" not in data
    rows = csv_rows(data)
    assert any(row["roles"] == "staff_representative; working_committee" for row in rows)
    names = [row["family_name"] for row in rows]
    assert names.index("Auvinen") < names.index("Meikäläinen") < names.index("Päiväkoti")

    excel = export(cli, "indicator", "--excel")
    assert excel.startswith(b"\xef\xbb\xbf")
    assert excel.count(b"\r\n") >= 2
    indicator = csv_rows(excel, ";")[0]
    assert json.loads(indicator["baseline"])["value"]
    assert isinstance(json.loads(indicator["measurements"]), list)


def test_aliases_name_the_same_kind(cli: Cli) -> None:
    assert export(cli, "henkilöt") == export(cli, "people") == export(cli, "person")
    assert export(cli, "kokeilut", "--format", "json") == export(cli, "stories", "--format", "json")


def test_export_to_a_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "orgs.json"
    result = cli("export", "organizations", "--format", "json", "-o", target)
    assert result.code == 0, result.err
    assert "exported 8 organizations" in result.text
    items = json.loads(target.read_text("utf-8"))
    assert {"Kuopio", "Sonkajärvi", "Tervo"} <= {item["name"] for item in items}
    assert all(next(iter(item)) == "id" for item in items)


def test_formulas_are_neutralised_and_survive_a_round_trip(cli: Cli, tmp_path: Path) -> None:
    source = write(
        tmp_path,
        "new.csv",
        "given_name,family_name,notes,job_title\n"
        'Eve,Hacker,"=HYPERLINK(""http://evil.example"",""x"")",@SUM(A1)\n'
        "Olli,Oikea,-5 ja +3,'=kaava\n",
    )
    result = cli("import", source, "--kind", "person")
    assert result.code == 0, result.err
    assert "imported 2 people: 2 new, 0 updated" in result.text
    data = export(cli, "people")
    rows = {row["family_name"]: row for row in csv_rows(data)}
    assert rows["Hacker"]["notes"] == '\'=HYPERLINK("http://evil.example","x")'
    assert rows["Hacker"]["job_title"] == "'@SUM(A1)"
    assert rows["Oikea"]["notes"] == "'-5 ja +3"
    # A spreadsheet's leading apostrophe means "text": it is read away, and written back.
    assert rows["Oikea"]["job_title"] == "'=kaava"
    for row in rows.values():
        assert row["phone"] == "" or row["phone"].startswith("'+358")
    stored = {p["family_name"]: p for p in json.loads(export(cli, "people", "--format", "json"))}
    assert stored["Hacker"]["notes"] == '=HYPERLINK("http://evil.example","x")'
    assert stored["Oikea"]["job_title"] == "=kaava"
    again = cli("import", write(tmp_path, "again.csv", data), "--kind", "person")
    assert again.code == 0, again.err
    assert export(cli, "people") == data


def test_import_updates_by_id_and_creates_without(cli: Cli, tmp_path: Path) -> None:
    rows = csv_rows(export(cli, "people"))
    helena = next(r for r in rows if r["family_name"] == "Hallinto")
    helena["job_title"] = "kansliapäällikkö"
    helena["phone"] = "040 123 4567"
    helena["notes"] = ""
    new = dict.fromkeys(rows[0], "") | {
        "given_name": "Uusi",
        "family_name": "Jäsen",
        "email": "Uusi.Jasen@Example.FI",
        "roles": "staff;management",
    }
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), delimiter=";")
    writer.writeheader()
    writer.writerows([helena, new])
    path = write(tmp_path, "changes.csv", buffer.getvalue())
    result = cli("import", path, "--kind", "henkilöt")
    assert result.code == 0, result.err
    assert result.text.strip() == "imported 2 people: 1 new, 1 updated"
    people = json.loads(export(cli, "people", "--format", "json"))
    changed = next(p for p in people if p["id"] == helena["id"])
    assert changed["job_title"] == "kansliapäällikkö"
    assert changed["phone"] == "+358401234567"
    assert "notes" not in changed
    created = next(p for p in people if p["family_name"] == "Jäsen")
    assert created["email"] == "uusi.jasen@example.fi"
    assert created["roles"] == ["staff", "management"]
    assert len(people) == len(rows) + 1


def test_dry_run_writes_nothing(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path, "p.csv", "given_name,family_name\nKokeilu,Henkilö\n")
    before = records_of(cli.data_dir)
    result = cli("import", path, "--kind", "person", "--dry-run")
    assert result.code == 0, result.err
    assert "would import 1 person: 1 new, 0 updated" in result.text
    assert records_of(cli.data_dir) == before


def test_every_failing_row_is_listed_and_nothing_is_written(cli: Cli, tmp_path: Path) -> None:
    taken = csv_rows(export(cli, "people"))[1]["email"]
    path = write(
        tmp_path,
        "bad.csv",
        "given_name,family_name,email,organization,phone\n"
        "Hyvä,Rivi,hyva.rivi@example.fi,,\n"  # row 2 is fine
        "Ei,Sukunimeä,,,\n".replace("Sukunimeä", "")  # row 3: family name missing
        + "Huono,Posti,ei-osoite,,\n"  # row 4: not an email
        + f"Sama,Posti,{taken},,\n"  # row 5: email taken
        + "Outo,Viite,,0123456789abcdef0123456789abcdef,\n"  # row 6: no such organization
        + "Väärä,Numero,,,12\n",  # row 7: not a phone number
    )
    before = records_of(cli.data_dir)
    result = cli("import", path, "--kind", "person")
    assert result.code == 1
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert [line.split(": ")[1:3] for line in lines[:-1]] == [
        ["row 3", "family_name"],
        ["row 4", "email"],
        ["row 5", "email"],
        ["row 6", "organization"],
        ["row 7", "phone"],
    ]
    assert lines[-1].startswith("digikunta: error: ") and "nothing imported" in lines[-1]
    assert "5 of 6 rows" in lines[-1]
    assert records_of(cli.data_dir) == before


def test_duplicates_within_the_file_fail(cli: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "dup.json",
        json.dumps(
            [
                {"given_name": "A", "family_name": "Yksi", "email": "sama@example.fi"},
                {"given_name": "B", "family_name": "Kaksi", "email": "SAMA@example.fi"},
            ]
        ),
    )
    before = records_of(cli.data_dir)
    result = cli("import", path, "--kind", "person")
    assert result.code == 1
    assert "row 2: email:" in result.err
    assert records_of(cli.data_dir) == before


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("latin1.csv", "given_name,family_name\nJää,Mäki\n".encode("latin-1"), "not UTF-8"),
        ("broken.csv", b'given_name,family_name\n"Auki,Lainaus\n', "malformed CSV"),
        ("wide.csv", b"given_name,family_name\nA,B,C\n", "row 2 has 3 cells"),
        ("header.csv", b"given_name,surname\nA,B\n", "'surname' is not a person field"),
        ("empty.csv", b"", "empty file"),
        ("bad.json", b"[{", "not valid JSON"),
        ("object.json", b'{"given_name": "A"}', "expected a JSON list"),
    ],
)
def test_unreadable_files_fail_in_one_line(
    cli: Cli, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    path = write(tmp_path, name, content)
    before = records_of(cli.data_dir)
    line = one_line_error(cli("import", path, "--kind", "person"))
    assert expected in line and name in line
    assert records_of(cli.data_dir) == before


def test_missing_file_folder_and_unknown_kind_fail_in_one_line(cli: Cli, tmp_path: Path) -> None:
    before = records_of(cli.data_dir)
    assert "cannot read" in one_line_error(cli("import", tmp_path / "nope.csv", "--kind", "person"))
    assert "is a folder" in one_line_error(cli("import", tmp_path, "--kind", "person"))
    path = write(tmp_path, "x.csv", "name\nA\n")
    line = one_line_error(cli("import", path, "--kind", "animals"))
    assert "unknown record kind 'animals'" in line and "person (people)" in line
    assert "unknown record kind" in one_line_error(cli("export", "kissat"))
    assert records_of(cli.data_dir) == before


def test_an_erased_id_cannot_come_back(cli: Cli, tmp_path: Path) -> None:
    rows = csv_rows(export(cli, "people"))
    maija = next(
        r for r in rows if r["family_name"] == "Meikäläinen" and r["given_name"] == "Maija"
    )
    erased = cli("gdpr", "erase", maija["id"], "--yes")
    assert erased.code == 0, erased.err
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(maija))
    writer.writeheader()
    writer.writerow(maija)
    before = records_of(cli.data_dir)
    result = cli("import", write(tmp_path, "maija.csv", buffer.getvalue()), "--kind", "person")
    assert result.code == 1
    assert "row 2: id: that record was erased" in result.err
    assert records_of(cli.data_dir) == before


@pytest.mark.parametrize("rid", ["_underscore", ".dot", ":colon", "-dash", "a" * 65])
def test_an_id_the_shared_document_cannot_hold_is_refused_before_anything_is_written(
    cli: Cli, tmp_path: Path, rid: str
) -> None:
    source = tmp_path / "people.csv"
    source.write_text(f"id,given_name,family_name\n{rid},Ville,Virtanen\n", encoding="utf-8")
    before = records_of(cli.data_dir)
    result = cli("import", source, "--kind", "person")
    assert result.code == 1, result.err
    assert "row 2: id: not a valid record id" in result.err and "unexpected" not in result.err
    assert records_of(cli.data_dir) == before
