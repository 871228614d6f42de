"""The repository: validated CRUD, Finnish-ordered paged lists, filters, and its derived index."""

from __future__ import annotations

from pathlib import Path

import pytest

from digikunta_tui.domain.repository import NotFound, Repository, ValidationFailed
from sync import FileRemote, sync


def _org(repo: Repository, name: str = "Kuopio") -> str:
    return repo.create("organization", {"name": name, "type": "municipality"})


def _person(repo: Repository, given: str, family: str, **fields: object) -> str:
    return repo.create("person", {"given_name": given, "family_name": family, **fields})


def test_create_get_update_delete(repo: Repository) -> None:
    org = _org(repo)
    pid = _person(repo, "Ville", "Virtanen", organization=org, phone="040 123 4567")
    assert repo.get("person", pid)["phone"] == "+358401234567"
    repo.update("person", pid, {"job_title": "Rehtori"})
    fields = repo.require("person", pid)
    assert fields["job_title"] == "Rehtori" and fields["given_name"] == "Ville"
    repo.update("person", pid, {"job_title": ""})
    assert not repo.require("person", pid).get("job_title")
    repo.delete("person", pid)
    assert repo.get("person", pid) is None
    with pytest.raises(NotFound, match=pid):
        repo.require("person", pid)
    with pytest.raises(NotFound):
        repo.delete("person", pid)


def test_invalid_create_raises_translated_errors_and_writes_nothing(repo: Repository) -> None:
    with pytest.raises(ValidationFailed) as failure:
        repo.create("person", {"given_name": "Ville", "email": "not an email"})
    assert set(failure.value.errors) >= {"family_name", "email"}
    assert all(isinstance(m, str) and m for m in failure.value.errors.values())
    assert repo.replica.count() == 0
    assert repo.replica.pending() == 0


def test_invalid_update_writes_nothing(repo: Repository) -> None:
    pid = _person(repo, "Ville", "Virtanen")
    before = repo.replica.changes_since(0)[0]
    with pytest.raises(ValidationFailed) as failure:
        repo.update("person", pid, {"family_name": "", "job_title": "Rehtori"})
    assert "family_name" in failure.value.errors
    assert repo.replica.changes_since(0)[0] == before
    assert "job_title" not in repo.require("person", pid)


def test_email_is_unique_among_live_people_case_insensitively(repo: Repository) -> None:
    first = _person(repo, "Ville", "Virtanen", email="ville@kuopio.fi")
    with pytest.raises(ValidationFailed) as failure:
        _person(repo, "Vilho", "Virta", email="Ville@KUOPIO.fi")
    assert set(failure.value.errors) == {"email"}
    assert repo.count("person") == 1
    # Saving the same person with their own address is fine.
    repo.update("person", first, {"email": "VILLE@kuopio.fi", "notes": "sama"})
    # A deleted person's address is free again.
    repo.delete("person", first)
    _person(repo, "Vilho", "Virta", email="ville@kuopio.fi")


def test_references_must_point_to_live_records_of_the_right_kind(repo: Repository) -> None:
    org = _org(repo)
    pid = _person(repo, "Ville", "Virtanen", organization=org)
    with pytest.raises(ValidationFailed) as failure:
        _person(repo, "Anna", "Ahonen", organization=pid)  # a person is not an organisation
    assert set(failure.value.errors) == {"organization"}
    with pytest.raises(ValidationFailed) as failure:
        repo.create("story", {"title": "Kokeilu", "stage": "idea", "authors": [pid, "f" * 32]})
    assert set(failure.value.errors) == {"authors"}
    repo.delete("organization", org)
    with pytest.raises(ValidationFailed):
        _person(repo, "Anna", "Ahonen", organization=org)


def test_registration_rules(repo: Repository) -> None:
    pid = _person(repo, "Ville", "Virtanen")
    webinar = repo.create(
        "webinar", {"title": "Työnilo", "starts_at": "2017-11-07T10:00:00Z", "status": "planned"}
    )
    reg = repo.create(
        "registration", {"webinar": webinar, "person": pid, "registered_at": "2017-11-01T10:00Z"}
    )
    with pytest.raises(ValidationFailed) as failure:
        repo.create(
            "registration",
            {"webinar": webinar, "person": pid, "registered_at": "2017-11-02T10:00Z"},
        )
    assert set(failure.value.errors) == {"person"}
    assert repo.register(webinar, [pid]) == []  # already registered: skipped
    with pytest.raises(ValidationFailed) as failure:
        repo.set_attendance(reg, 60)  # not held yet
    assert set(failure.value.errors) == {"attended_minutes"}
    repo.update("webinar", webinar, {"status": "held"})
    repo.set_attendance(reg, 60)
    assert repo.require("registration", reg)["attended_minutes"] == 60


