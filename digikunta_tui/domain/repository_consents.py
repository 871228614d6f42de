"""The repository's consent side: a person's consent events, their state, and new events.

A part of :class:`~digikunta_tui.domain.repository.Repository` (a base class of it). Consent
events are ordered by when they were recorded (the clock stamp of ``action``), which every
replica sees alike; see :mod:`consent`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from digikunta_tui.domain import consent
from digikunta_tui.i18n import t
from sync import Replica

if TYPE_CHECKING:
    from digikunta_tui.domain.repository_parts import RepositoryParts as _Parts
else:
    _Parts = object


class Consents(_Parts):
    """Consent events of people: reading them, their state, recording new ones."""

    replica: Replica

    def _follows_errors(self, fields: Mapping[str, Any], record_id: str | None) -> dict[str, str]:
        """``follows`` names only consent events of the same person and purpose (or unknown ids:
        an event may arrive before the one it follows)."""
        for ref in fields.get("follows") or []:
            stored = self.replica.record(ref)
            if ref == record_id or (stored is not None and stored["kind"] != "consent"):
                return {"follows": t("repository.follows_mismatch")}
            other = (stored or {}).get("fields") or {}
            if other and (other.get("person"), other.get("purpose")) != (
                fields.get("person"),
                fields.get("purpose"),
            ):
                return {"follows": t("repository.follows_mismatch")}
        return {}

    def _consent_heads(self, fields: Mapping[str, Any]) -> list[str]:
        """The ids of the person's current events for the purpose of a new event's fields."""
        person, purpose = fields.get("person"), fields.get("purpose")
        if not isinstance(person, str) or not isinstance(purpose, str):
            return []
        self._reindex()
        state = self.consent_status(person).get(purpose)
        return state.head_ids if state else []

    def consent_events(self, person_id: str) -> list[consent.ConsentEvent]:
        """The person's consent events with their stamps, oldest first (order of recording)."""
        ids = self._ids_where("consent", "person", person_id)
        found = self.replica.records_with_stamps("consent", ids)
        return consent.ordered(consent.event_from_record(*item) for item in found)

    def consents_of(self, person_id: str) -> list[tuple[str, dict[str, Any]]]:
        """The person's consent events (id, fields), oldest first.

        Ordered by when they were recorded (the clock stamp of ``action``; then ``at``, then
        id), which every replica sees alike; ``at`` is only informative.
        """
        return [(event.id, dict(event.fields)) for event in self.consent_events(person_id)]

    def consent_history(
        self, person_id: str, purpose: str | None = None
    ) -> list[consent.ConsentEvent]:
        """The person's consent events (of ``purpose``, or all), oldest first, with stamps.

        Each event's ``stamp`` names who recorded it (:meth:`writer_name`).
        """
        events = self.consent_events(person_id)
        if purpose is None:
            return events
        return [event for event in events if event.fields.get("purpose") == purpose]

    def consent_status(self, person_id: str) -> dict[str, consent.PurposeState]:
        """Purpose → the person's consent for it: its events, current events and any conflict."""
        return consent.purpose_states(self.consent_events(person_id))

    def consent_state(self, person_id: str) -> dict[str, str]:
        """Purpose → the current action, or ``"conflict"`` (``consent.CONFLICT``)."""
        return {p: state.action for p, state in self.consent_status(person_id).items()}

    def add_consent(
        self,
        person_id: str,
        purpose: str,
        action: str,
        *,
        source: str = "manual",
        wording: str = "",
    ) -> str:
        """Record a consent event (now) for a person; returns its id.

        It follows the person's current events for the purpose (see :meth:`create`), so it
        supersedes them on every replica, whatever their ``at`` says.
        """
        fields = {"person": person_id, "purpose": purpose, "action": action, "at": utc_now()}
        fields |= {"source": source, "wording": wording}
        return self.create("consent", fields)


def utc_now() -> str:
    """The current time as stored (looked up when called: a test may shift the clock)."""
    from digikunta_tui.domain.repository import utc_now as now

    return now()
