"""Consent rules: append-only events; the current state per purpose comes from the *heads*.

Every consent event is a record of its own (person, purpose, action, ``at``, source, wording,
``follows``). Events are ordered by when they were **recorded** — the hybrid-logical-clock stamp
of their ``action`` field, then ``at``, then id — not by ``at``, which is informative only: a
laptop whose wall clock is years fast writes a far-future ``at``, but a laptop that has synced
that event stamps its own later events after it.

Stamps cannot tell concurrent events apart, so each new event also records what its author
knew: ``follows`` = the ids of the current events (the heads) for that person and purpose when
it was recorded (``[]`` for the first one). An event is *followed* when a later event lists it
in ``follows``, or when a later event has no ``follows`` at all (older data, imports: such an
event supersedes everything ordered before it, a chain by stamp). The heads are the events
nobody follows:

- one head, or several with the same action: that action is the state;
- several heads with different actions (a grant and a withdrawal made concurrently on two
  laptops): a **consent conflict** (``CONFLICT``), which recording the right consent again ends
  (the new event follows every head).

The state depends only on the set of events, never on the order in which they arrived, so every
replica computes the same one. Odd stored values never raise: an unreadable ``at`` sorts first,
a ``follows`` that is not a list counts as absent, ids in it that are unknown (an event may
arrive before the one it follows) or stamped after the follower are ignored, a cycle is broken
by the order key, and an ``action`` other than the known ones is kept as its text (it is never
``granted``).
"""

from __future__ import annotations

import heapq
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

NEWSLETTER = "newsletter"
GRANTED = "granted"
CONFLICT = "conflict"
"""The state of a purpose whose heads disagree."""

_EARLIEST = datetime.min.replace(tzinfo=UTC)


def text_of(value: Any) -> str:
    """A stored value as text for grouping and comparing (a string as it is, else JSON)."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    try:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return str(value)


def instant(value: Any) -> datetime:
    """An event's ``at`` as an aware UTC datetime; unreadable values give the earliest one."""
    if not isinstance(value, str):
        return _EARLIEST
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return _EARLIEST
    return moment


@dataclass(frozen=True, slots=True)
class ConsentEvent:
    """One consent event: its record id, its stored fields and the stamp of its ``action``."""

    id: str
    fields: Mapping[str, Any]
    stamp: str = ""
    """The clock stamp of the ``action`` field ("" when unknown: sorts first)."""

    @property
    def person(self) -> str:
        """The person's id (as text)."""
        return text_of(self.fields.get("person"))

    @property
    def purpose(self) -> str:
        """The purpose (as text)."""
        return text_of(self.fields.get("purpose"))

    @property
    def action(self) -> str:
        """The action (as text; only ``"granted"`` ever means granted)."""
        return text_of(self.fields.get("action"))

    @property
    def follows(self) -> tuple[str, ...] | None:
        """The ids this event follows; None for an event without (a valid) ``follows``."""
        value = self.fields.get("follows")
        if not isinstance(value, list):
            return None
        return tuple(item for item in value if isinstance(item, str))

    @property
    def key(self) -> tuple[str, datetime, str]:
        """The order of events: by stamp (when recorded), then ``at``, then id."""
        stamp = self.stamp if isinstance(self.stamp, str) else ""
        return (stamp, instant(self.fields.get("at")), text_of(self.id))


def event_from_record(record_id: str, fields: Mapping[str, Any], stamps: Any) -> ConsentEvent:
    """Build an event from a stored record's id, fields and stamps (odd stamps tolerated)."""
    stamp = stamps.get("action") if isinstance(stamps, Mapping) else None
    return ConsentEvent(record_id, fields, stamp if isinstance(stamp, str) else "")


def ordered(events: Iterable[ConsentEvent]) -> list[ConsentEvent]:
    """Events oldest first (by :attr:`ConsentEvent.key`)."""
    return sorted(events, key=lambda event: event.key)


def _edges(chain: Sequence[ConsentEvent]) -> list[list[int]]:
    """For each event (by index in ``chain``), the indexes of the events it follows.

    Only known ids stamped no later than the follower count: an event cannot have seen one
    stamped after it (a laptop's clock stamps after every event it has seen).
    """
    position = {event.id: index for index, event in enumerate(chain)}
    follows: list[list[int]] = []
    for index, event in enumerate(chain):
        refs = {position.get(ref) for ref in event.follows or ()}
        follows.append(
            sorted(
                j for j in refs if j is not None and j != index and chain[j].key[0] <= event.key[0]
            )
        )
    return follows