def test_register_many_is_all_or_nothing(repo: Repository) -> None:
    a, b = _person(repo, "Anna", "Ahonen"), _person(repo, "Bertta", "Backman")
    webinar = repo.create(
        "webinar", {"title": "Työnilo", "starts_at": "2017-11-07T10:00:00Z", "status": "planned"}
    )
    with pytest.raises(ValidationFailed):
        repo.register(webinar, [a, "0" * 32])
    assert repo.count("registration") == 0
    assert len(repo.register(webinar, [a, b, a])) == 2
    assert [p["family_name"] for _, _, p in repo.registrations_of(webinar)] == [
        "Ahonen",
        "Backman",
    ]


def test_page_sorts_in_finnish_order(repo: Repository) -> None:
    names = ["Östman", "Zetterberg", "Wallin", "Virtanen", "Åberg", "Ärling", "Aalto", "Vuori"]
    for family in names:
        _person(repo, "Testi", family)
    titles = [row.title.split()[1] for row in repo.page("person")]
    assert titles == [
        "Aalto",
        "Virtanen",
        "Vuori",
        "Wallin",
        "Zetterberg",
        "Åberg",
        "Ärling",
        "Östman",
    ]


def test_v_and_w_sort_together(repo: Repository) -> None:
    for family in ("Wahl", "Vainio", "Westerinen", "Vesterinen"):
        _person(repo, "Testi", family)
    titles = [row.title.split()[1] for row in repo.page("person")]
    # Finnish collation: v and w are separate letters, but both sort before x/y and å/ä/ö,
    # and w after v.
    assert titles.index("Vainio") < titles.index("Vesterinen") < titles.index("Wahl")


def test_people_sort_by_family_then_given_name(repo: Repository) -> None:
    _person(repo, "Ville", "Aho")
    _person(repo, "Anna", "Aho")
    _person(repo, "Aapo", "Ahonen")
    assert [r.title for r in repo.page("person")] == ["Anna Aho", "Ville Aho", "Aapo Ahonen"]


def test_paging_counts_and_filters(repo: Repository) -> None:
    kuopio, varkaus = _org(repo, "Kuopio"), _org(repo, "Varkaus")
    for i in range(25):
        _person(
            repo,
            f"Henkilö{i:02d}",
            "Virtanen",
            organization=kuopio if i % 2 else varkaus,
            roles=["staff"] if i % 5 else ["management", "staff"],
        )
    assert repo.count("person") == 25
    first, second = repo.page("person", limit=10), repo.page("person", offset=10, limit=10)
    rest = repo.page("person", offset=20, limit=10)
    assert len(first) == 10 and len(second) == 10 and len(rest) == 5
    assert len({r.id for r in first + second + rest}) == 25
    assert repo.count("person", filters={"organization": kuopio}) == 12
    assert {r.subtitle for r in repo.page("person", filters={"organization": kuopio})} == {"Kuopio"}
    assert repo.count("person", filters={"role": "management"}) == 5
    assert repo.count("person", filters={"role": "manage"}) == 0  # exact role, not a substring
    assert repo.count("person", query="henkilö1", filters={"organization": kuopio}) == 5
    assert len(repo.people_of(varkaus)) == 13
    with pytest.raises(ValueError):
        repo.page("person", filters={"password": "x"})


def test_story_and_webinar_filters(repo: Repository) -> None:
    org = _org(repo)
    repo.create("story", {"title": "A", "stage": "idea", "organization": org, "themes": ["AI"]})
    repo.create("story", {"title": "B", "stage": "running", "unit": "Perusopetus"})
    assert repo.count("story", filters={"stage": "idea"}) == 1
    assert repo.count("story", filters={"theme": "AI"}) == 1
    assert repo.count("story", filters={"unit": "Perusopetus"}) == 1
    assert [r.title for r in repo.stories_of(org)] == ["A"]
    repo.create("webinar", {"title": "Old", "starts_at": "2017-11-07T10:00Z", "status": "held"})
    repo.create("webinar", {"title": "New", "starts_at": "2199-01-07T10:00Z", "status": "planned"})
    assert [r.title for r in repo.page("webinar")] == ["New", "Old"]  # newest first
    assert [r.title for r in repo.page("webinar", filters={"upcoming": "1"})] == ["New"]
    assert [r.title for r in repo.page("webinar", filters={"upcoming": "0"})] == ["Old"]
    assert repo.next_webinar()[1]["title"] == "New"


