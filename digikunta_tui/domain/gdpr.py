"""GDPR chores for one person: export everything held about them, and erase them for good.

Erasure uses :meth:`sync.Replica.erase` (a tombstone without data that always wins and also
scrubs the shared file's backup at the next sync) for the person, their consent events and
their registrations, and ordinary updates to take their id out of stories' ``authors`` and
webinars' ``prepared_by`` and ``presenters``. Which fields refer to a person is derived from
the kinds' ``REFERENCES`` (:func:`person_fields`), so a new reference is covered too. Each
step is its own transaction and the person goes last, so an interrupted erasure is finished by
running it again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from digikunta_tui.domain.kinds import REFERENCES

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository

PRESENTER_FIELDS: dict[str, tuple[str, ...]] = {"webinar": ("presenters",)}
"""Person ids that :data:`~digikunta_tui.domain.kinds.REFERENCES` does not list (presenters
may be free-text names too), but that name people all the same."""


def person_fields() -> tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]:
    """Where records refer to a person, derived from the kinds' ``REFERENCES``.

    Returns:
        ``owned``: kind → the field naming the one person the record is about (a consent
        event, a registration): such records are the person's and are erased with them.
        ``listed``: kind → list fields that mention people among others (story authors,
        webinar preparers and presenters): the person is taken out of them.
    """
    from digikunta_tui.domain.transfer import field_shape

    owned: dict[str, tuple[str, ...]] = {}
    listed: dict[str, list[str]] = {k: list(v) for k, v in PRESENTER_FIELDS.items()}
    for kind, refs in REFERENCES.items():
        for name, target in refs.items():
            if target != "person":
                continue
            if field_shape(kind, name) == "list":
                listed.setdefault(kind, []).append(name)
            else:
                owned[kind] = (*owned.get(kind, ()), name)
    return owned, {kind: tuple(dict.fromkeys(names)) for kind, names in listed.items()}


def _mentioning(repo: Repository, kind: str, person_id: str) -> list[tuple[str, dict[str, Any]]]:
    """``kind`` records whose person list fields hold ``person_id``."""
    names = person_fields()[1].get(kind, ())
    return [
        (rid, fields)
        for _, rid, fields in repo.replica.records(kind)
        # only real lists: a text or a number there (odd data from a sync) mentions nobody
        if any(isinstance(v := fields.get(name), list) and person_id in v for name in names)
    ]


def _owned(repo: Repository, kind: str, person_id: str) -> list[str]:
    """Ids of ``kind`` records that are about ``person_id`` (a full scan: nothing is missed)."""
    names = person_fields()[0].get(kind, ())
    return [
        rid
        for _, rid, fields in repo.replica.records(kind)
        if any(fields.get(name) == person_id for name in names)
    ]


def export_person(repo: Repository, person_id: str) -> dict[str, Any]:
    """Return everything held about a person, JSON-ready.

    Keys: ``person`` (id and fields), ``organization`` (name or None), ``consents`` (events,
    in the order they were recorded), ``consent_state`` (purpose → ``{"state": "granted" …
    or "conflict", "current": [ids of the current events]}``), ``registrations`` (with
    ``webinar_title``), ``stories`` (authored, with fields), ``webinars`` (where they prepared
    or presented), ``exported_at``.

    Raises:
        NotFound: no such live person.
    """
    person = repo.require("person", person_id)
    org_id = person.get("organization")
    org = repo.get("organization", org_id) if org_id else None
    registrations = [
        {"id": rid, **fields, "webinar_title": (webinar or {}).get("title")}
        for rid, fields, webinar in repo.registrations_of_person(person_id)
    ]
    stories = [{"id": rid, **fields} for rid, fields in _mentioning(repo, "story", person_id)]
    webinars = [
        {"id": rid, "title": fields.get("title"), "starts_at": fields.get("starts_at")}
        for rid, fields in _mentioning(repo, "webinar", person_id)
    ]
    return {
        "person": {"id": person_id, **person},
        "organization": org.get("name") if org else None,
        "consents": [{"id": rid, **fields} for rid, fields in repo.consents_of(person_id)],
        "consent_state": {
            purpose: {"state": state.action, "current": state.head_ids}
            for purpose, state in sorted(repo.consent_status(person_id).items())
        },
        "registrations": registrations,
        "stories": stories,
        "webinars": webinars,
        "exported_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def erase_person(repo: Repository, person_id: str) -> dict[str, int]:
    """Erase a person, their consents and registrations; unlink them from stories and webinars.

    Returns:
        Counts: ``person``, ``consents``, ``registrations``, ``stories``, ``webinars``.

    Raises:
        NotFound: no such live person (an already erased one included).
    """
    repo.require("person", person_id)
    repo.refresh()
    owned, listed = person_fields()
    keys = {"story": "stories", "webinar": "webinars", "consent": "consents"}
    counts = {"person": 0, "consents": 0, "registrations": 0, "stories": 0, "webinars": 0}
    for kind, names in listed.items():
        key = keys.get(kind, kind + "s")
        for rid, fields in _mentioning(repo, kind, person_id):
            changes = {
                name: [v for v in fields[name] if v != person_id]
                for name in names
                if isinstance(fields.get(name), list) and person_id in fields[name]
            }
            repo.update(kind, rid, {k: v or None for k, v in changes.items()})
            counts[key] = counts.get(key, 0) + 1
    for kind in owned:
        key = keys.get(kind, kind + "s")
        for rid in _owned(repo, kind, person_id):
            repo.replica.erase(kind, rid)
            counts[key] = counts.get(key, 0) + 1
    repo.replica.erase("person", person_id)
    counts["person"] = 1
    repo.refresh()
    repo.scrub_erasures()  # no-op when refresh could scrub; else it is tried once more
    return counts
