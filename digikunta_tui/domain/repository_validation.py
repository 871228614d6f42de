"""The repository's validation: a whole record against field rules and rules across records.

A part of :class:`~digikunta_tui.domain.repository.Repository` (a base class of it). Field
rules come from :mod:`validation` (imported when a write validates, not when lists are read);
the rules across records — live references, unique e-mails, no double registration, a consent
event's ``follows`` — read the stored records through :class:`RecordFacts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import suppress
from typing import TYPE_CHECKING, Any, cast

from digikunta_tui.domain.index import SearchIndex
from digikunta_tui.domain.kinds import REFERENCES
from digikunta_tui.domain.record_facts import RecordFacts
from digikunta_tui.domain.replica_reads import ids_where, ids_where_many
from digikunta_tui.domain.stored import ids_in, read_id, read_text
from digikunta_tui.errors import IndexNotReady, ValidationFailed
from digikunta_tui.i18n import t
from sync import Replica

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.domain.repository_parts import RepositoryParts as _Parts
else:
    _Parts = object


class Validation(_Parts):
    """Validating records before they are written; reading the stored records the rules need."""

    replica: Replica
    _index: SearchIndex

    def validate(
        self,
        kind: str,
        fields: Mapping[str, Any],
        record_id: str | None = None,
        *,
        stored: Mapping[str, Any] | None = None,
        facts: RecordFacts | None = None,
    ) -> dict[str, Any]:
        """Validate a whole record against field rules and rules across records.

        Args:
            kind: the record kind.
            fields: the whole record as it would be written.
            record_id: the record's id when it exists (its own e-mail is not "taken").
            stored: the record's fields as stored now. A field whose value is exactly what is
                stored is kept as it is even when it does not validate (odd data that arrived by
                sync stays data: an edit of another field, an unlink or an erasure must not be
                blocked by it, nor rewrite it); every changed field is validated as usual.
            facts: where the rules across records read the stored records (default: afresh;
                an import checking many rows passes a :class:`KnownFacts` for all of them).

        Returns:
            The normalised fields (kept fields as stored).

        Raises:
            ValidationFailed: with translated messages per field.
        """
        from digikunta_tui.domain.validation import RECORD_ERROR, validate_record

        context: dict[str, Any] | None = None
        if kind == "registration":
            webinar_id = read_id(fields.get("webinar"))
            if isinstance(webinar_id, str):
                webinar = self.replica.get("webinar", webinar_id)
                context = {"webinar_status": webinar.get("status") if webinar else None}
        kept = {
            name
            for name, value in fields.items()
            if stored is not None and name in stored and stored[name] == value
        }
        result = validate_record(kind, fields, context=context)
        if result.ok:
            normalised = result.fields
        else:
            refused = {n: m for n, m in result.errors.items() if n not in kept or n == RECORD_ERROR}
            if refused:
                raise ValidationFailed(refused)
            normalised = self._validate_fields(kind, fields, kept, context)
        if facts is None:  # this is a part of a Repository, the rules' source
            facts = RecordFacts(cast("Repository", self))
        errors = self._reference_errors(kind, normalised, facts)
        errors.update(self._uniqueness_errors(kind, normalised, record_id, facts))
        if kind == "consent":
            errors.update(self._follows_errors(normalised, record_id))
        errors = {n: m for n, m in errors.items() if n not in kept}
        if errors:
            raise ValidationFailed(errors)
        return normalised

    @staticmethod
    def _validate_fields(
        kind: str, fields: Mapping[str, Any], kept: set[str], context: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        """Field by field: ``kept`` ones as they are, the others validated and normalised."""
        from digikunta_tui.domain.validation import (
            check_attendance_allowed,
            normalise_field,
            validate_field,
        )

        normalised: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, value in fields.items():
            if name in kept:
                normalised[name] = value
            elif (message := validate_field(kind, name, value)) is not None:
                errors[name] = message
            elif (clean := normalise_field(kind, name, value)) not in (None, []):
                normalised[name] = clean
        if "attended_minutes" in normalised and "attended_minutes" not in kept and context:
            message = check_attendance_allowed(context.get("webinar_status"))
            if message is not None:
                errors["attended_minutes"] = message
        if errors:
            raise ValidationFailed(errors)
        return normalised

    @staticmethod
    def _reference_errors(
        kind: str, fields: Mapping[str, Any], facts: RecordFacts
    ) -> dict[str, str]:
        errors: dict[str, str] = {}
        for name, target in REFERENCES.get(kind, {}).items():
            if not all(facts.live(target, rid) for rid in ids_in(fields.get(name))):
                errors[name] = t(
                    "repository.reference_missing", kind=t(f"repository.kind.{target}")
                )
        return errors

    @staticmethod
    def _uniqueness_errors(
        kind: str, fields: Mapping[str, Any], record_id: str | None, facts: RecordFacts
    ) -> dict[str, str]:
        email = read_text(fields.get("email")) if kind == "person" else None
        if isinstance(email, str):
            others = facts.ids_where("person", "email", email.lower())
            if any(rid != record_id for rid in others):
                return {"email": t("repository.email_taken")}
        webinar, person = read_id(fields.get("webinar")), read_id(fields.get("person"))
        if kind == "registration" and isinstance(webinar, str) and isinstance(person, str):
            same = set(facts.ids_where("registration", "webinar", webinar))
            same &= set(facts.ids_where("registration", "person", person))
            if same - {record_id}:
                return {"person": t("repository.already_registered")}
        return {}

    def _ids_where(self, kind: str, column: str, value: str) -> list[str]:
        """Ids of live ``kind`` records whose index ``column`` is ``value``.

        From the index; while it is being built, from a scan of the replica (a write is
        validated then too). ``email`` compares in lower case, as the index stores it.
        """
        with suppress(IndexNotReady):
            return self._index.ids(kind, column, value)
        return ids_where(self.replica, kind, column, value)

    ids_where = _ids_where  # for the rules' :class:`RecordFacts`

    def ids_where_many(self, kind: str, column: str, values: Iterable[str]) -> dict[str, list[str]]:
        """:meth:`_ids_where` of many values at once: value → ids (``[]`` when none)."""
        values = set(values)
        with suppress(IndexNotReady):
            return self._index.ids_many(kind, column, values)
        found = ids_where_many(self.replica, kind, column, values)
        return {value: found.get(value, []) for value in values}
