"""Consent rules: append-only events, the latest per purpose counts.

"Latest" is by the event's ``at`` time (UTC, compared as instants); events at the same instant
are ordered by record id, so every replica gets the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

NEWSLETTER = "newsletter"
GRANTED = "granted"


def _instant(value: Any) -> datetime:
    """An event's ``at`` as an aware datetime; unreadable values sort first."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def event_order(event: tuple[str, Mapping[str, Any]]) -> tuple[datetime, str]:
    """Sort key of a consent event ``(id, fields)``: by ``at``, ties by id."""
    return (_instant(event[1].get("at")), event[0])


def latest_events(
    events: Iterable[tuple[str, Mapping[str, Any]]],
) -> dict[str, tuple[str, Mapping[str, Any]]]:
    """Return purpose → the latest event ``(id, fields)`` for that purpose."""
    latest: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for event in events:
        purpose = str(event[1].get("purpose") or "")
        if purpose not in latest or event_order(event) > event_order(latest[purpose]):
            latest[purpose] = event
    return latest


def consent_state(events: Iterable[tuple[str, Mapping[str, Any]]]) -> dict[str, str]:
    """Return purpose → the action of the latest event for it (``granted``, ``withdrawn`` …)."""
    return {purpose: str(f.get("action")) for purpose, (_, f) in latest_events(events).items()}


def granted_people(
    events: Iterable[tuple[str, Mapping[str, Any]]], purpose: str = NEWSLETTER
) -> set[str]:
    """Return the ids of people whose latest ``purpose`` event is ``granted``.

    Args:
        events: every consent event ``(id, fields)`` of every person.
        purpose: the purpose to check (the newsletter by default).
    """
    latest: dict[str, tuple[str, Mapping[str, Any]]] = {}
    for event in events:
        if event[1].get("purpose") != purpose:
            continue
        person = str(event[1].get("person") or "")
        if person not in latest or event_order(event) > event_order(latest[person]):
            latest[person] = event
    return {person for person, (_, f) in latest.items() if f.get("action") == GRANTED}
