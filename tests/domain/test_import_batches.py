"""An import checks its rows a batch at a time (stored records and e-mail owners read together):
across batch boundaries every rule and message is what a file of that row alone gets, and
nothing is written when a row is refused. Real SQLite files, the real repository."""

from __future__ import annotations

import pytest

from digikunta_tui.domain.replica_reads import ids_where, ids_where_many
from digikunta_tui.domain.repository import Repository
from digikunta_tui.domain.transfer import (
    apply_import,
    export_csv,
    plan_import,
    read_rows,
)
from digikunta_tui.domain.transfer_import import _BATCH
from digikunta_tui.errors import UserError

ROWS = 2 * _BATCH + 100


def _people(repo: Repository) -> tuple[str, str, str]:
    org = repo.create("organization", {"name": "Tervon kunta", "type": "municipality"})
    stored = repo.create(
        "person", {"given_name": "Ville", "family_name": "Utti", "email": "Ville.Utti@tervo.fi"}
    )
    gone = repo.create("person", {"given_name": "Poissa", "family_name": "Oleva"})
    repo.delete("person", gone)
    return org, stored, gone


def _csv(rows: list[tuple[str, dict[str, object]]]) -> bytes:
    return export_csv("person", rows).encode("utf-8")


def _row(i: int, **fields: object) -> tuple[str, dict[str, object]]:
    return ("", {"given_name": f"Henkilö{i}", "family_name": "Testi", **fields})


def test_rules_hold_across_batches_with_the_messages_of_a_row_alone(repo: Repository) -> None:
    org, stored, gone = _people(repo)
    rows = [_row(i, email=f"h{i}@tervo.fi", organization="Tervon kunta") for i in range(ROWS)]
    bad = {
        _BATCH + 10: _row(1, email="VILLE.utti@tervo.fi"),  # a stored person's, other case
        _BATCH + 20: _row(2, email=" h3@TERVO.fi "),  # row 3's, in the first batch
        _BATCH + 30: _row(3, organization="0123456789abcdef0123456789abcdef"),  # no such org
        _BATCH + 40: _row(4, organization="Kuopion kaupunki"),  # no such name
        _BATCH + 50: (gone, {"given_name": "Uusi", "family_name": "Oleva", "organization": org}),
        2 * _BATCH + 5: (stored, {"given_name": "Ville", "family_name": "Utti"}),  # its own email
        2 * _BATCH + 6: _row(6, phone="12"),
        2 * _BATCH + 7: (stored, {"given_name": "Kaksi", "family_name": "Kertaa"}),  # id twice
    }
    for index, row in bad.items():
        rows[index] = row
    before = repo.counts()
    plan = plan_import(repo, "person", read_rows(_csv(rows), "people.csv", "person"))

    alone: list[str] = []
    for index in sorted(bad):
        number = index + 2  # the header is row 1
        one = plan_import(repo, "person", read_rows(_csv([rows[index]]), "one.csv", "person"))
        alone += [p.replace("row 2", f"row {number}", 1) for p in one.problems]
    duplicate = f"row {_BATCH + 22}: email: h3@tervo.fi is also used by an earlier row"
    twice = f"row {2 * _BATCH + 9}: id: the same id as row {2 * _BATCH + 7}"
    assert sorted(plan.problems) == sorted([*alone, duplicate, twice])
    assert sorted(p.split(":")[0] + ":" + p.split(":")[1] for p in plan.problems) == sorted(
        [
            f"row {_BATCH + 12}: email",
            f"row {_BATCH + 22}: email",
            f"row {_BATCH + 32}: organization",
            f"row {_BATCH + 42}: organization",
            f"row {2 * _BATCH + 8}: phone",
            f"row {2 * _BATCH + 9}: id",
        ]
    )
    assert plan.updated + plan.unchanged == 1 and plan.new == ROWS - 6 - 1
    assert all(item[2].get("organization") == org for item in plan.items if item[1] != stored)
    with pytest.raises(UserError):
        apply_import(repo, plan)
    assert repo.counts() == before


def test_a_clean_file_of_many_batches_is_written_whole(repo: Repository) -> None:
    org, stored, _gone = _people(repo)
    rows = [_row(i, email=f"h{i}@tervo.fi", organization=org) for i in range(ROWS)]
    rows[_BATCH + 1] = (
        stored,
        {"given_name": "Ville", "family_name": "Utti", "phone": "040 123 4567"},
    )
    plan = plan_import(repo, "person", read_rows(_csv(rows), "people.csv", "person"))
    assert plan.problems == []
    assert (plan.new, plan.updated) == (ROWS - 1, 1)
    assert apply_import(repo, plan) == ROWS
    assert repo.get("person", stored) == {
        "given_name": "Ville",
        "family_name": "Utti",
        "email": None,  # a blank cell clears its field: the file's row has no e-mail
        "phone": "+358401234567",
    }
    assert repo.counts()["person"] == ROWS  # the stored person and the new ones


def test_many_values_are_found_as_one_at_a_time(repo: Repository) -> None:
    _people(repo)
    for i in range(5):  # as a sync may bring them: the same address on five people
        repo.replica.put("person", f"same{i}", {"given_name": f"N{i}", "email": "Same@x.fi"})
    repo.refresh()
    values = {"ville.utti@tervo.fi", "same@x.fi", "nobody@x.fi", "Ville.Utti@tervo.fi"}
    from_index = repo.ids_where_many("person", "email", values)
    assert from_index == {v: repo.ids_where("person", "email", v) for v in values}
    assert len(from_index["same@x.fi"]) == 5 and from_index["nobody@x.fi"] == []
    scanned = ids_where_many(repo.replica, "person", "email", values)
    assert {v: sorted(ids) for v, ids in scanned.items()} == {
        v: sorted(ids_where(repo.replica, "person", "email", v))
        for v in values
        if ids_where(repo.replica, "person", "email", v)
    }
    assert sorted(scanned["same@x.fi"]) == sorted(from_index["same@x.fi"])
