"""The Repository as the one door: sync, conflicts, the delete cascade and its undo, short ids.

Two real replicas share one real file (``FileRemote``); everything goes through the
Repository's own methods, as the UI and the CLI use them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from digikunta_tui.domain.repository import ConflictNotOpen, Repository, ValidationFailed
from sync import ConflictEntry, FileRemote

PERSON = {"given_name": "Maija", "family_name": "Meikäläinen", "email": "maija@example.fi"}


class Pair:
    """Laptops A and B syncing through one shared file."""

    def __init__(self, tmp_path: Path) -> None:
        self.remote = FileRemote(tmp_path / "shared" / "digikunta.json")
        self.remote.path.parent.mkdir(parents=True)
        self.a = Repository.open(tmp_path / "a", replica_name="A")
        self.b = Repository.open(tmp_path / "b", replica_name="B")

    def sync(self, *which: Repository) -> None:
        for repo in which:
            repo.sync(self.remote)

    def the_conflict(self) -> ConflictEntry:
        on_a, on_b = self.a.conflicts(), self.b.conflicts()
        assert len(on_a) == 1 and [e.id for e in on_b] == [on_a[0].id]
        return on_a[0]


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    both = Pair(tmp_path)
    yield both
    both.a.close()
    both.b.close()


def _shared_person(pair: Pair, **extra: object) -> str:
    person_id = pair.a.create("person", {**PERSON, **extra})
    pair.sync(pair.a, pair.b)
    return person_id


def _webinar(repo: Repository, title: str = "Tekoäly kunnissa") -> str:
    fields = {"title": title, "starts_at": "2030-01-10T10:00:00Z", "duration_minutes": 60}
    return repo.create("webinar", {**fields, "status": "planned"})


# ---------------------------------------------------------------------- sync and state
def test_sync_through_the_repository_indexes_what_it_pulled(pair: Pair) -> None:
    person_id = _shared_person(pair)
    assert pair.b.title_of(person_id) == "Maija Meikäläinen"
    assert [row.id for row in pair.b.page("person")] == [person_id]
    assert pair.a.pending() == 0 and pair.a.last_sync is not None
    assert pair.a.sync_history(limit=5)[0].outcome == "ok"


def test_pending_counts_local_changes_until_a_sync(pair: Pair) -> None:
    assert pair.a.pending() == 0 and pair.a.last_sync is None
    pair.a.create("person", dict(PERSON))
    assert pair.a.pending() == 1
    pair.sync(pair.a)
    assert pair.a.pending() == 0


def test_writer_name_tells_this_laptop_from_another(pair: Pair) -> None:
    person_id = _shared_person(pair)
    pair.a.update("person", person_id, {"notes": "from A"})
    pair.b.update("person", person_id, {"notes": "from B"})
    pair.sync(pair.a, pair.b, pair.a)
    entry = pair.the_conflict()
    stamps = {str(entry.kept["stamp"]), str(entry.lost["stamp"])}
    names = {pair.a.writer_name(stamp) for stamp in stamps}
    assert names == {"this laptop (A)", f"laptop {pair.b.replica.replica_id}"}
    assert pair.a.writer_name("not a stamp") == "not a stamp"


# ---------------------------------------------------------------------- field conflicts
def _notes_conflict(pair: Pair) -> tuple[str, ConflictEntry]:
    person_id = _shared_person(pair)
    pair.a.update("person", person_id, {"notes": "from A"})
    pair.b.update("person", person_id, {"notes": "from B"})
    pair.sync(pair.a, pair.b, pair.a)
    return person_id, pair.the_conflict()


def test_resolve_field_with_a_merged_value_writes_it_and_closes_the_conflict(pair: Pair) -> None:
    person_id, entry = _notes_conflict(pair)
    assert pair.a.conflict(entry.id) == entry
    pair.a.resolve_field(entry.id, "from A and B")
    assert pair.a.get("person", person_id)["notes"] == "from A and B"
    assert pair.a.conflicts() == []
    resolved = pair.a.conflict(entry.id)
    assert resolved is not None and resolved.resolved is not None
    pair.sync(pair.a, pair.b)
    assert pair.b.conflicts() == [] and pair.b.get("person", person_id)["notes"] == "from A and B"


def test_a_merged_email_taken_by_another_person_is_refused(pair: Pair) -> None:
    person_id = _shared_person(pair)
    pair.a.create("person", {**PERSON, "email": "taken@example.fi", "given_name": "Toinen"})
    pair.a.update("person", person_id, {"email": "a@example.fi"})
    pair.b.update("person", person_id, {"email": "b@example.fi"})
    pair.sync(pair.a, pair.b, pair.a)
    entry = pair.the_conflict()
    with pytest.raises(ValidationFailed) as refused:
        pair.a.resolve_field(entry.id, "TAKEN@example.fi")
    assert "email" in refused.value.errors
    assert [e.id for e in pair.a.conflicts()] == [entry.id]  # still open, nothing written
    assert pair.a.resolve_field(entry.id, " Merged@Example.fi ") == "merged@example.fi"
    assert pair.a.get("person", person_id)["email"] == "merged@example.fi"


def test_a_merged_reference_to_a_missing_record_is_refused(pair: Pair) -> None:
    org = pair.a.create("organization", {"name": "Kuopio", "type": "municipality"})
    person_id = _shared_person(pair, organization=org)
    other = pair.a.create("organization", {"name": "Oulu", "type": "municipality"})
    pair.sync(pair.a, pair.b)
    pair.a.update("person", person_id, {"organization": other})
    pair.b.update("person", person_id, {"organization": None})
    pair.sync(pair.a, pair.b, pair.a)
    entry = pair.the_conflict()
    with pytest.raises(ValidationFailed) as refused:
        pair.a.resolve_field(entry.id, "0" * 32)
    assert "organization" in refused.value.errors
    pair.a.resolve_field(entry.id, org)
    assert pair.a.get("person", person_id)["organization"] == org


def test_a_resolved_conflict_cannot_be_resolved_again(pair: Pair) -> None:
    _, entry = _notes_conflict(pair)
    pair.a.resolve_field(entry.id, entry.kept["value"])
    with pytest.raises(ConflictNotOpen):
        pair.a.resolve_field(entry.id, "again")
    with pytest.raises(ConflictNotOpen):
        pair.a.restore("no-such-conflict")


# ---------------------------------------------------------------------- delete conflicts
def _delete_conflict(pair: Pair) -> tuple[str, str, ConflictEntry]:
    webinar = _webinar(pair.a)
    person_id = _shared_person(pair)
    [registration] = pair.b.register(webinar, [person_id])
    pair.sync(pair.b, pair.a)
    pair.a.delete("person", person_id)
    pair.b.update("person", person_id, {"notes": "edited in B"})
    pair.sync(pair.a, pair.b, pair.a)
    entry = pair.the_conflict()
    assert entry.is_delete_conflict
    return person_id, registration, entry


def test_restore_keeps_the_edited_record(pair: Pair) -> None:
    person_id, _, entry = _delete_conflict(pair)
    with pytest.raises(ValueError):
        pair.b.resolve_field(entry.id, "x")
    pair.b.restore(entry.id)
    assert pair.b.conflicts() == []
    assert pair.b.get("person", person_id)["notes"] == "edited in B"


@pytest.mark.parametrize("on", ["a", "b"])
def test_keeping_the_record_leaves_its_cascade_deleted_on_both_laptops(pair: Pair, on: str) -> None:
    # Documented in docs/records.md: the registration deleted with the person on A reached the
    # document as a tombstone holding no fields, so keeping the person (on either laptop)
    # brings back the person only; after the next syncs both laptops agree on that.
    person_id, registration, entry = _delete_conflict(pair)
    getattr(pair, on).restore(entry.id)
    pair.sync(pair.a, pair.b, pair.a)
    for repo in (pair.a, pair.b):
        assert repo.conflicts() == []
        assert repo.get("person", person_id)["notes"] == "edited in B"
        assert repo.get("registration", registration) is None
        assert repo.registrations_of_person(person_id) == []


def test_confirm_delete_deletes_the_record_and_what_depends_on_it(pair: Pair) -> None:
    person_id, _, entry = _delete_conflict(pair)
    webinar = pair.b.page("webinar")[0].id
    [again] = pair.b.register(webinar, [person_id])  # registered again after the delete
    pair.b.confirm_delete(entry.id)
    assert pair.b.get("person", person_id) is None
    assert pair.b.get("registration", again) is None
    assert pair.b.conflicts() == []


def test_keep_acknowledges_an_id_collision(pair: Pair) -> None:
    pair.a.replica.put("organization", "kuopio", {"name": "Kuopio", "type": "municipality"})
    pair.b.replica.put("person", "kuopio", {"given_name": "Kuopio", "family_name": "K"})
    pair.sync(pair.a, pair.b, pair.a)
    entry = pair.the_conflict()
    assert entry.is_id_collision
    with pytest.raises(ValueError):
        pair.a.restore(entry.id)
    pair.a.keep(entry.id)
    assert pair.a.conflicts() == []
    assert pair.a.get("organization", "kuopio") is not None


# ---------------------------------------------------------------------- delete cascade
def test_deleting_a_person_deletes_their_registrations_in_one_change(pair: Pair) -> None:
    repo = pair.a
    webinar = _webinar(repo)
    person_id = repo.create("person", dict(PERSON))
    [registration] = repo.register(webinar, [person_id])
    steps = len(repo.undo)
    repo.delete("person", person_id)
    assert repo.get("person", person_id) is None
    assert repo.get("registration", registration) is None
    assert repo.registrations_of(webinar) == []
    assert len(repo.undo) == steps + 1  # one step: one undo takes it all back


def test_undo_of_a_deleted_person_brings_back_their_registrations(pair: Pair) -> None:
    repo = pair.a
    webinar = _webinar(repo)
    person_id = repo.create("person", dict(PERSON))
    [registration] = repo.register(webinar, [person_id])
    registered = repo.get("registration", registration)
    repo.delete("person", person_id)
    message = repo.undo_last()
    assert message is not None and "Maija Meikäläinen" in message
    assert repo.get("person", person_id) is not None
    assert repo.get("registration", registration) == registered
    assert [rid for rid, _f, _p in repo.registrations_of(webinar)] == [registration]


def test_undo_of_a_deleted_webinar_brings_back_its_registrations_and_newsletter_link(
    pair: Pair,
) -> None:
    repo = pair.a
    webinar = _webinar(repo)
    person_id = repo.create("person", dict(PERSON))
    [registration] = repo.register(webinar, [person_id])
    letter = repo.create(
        "newsletter", {"title": "Uutiskirje 1", "number": 1, "webinar": webinar, "status": "draft"}
    )
    repo.delete("webinar", webinar)
    assert repo.get("registration", registration) is None
    assert repo.get("newsletter", letter).get("webinar") is None
    repo.undo_last()
    assert repo.get("webinar", webinar) is not None
    assert repo.get("registration", registration) is not None
    assert repo.get("newsletter", letter)["webinar"] == webinar


def test_deleting_an_organisation_unlinks_its_people_and_undo_links_them_again(
    pair: Pair,
) -> None:
    repo = pair.a
    org = repo.create("organization", {"name": "Kuopio", "type": "municipality"})
    person_id = repo.create("person", {**PERSON, "organization": org})
    repo.delete("organization", org)
    assert repo.get("person", person_id).get("organization") is None
    repo.undo_last()
    assert repo.get("person", person_id)["organization"] == org


def test_unregister_deletes_the_registration(pair: Pair) -> None:
    repo = pair.a
    webinar = _webinar(repo)
    person_id = repo.create("person", dict(PERSON))
    [registration] = repo.register(webinar, [person_id])
    repo.unregister(registration)
    assert repo.registrations_of(webinar) == []
    assert repo.get("person", person_id) is not None


# ---------------------------------------------------------------------- small reads
def test_ids_starting_finds_live_records_of_the_kind(pair: Pair) -> None:
    repo = pair.a
    person_id = repo.create("person", dict(PERSON))
    org = repo.create("organization", {"name": "Kuopio", "type": "municipality"})
    assert repo.ids_starting("person", person_id[:6]) == [person_id]
    assert repo.ids_starting("person", org[:8]) == []
    repo.delete("person", person_id)
    assert repo.ids_starting("person", person_id[:6]) == []


def test_consent_history_lists_a_purposes_events_oldest_first(pair: Pair) -> None:
    repo = pair.a
    person_id = repo.create("person", dict(PERSON))
    first = repo.add_consent(person_id, "newsletter", "granted")
    other = repo.add_consent(person_id, "photo", "granted")
    second = repo.add_consent(person_id, "newsletter", "withdrawn")
    assert [e.id for e in repo.consent_history(person_id, "newsletter")] == [first, second]
    assert [e.id for e in repo.consent_history(person_id)] == [first, other, second]
    stamp = repo.consent_history(person_id)[0].stamp
    assert repo.writer_name(stamp) == "this laptop (A)"


def test_a_new_webinar_gets_its_calendar_uid(pair: Pair) -> None:
    webinar = _webinar(pair.a)
    assert pair.a.get("webinar", webinar)["ical_uid"] == f"{webinar}@digikunta"
