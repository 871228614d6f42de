"""GDPR: export everything about a person; erase them so that no trace syncs to shared storage."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digikunta_tui.domain.repository import NotFound, Repository
from sync import FileRemote, sync

NAME, FAMILY = "Hilkka", "Häivähdys"
EMAIL, PHONE = "hilkka.haivahdys@tervo.example.fi", "+358401112233"


def _world(repo: Repository) -> dict[str, str]:
    org = repo.create("organization", {"name": "Tervo", "type": "municipality"})
    pid = repo.create(
        "person",
        {
            "given_name": NAME,
            "family_name": FAMILY,
            "organization": org,
            "email": EMAIL,
            "phone": PHONE,
            "notes": "Kirjoitti tarinan.",
        },
    )
    other = repo.create("person", {"given_name": "Olli", "family_name": "Muu", "organization": org})
    webinar = repo.create(
        "webinar",
        {
            "title": "Työnilo",
            "starts_at": "2017-11-07T10:00:00Z",
            "status": "held",
            "prepared_by": [pid, other],
            "presenters": [pid],
        },
    )
    (reg,) = repo.register(webinar, [pid])
    repo.register(webinar, [other])
    repo.add_consent(pid, "newsletter", "granted", wording="Haluan uutiskirjeen")
    repo.add_consent(pid, "photo", "declined")
    story = repo.create(
        "story", {"title": "Sähköinen kalenteri", "stage": "running", "authors": [pid, other]}
    )
    return {
        "org": org,
        "person": pid,
        "other": other,
        "webinar": webinar,
        "reg": reg,
        "story": story,
    }


def test_export_has_everything_about_the_person(repo: Repository) -> None:
    ids = _world(repo)
    export = repo.gdpr_export(ids["person"])
    json.dumps(export)  # JSON-ready
    assert export["person"]["email"] == EMAIL and export["person"]["id"] == ids["person"]
    assert export["organization"] == "Tervo"
    assert [c["purpose"] for c in export["consents"]] == ["newsletter", "photo"]
    assert [r["webinar_title"] for r in export["registrations"]] == ["Työnilo"]
    assert [s["title"] for s in export["stories"]] == ["Sähköinen kalenteri"]
    assert [w["title"] for w in export["webinars"]] == ["Työnilo"]
    other = repo.gdpr_export(ids["other"])
    assert other["consents"] == [] and len(other["registrations"]) == 1


def test_erase_removes_person_consents_registrations_and_links(repo: Repository) -> None:
    ids = _world(repo)
    counts = repo.gdpr_erase(ids["person"])
    assert counts == {"person": 1, "consents": 2, "registrations": 1, "stories": 1, "webinars": 1}
    pid = ids["person"]
    assert repo.get("person", pid) is None
    assert repo.replica.record(pid)["erased"] is True
    assert repo.replica.record(ids["reg"])["erased"] is True
    assert repo.require("story", ids["story"])["authors"] == [ids["other"]]
    webinar = repo.require("webinar", ids["webinar"])
    assert webinar["prepared_by"] == [ids["other"]] and not webinar.get("presenters")
    assert repo.count("consent") == 0 and repo.count("registration") == 1
    assert repo.page("person", query="haivahdys") == []
    assert repo.search(NAME, kinds=["person", "registration", "consent"]) == []
    assert repo.mailing_list() == []
    with pytest.raises(NotFound):
        repo.gdpr_erase(pid)
    with pytest.raises(NotFound):
        repo.gdpr_export(pid)


def _no_trace(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for secret in (NAME, FAMILY, EMAIL, PHONE, "Haluan uutiskirjeen"):
        assert secret not in text, f"{secret!r} survives in {path.name}"


def test_erasure_syncs_and_leaves_no_trace_in_the_shared_file(tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir()
    remote = FileRemote(shared)
    a, b = Repository.open(tmp_path / "a"), Repository.open(tmp_path / "b")
    try:
        ids = _world(a)
        sync(a.replica, remote)
        sync(b.replica, remote)
        b.refresh()
        assert b.get("person", ids["person"])["email"] == EMAIL
        assert EMAIL in shared.read_text(encoding="utf-8")

        a.gdpr_erase(ids["person"])
        sync(a.replica, remote)
        sync(b.replica, remote)
        sync(a.replica, remote)
        b.refresh()

        _no_trace(shared)
        backup = remote.backup_path
        assert backup.exists()
        _no_trace(backup)
        for repo in (a, b):
            assert repo.get("person", ids["person"]) is None
            assert repo.page("person", query="hilkka") == []
            assert repo.require("story", ids["story"])["authors"] == [ids["other"]]
    finally:
        a.close()
        b.close()


def test_person_fields_are_derived_from_the_kinds_references(monkeypatch) -> None:
    from digikunta_tui.domain import gdpr
    from digikunta_tui.domain.kinds import REFERENCES

    owned, listed = gdpr.person_fields()
    assert owned == {"consent": ("person",), "registration": ("person",)}
    assert listed == {"webinar": ("presenters", "prepared_by"), "story": ("authors",)}
    story_refs = {**REFERENCES["story"], "spread_to": "person"}  # a new person list field
    monkeypatch.setitem(REFERENCES, "story", story_refs)
    assert gdpr.person_fields()[1]["story"] == ("authors", "spread_to")
