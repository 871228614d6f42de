"""Consent through the repository: ``follows`` recorded and validated, conflicts never silent."""

from __future__ import annotations

import json

import pytest

from digikunta_tui.domain.models import Consent
from digikunta_tui.domain.repository import Repository, ValidationFailed
from digikunta_tui.domain.transfer import (
    apply_import,
    export_csv,
    export_json,
    export_records,
    plan_import,
    read_rows,
)

AT = "2017-11-07T10:00:00Z"


def person(repo: Repository, given: str = "Sanna", email: str | None = "sanna@kuopio.fi") -> str:
    fields = {"given_name": given, "family_name": "Kokeilija"}
    return repo.create("person", fields | ({"email": email} if email else {}))


def event(pid: str, action: str, **extra: object) -> dict[str, object]:
    return {"person": pid, "purpose": "newsletter", "action": action, "at": AT, **extra}


def stamp_of(repo: Repository, rid: str) -> str:
    record = repo.replica.record(rid)
    assert record is not None
    return record["stamps"]["action"]


def test_an_empty_follows_is_stored_and_an_absent_one_is_not() -> None:
    first = Consent.model_validate(event("p", "granted", follows=[]))
    assert first.to_fields()["follows"] == []
    assert "follows" not in Consent.model_validate(event("p", "granted")).to_fields()
    assert Consent.model_validate(event("p", "granted", follows=["a", "b"])).to_fields()[
        "follows"
    ] == ["a", "b"]


def test_each_new_event_follows_the_current_ones(repo: Repository) -> None:
    pid = person(repo)
    first = repo.add_consent(pid, "newsletter", "granted")
    photo = repo.add_consent(pid, "photo", "declined")
    second = repo.add_consent(pid, "newsletter", "withdrawn")
    assert repo.get("consent", first)["follows"] == []
    assert repo.get("consent", photo)["follows"] == []
    assert repo.get("consent", second)["follows"] == [first]
    assert stamp_of(repo, second) > stamp_of(repo, first)
    assert repo.consent_state(pid) == {"newsletter": "withdrawn", "photo": "declined"}
    assert [rid for rid, _ in repo.consents_of(pid)] == [first, photo, second]


def test_a_later_event_wins_whatever_its_at_says(repo: Repository) -> None:
    pid = person(repo)
    repo.create("consent", event(pid, "granted", at="2199-01-01T00:00:00Z"))
    later = repo.create("consent", event(pid, "withdrawn", at="1999-01-01T00:00:00Z"))
    assert repo.consent_state(pid) == {"newsletter": "withdrawn"}
    assert repo.consents_of(pid)[-1][0] == later
    assert repo.mailing_list() == []


def test_add_consent_records_the_time_as_it_is(repo: Repository) -> None:
    pid = person(repo)
    repo.create("consent", event(pid, "granted", at="2199-01-01T00:00:00Z"))
    withdrawn = repo.add_consent(pid, "newsletter", "withdrawn")
    assert repo.get("consent", withdrawn)["at"] < "2199"  # not moved after the other event


def test_follows_names_only_events_of_the_same_person_and_purpose(repo: Repository) -> None:
    pid, other = person(repo), person(repo, "Olli", "olli@kuopio.fi")
    mine = repo.add_consent(pid, "newsletter", "granted")
    photo = repo.add_consent(pid, "photo", "granted")
    theirs = repo.add_consent(other, "newsletter", "granted")
    for bad in ([theirs], [photo], [pid], [mine, theirs]):
        with pytest.raises(ValidationFailed) as failure:
            repo.create("consent", event(pid, "withdrawn", follows=bad))
        assert set(failure.value.errors) == {"follows"}
    with pytest.raises(ValidationFailed):
        repo.create("consent", event(pid, "withdrawn", follows="not a list"))
    assert len(repo.consents_of(pid)) == 2
    # An unknown id is fine: the event it names may not have arrived yet.
    ok = repo.create("consent", event(pid, "withdrawn", follows=[mine, "f" * 32]))
    assert repo.get("consent", ok)["follows"] == [mine, "f" * 32]
    assert repo.consent_state(pid)["newsletter"] == "withdrawn"