def test_titles_of_dependents_follow_a_renamed_organisation(repo: Repository) -> None:
    org = _org(repo, "Kuopio")
    pid = _person(repo, "Ville", "Virtanen", organization=org)
    repo.update("organization", org, {"name": "Kuopion kaupunki"})
    assert repo.page("person")[0].subtitle == "Kuopion kaupunki"
    assert [h.id for h in repo.search("kaupunki", kinds=["person"])] == [pid]


def test_an_edit_shows_in_the_list_at_once(repo: Repository) -> None:
    pid = _person(repo, "Ville", "Virtanen")
    repo.update("person", pid, {"family_name": "Järvinen"})
    assert [r.title for r in repo.page("person", query="jarvinen")] == ["Ville Järvinen"]
    assert repo.page("person", query="virtanen") == []
    assert repo.recent_changes(1)[0].id == pid


def test_index_is_rebuilt_when_deleted_or_corrupt(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Repository.open(data) as repo:
        _person(repo, "Ville", "Virtanen")
    (data / "index.sqlite").unlink()
    for suffix in ("-wal", "-shm"):
        (data / f"index.sqlite{suffix}").unlink(missing_ok=True)
    with Repository.open(data) as repo:
        assert [r.title for r in repo.page("person")] == ["Ville Virtanen"]
    (data / "index.sqlite").write_bytes(b"this is not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        (data / f"index.sqlite{suffix}").unlink(missing_ok=True)
    with Repository.open(data) as repo:
        assert [r.title for r in repo.page("person", query="vir")] == ["Ville Virtanen"]


def test_index_of_another_replica_is_rebuilt(tmp_path: Path) -> None:
    with Repository.open(tmp_path / "a") as a:
        _person(a, "Anna", "Ahonen")
    with Repository.open(tmp_path / "b") as b:
        _person(b, "Bertta", "Backman")
    (tmp_path / "b" / "index.sqlite").replace(tmp_path / "a" / "index.sqlite")
    for suffix in ("-wal", "-shm"):
        (tmp_path / "a" / f"index.sqlite{suffix}").unlink(missing_ok=True)
        (tmp_path / "b" / f"index.sqlite{suffix}").unlink(missing_ok=True)
    with Repository.open(tmp_path / "a") as a:
        assert [r.title for r in a.page("person")] == ["Anna Ahonen"]


def test_refresh_is_a_no_op_when_nothing_changed(repo: Repository) -> None:
    _person(repo, "Ville", "Virtanen")
    assert repo.refresh() == 0
    repo.replica.put("person", "a" * 32, {"given_name": "Anna", "family_name": "Ahonen"})
    assert repo.refresh() == 1
    assert repo.refresh() == 0


def test_changes_arriving_through_a_sync_reach_the_index(tmp_path: Path) -> None:
    shared = FileRemote(tmp_path / "shared" / "digikunta.json")
    (tmp_path / "shared").mkdir()
    a, b = Repository.open(tmp_path / "a"), Repository.open(tmp_path / "b")
    try:
        org = _org(a, "Hämeenkyrö")
        pid = _person(a, "Ville", "Virtanen", organization=org)
        sync(a.replica, shared)
        sync(b.replica, shared)
        b.refresh()
        assert [r.subtitle for r in b.page("person", query="hameenkyro")] == ["Hämeenkyrö"]
        b.update("organization", org, {"name": "Hämeenkyrön kunta"})
        a.delete("person", pid)
        _person(a, "Anna", "Ahonen", organization=org)
        sync(b.replica, shared)
        sync(a.replica, shared)
        sync(b.replica, shared)
        assert a.refresh() > 0 and b.refresh() > 0
        for repo in (a, b):
            assert [r.title for r in repo.page("person")] == ["Anna Ahonen"]
            assert repo.page("person")[0].subtitle == "Hämeenkyrön kunta"
            assert repo.count("person", query="virtanen") == 0
    finally:
        a.close()
        b.close()


def test_counts_and_demo_data(repo: Repository) -> None:
    loaded = repo.load_demo()
    counts = repo.counts()
    assert sum(counts.values()) == loaded
    assert counts["person"] == repo.count("person") > 0
    assert repo.replica.count() == loaded
    assert repo.load_demo() == loaded  # idempotent: same ids, nothing new
    assert repo.replica.count() == loaded


def test_load_synthetic_builds_the_index(repo: Repository) -> None:
    total = repo.load_synthetic(300, seed=3)
    assert repo.replica.count() == total
    assert repo.count("person") == 300
    assert repo.refresh() == 0
    keys = [r.sort_key for r in repo.page("person", limit=300)]
    assert keys == sorted(keys)


def test_not_found_message_names_kind_and_id(repo: Repository) -> None:
    with pytest.raises(NotFound) as failure:
        repo.require("webinar", "abc123")
    assert "webinar" in str(failure.value) and "abc123" in str(failure.value)
