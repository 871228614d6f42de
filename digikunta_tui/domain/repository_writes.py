"""The repository's writes: creating, updating and deleting records, registering people.

A part of :class:`~digikunta_tui.domain.repository.Repository` (a base class of it). Every
write is validated first (:meth:`Validation.validate`), is one transaction of the replica,
becomes one undo step, and is taken into the index at once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from digikunta_tui.domain.stored import read_id
from digikunta_tui.domain.undo import UndoLog
from sync import Replica, new_id


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


if TYPE_CHECKING:
    from digikunta_tui.domain.repository_parts import RepositoryParts as _Parts
else:
    _Parts = object


class Writes(_Parts):
    """Validated writes of records, with what they change besides (cascades) and undo steps."""

    replica: Replica
    undo: UndoLog

    def create(self, kind: str, fields: dict[str, Any]) -> str:
        """Validate and store a new record; returns its new id.

        A new webinar gets its calendar UID (``<id>@digikunta``) unless one is given.

        A new consent event records what this laptop knew: unless given, its ``follows`` is
        the ids of the person's current events for that purpose (see :mod:`consent`).

        Raises:
            ValidationFailed: nothing was written.
        """
        record_id = new_id()
        if kind == "webinar" and not fields.get("ical_uid"):
            fields = {**fields, "ical_uid": f"{record_id}@digikunta"}  # stable across edits
        if kind == "consent" and "follows" not in fields:
            fields = {**fields, "follows": self._consent_heads(fields)}
        normalised = self.validate(kind, fields)
        self.replica.put(kind, record_id, normalised)
        self.undo.record("create", kind, record_id, None)
        self._reindex()
        return record_id

    def update(self, kind: str, record_id: str, fields: dict[str, Any]) -> None:
        """Change some fields (None or "" clears one), validated as the merged whole.

        Only the fields named are written. The others are kept exactly as stored: fields a newer
        app version wrote, and values that arrived by sync and do not validate (see
        :meth:`validate`'s ``stored``) — they neither block the edit nor are rewritten by it.

        Raises:
            NotFound: no live record of that kind and id.
            ValidationFailed: nothing was written.
        """
        current = self.require(kind, record_id)
        from digikunta_tui.domain.validation import KIND_FIELDS

        known = set(KIND_FIELDS.get(kind, ()))
        merged = {k: v for k, v in current.items() if k in known and not _blank(v)}
        merged.update(fields)
        normalised = self.validate(kind, merged, record_id, stored=current)
        changes = {k: v for k, v in normalised.items() if k in fields and current.get(k) != v}
        for name in fields:
            if name not in normalised and not _blank(current.get(name)):
                changes[name] = None
        if changes:
            self.replica.put(kind, record_id, changes)
            self.undo.record("update", kind, record_id, current)
        self._reindex()

    def cascade_of(
        self, kind: str, record_id: str
    ) -> tuple[list[tuple[str, str, dict[str, Any]]], list[tuple[str, str]]]:
        """What deleting a record changes besides it, as ``(puts, deletes)``.

        A person's and a webinar's registrations and a story's indicators are deleted; a
        webinar's newsletter loses its link (``webinar`` cleared), an organisation's people
        lose theirs (``organization`` cleared). Read from the index (brought up to date).
        """
        self._reindex()
        deletes: list[tuple[str, str]] = []
        puts: list[tuple[str, str, dict[str, Any]]] = []
        if kind == "webinar":
            deletes = [("registration", rid) for rid, _f, _p in self.registrations_of(record_id)]
            if (found := self.newsletter_of(record_id)) is not None:
                puts.append(("newsletter", found[0], {"webinar": None}))
        elif kind == "person":
            deletes = [
                ("registration", rid) for rid, _f, _w in self.registrations_of_person(record_id)
            ]
        elif kind == "story":
            deletes = [("indicator", rid) for rid, _f in self.indicators_of(record_id)]
        elif kind == "organization":
            puts = [("person", row.id, {"organization": None}) for row in self.people_of(record_id)]
        return puts, deletes

    def delete(self, kind: str, record_id: str) -> None:
        """Delete a record and what depends on it (see :meth:`cascade_of`), in one transaction.

        An ordinary, syncable deletion; one undo step takes all of it back
        (:meth:`undo_last`).

        Raises:
            NotFound: no live record of that kind and id.
        """
        previous = self.require(kind, record_id)
        puts, deletes = self.cascade_of(kind, record_id)
        cascade: list[tuple[str, str, dict[str, Any]]] = []
        for dep_kind, dep_id in [*((k, rid) for k, rid, _ in puts), *deletes]:
            if (fields := self.get(dep_kind, dep_id)) is not None:
                cascade.append((dep_kind, dep_id, fields))
        self.replica.apply(puts=puts, deletes=[*deletes, (kind, record_id)])
        self.undo.record("delete", kind, record_id, previous, cascade=cascade)
        self._reindex()

    def unregister(self, registration_id: str) -> None:
        """Take a person off a webinar: delete the registration (undoable like any delete).

        Raises:
            NotFound: no live registration with that id.
        """
        self.delete("registration", registration_id)

    def register(self, webinar_id: str, person_ids: list[str]) -> list[str]:
        """Register people to a webinar in one transaction, skipping those already registered.

        Returns:
            The new registration ids.

        Raises:
            NotFound: no such webinar.
            ValidationFailed: a person does not exist; nothing was written.
        """
        self.require("webinar", webinar_id)
        self._reindex()
        registered = {
            person
            for _, fields, _ in self.registrations_of(webinar_id)
            if isinstance(person := read_id(fields.get("person")), str)
        }
        now = self._now()
        items: list[tuple[str, str, Mapping[str, Any]]] = []
        for person_id in dict.fromkeys(person_ids):
            if person_id in registered:
                continue
            fields = {"webinar": webinar_id, "person": person_id, "registered_at": now}
            items.append(("registration", new_id(), self.validate("registration", fields)))
        if items:
            self.replica.put_many(items)
            self._reindex()
        return [rid for _, rid, _ in items]

    def set_attendance(self, registration_id: str, minutes: int) -> None:
        """Record attended minutes (only once the webinar is held, else ValidationFailed)."""
        self.update("registration", registration_id, {"attended_minutes": minutes})