def _fork(repo: Repository, pid: str, first: str, second: str) -> tuple[str, str]:
    """Two events that each knew nothing of the other (as when made on two laptops)."""
    a = repo.create("consent", event(pid, first, follows=[]))
    b = repo.create("consent", event(pid, second, follows=[]))
    return a, b


def test_a_conflict_keeps_the_person_off_the_mailing_list_and_says_so(
    repo: Repository,
) -> None:
    pid = person(repo)
    clear = person(repo, "Anna", "anna@kuopio.fi")
    repo.add_consent(clear, "newsletter", "granted")
    both_no = person(repo, "Eero", "eero@kuopio.fi")
    _fork(repo, both_no, "declined", "withdrawn")
    a, b = _fork(repo, pid, "granted", "withdrawn")
    status = repo.consent_status(pid)["newsletter"]
    assert status.conflict and sorted(status.head_ids) == sorted([a, b])
    assert repo.consent_state(pid) == {"newsletter": "conflict"}
    assert repo.consent_state(both_no) == {"newsletter": "conflict"}
    assert [p["email"] for p in repo.mailing_list()] == ["anna@kuopio.fi"]
    # Only those a conflict keeps off the list (a grant among the current events) are named.
    assert [p["id"] for p in repo.mailing_list_conflicts()] == [pid]
    export = repo.gdpr_export(pid)
    assert export["consent_state"] == {
        "newsletter": {"state": "conflict", "current": status.head_ids}
    }
    assert {c["id"] for c in export["consents"]} == {a, b}
    # Recording the right consent again follows both and ends the conflict.
    settled = repo.add_consent(pid, "newsletter", "granted")
    assert sorted(repo.get("consent", settled)["follows"]) == sorted([a, b])
    assert repo.consent_state(pid) == {"newsletter": "granted"}
    assert repo.mailing_list_conflicts() == []
    assert [p["email"] for p in repo.mailing_list()] == ["anna@kuopio.fi", "sanna@kuopio.fi"]


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_and_import_keep_follows(repo: Repository, tmp_path, fmt: str) -> None:
    pid = person(repo)
    a, b = _fork(repo, pid, "granted", "withdrawn")
    settled = repo.add_consent(pid, "newsletter", "withdrawn")
    legacy = repo.create("consent", event(pid, "granted", follows=None) | {"purpose": "photo"})
    records = export_records(repo, "consent")
    text = export_csv("consent", records) if fmt == "csv" else export_json("consent", records)
    other = Repository.open(tmp_path / "other")
    try:
        other.replica.put("person", pid, {"given_name": "Sanna", "family_name": "Kokeilija"})
        other.refresh()
        plan = plan_import(other, "consent", read_rows(text.encode(), f"c.{fmt}", "consent"))
        assert plan.problems == [] and plan.new == 4
        apply_import(other, plan)
        for rid in (a, b, settled, legacy):
            assert other.get("consent", rid) == repo.get("consent", rid)
        assert other.consent_state(pid) == repo.consent_state(pid)
        assert other.consent_state(pid) == {"newsletter": "withdrawn", "photo": "granted"}
    finally:
        other.close()


def test_an_import_row_may_not_follow_another_persons_row(repo: Repository) -> None:
    pid, other = person(repo), person(repo, "Olli", "olli@kuopio.fi")
    rows = [
        {"id": "e1", **event(other, "granted", follows=[])},
        {"id": "e2", **event(pid, "withdrawn", follows=["e1"])},
        {"id": "e3", **event(pid, "granted", follows=["e3"])},
        {"id": "e4", **event(pid, "granted", follows=["e2", "unknown"])},
    ]
    data = json.dumps(rows).encode()
    plan = plan_import(repo, "consent", read_rows(data, "c.json", "consent"))
    assert [p.split(":")[0] for p in plan.problems] == ["row 2", "row 3"]
    assert all("follows" in p for p in plan.problems)
    assert repo.count("consent") == 0