def _topological(chain: Sequence[ConsentEvent], follows: Sequence[Sequence[int]]) -> list[int]:
    """Indexes of ``chain`` (sorted by key) so that every event comes after those it follows.

    Among events free to go next the smallest key goes first; a cycle (possible only in
    hand-made data) is broken by placing its earliest event by key.
    """
    waiting = [len(refs) for refs in follows]
    followers: list[list[int]] = [[] for _ in chain]
    for index, refs in enumerate(follows):
        for j in refs:
            followers[j].append(index)
    ready = [index for index, count in enumerate(waiting) if count == 0]
    heapq.heapify(ready)
    placed = [False] * len(chain)
    order: list[int] = []
    cursor = 0
    while len(order) < len(chain):
        if ready:
            index = heapq.heappop(ready)
            if placed[index]:
                continue
        else:
            while placed[cursor]:
                cursor += 1
            index = cursor
        placed[index] = True
        order.append(index)
        for follower in followers[index]:
            waiting[follower] -= 1
            if waiting[follower] == 0 and not placed[follower]:
                heapq.heappush(ready, follower)
    return order


def resolve(events: Iterable[ConsentEvent]) -> tuple[list[ConsentEvent], list[ConsentEvent]]:
    """One person's events for one purpose → (all of them in order, the heads in order).

    The order puts every event after the events it follows, else by key. An event is followed
    when a later one lists it in ``follows`` or when a later one has no ``follows`` (older
    data: it supersedes everything before it). The heads are the events nobody follows; the
    last event in the order is always one of them.
    """
    chain = ordered(events)
    follows = _edges(chain)
    order = _topological(chain, follows)
    rank = {index: place for place, index in enumerate(order)}
    followed = [False] * len(chain)
    unlinked = [rank[i] for i, event in enumerate(chain) if event.follows is None]
    last_unlinked = max(unlinked, default=-1)
    for index, refs in enumerate(follows):
        if rank[index] < last_unlinked:
            followed[index] = True
        for j in refs:
            if rank[j] < rank[index]:
                followed[j] = True
    in_order = [chain[i] for i in order]
    return in_order, [chain[i] for i in order if not followed[i]]


def heads(events: Iterable[ConsentEvent]) -> tuple[ConsentEvent, ...]:
    """The events of one person and purpose that no other event follows, in order."""
    return tuple(resolve(events)[1])


@dataclass(frozen=True, slots=True)
class PurposeState:
    """The consent of one person for one purpose."""

    purpose: str
    events: tuple[ConsentEvent, ...]
    """Every event for the purpose, in order (see :func:`resolve`)."""
    heads: tuple[ConsentEvent, ...]
    """The current events (nobody follows them), in order; never empty."""

    @property
    def conflict(self) -> bool:
        """True when the current events disagree (made concurrently on different laptops)."""
        return len({head.action for head in self.heads}) > 1

    @property
    def action(self) -> str:
        """The current action, or ``CONFLICT``."""
        return CONFLICT if self.conflict else self.heads[-1].action

    @property
    def granted(self) -> bool:
        """True only for an unambiguous ``granted``."""
        return self.action == GRANTED

    @property
    def head_ids(self) -> list[str]:
        """The ids a new event for this purpose follows."""
        return [head.id for head in self.heads]


def _state(purpose: str, events: Sequence[ConsentEvent]) -> PurposeState:
    in_order, current = resolve(events)
    return PurposeState(purpose, tuple(in_order), tuple(current))


def purpose_states(events: Iterable[ConsentEvent]) -> dict[str, PurposeState]:
    """One person's events → purpose → its state."""
    groups: dict[str, list[ConsentEvent]] = {}
    for event in events:
        groups.setdefault(event.purpose, []).append(event)
    return {purpose: _state(purpose, group) for purpose, group in groups.items()}


def consent_state(events: Iterable[ConsentEvent]) -> dict[str, str]:
    """One person's events → purpose → the current action (``granted`` …) or ``CONFLICT``."""
    return {purpose: state.action for purpose, state in purpose_states(events).items()}


def states_by_person(
    events: Iterable[ConsentEvent], purpose: str = NEWSLETTER
) -> dict[str, PurposeState]:
    """Everyone's events → person id → their state for ``purpose`` (others' events ignored)."""
    groups: dict[str, list[ConsentEvent]] = {}
    for event in events:
        if event.purpose == purpose:
            groups.setdefault(event.person, []).append(event)
    return {person: _state(purpose, group) for person, group in groups.items()}


def granted_people(events: Iterable[ConsentEvent], purpose: str = NEWSLETTER) -> set[str]:
    """The ids of people whose ``purpose`` consent is unambiguously ``granted``."""
    return {person for person, s in states_by_person(events, purpose).items() if s.granted}
