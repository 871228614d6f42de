"""The domain's CSV writers: the mailing list and the members, plain or for Excel."""

from __future__ import annotations

import csv
import io

from digikunta_tui.domain.repository import Repository
from digikunta_tui.domain.spreadsheet import (
    MAILING_COLUMNS,
    MEMBER_COLUMNS,
    CsvStyle,
    mailing_list_csv,
    members_csv,
)
from digikunta_tui.domain.transfer import plan_import, read_rows


def _people(repo: Repository) -> tuple[str, str]:
    org = repo.create("organization", {"name": "Kuopion kaupunki", "type": "municipality"})
    person = repo.create(
        "person",
        {
            "given_name": "Maija",
            "family_name": "=Meikäläinen",
            "email": "maija@example.fi",
            "organization": org,
            "roles": ["staff", "working_committee"],
        },
    )
    return org, person


def test_the_mailing_list_writer_uses_one_set_of_columns_and_neutralises_formulas(
    repo: Repository,
) -> None:
    _, person = _people(repo)
    repo.add_consent(person, "newsletter", "granted")
    text = mailing_list_csv(repo.mailing_list())
    rows = list(csv.reader(io.StringIO(text)))
    assert tuple(rows[0]) == MAILING_COLUMNS
    assert rows[1] == ["maija@example.fi", "Maija", "'=Meikäläinen", "Kuopion kaupunki"]


def test_a_style_and_headers_make_the_spreadsheet_flavour(repo: Repository) -> None:
    _people(repo)
    headers = {"given_name": "Etunimi", "family_name": "Sukunimi"}
    text = members_csv(repo, headers=headers, style=CsvStyle.EXCEL)
    assert text.startswith("\ufeffid;Etunimi;Sukunimi;organization;")
    assert "\r\n" in text
    translated = members_csv(repo, cell=lambda column, value: str(value or "").upper())
    assert "MAIJA" in translated


def test_the_members_file_names_organisations_and_imports_back_onto_the_same_people(
    repo: Repository,
) -> None:
    org, person = _people(repo)
    text = members_csv(repo)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == MEMBER_COLUMNS
    assert rows[0]["id"] == person and rows[0]["organization"] == "Kuopion kaupunki"
    assert rows[0]["roles"] == "staff; working_committee"
    # Read back as people (the organisation by id here: import by name is the import's part).
    back = text.replace("Kuopion kaupunki", org).encode("utf-8")
    plan = plan_import(repo, "person", read_rows(back, "members.csv", "person"))
    assert plan.problems == []
    assert (plan.new, plan.updated, plan.unchanged) == (0, 0, 1)  # the same person, unchanged
