"""The consent rule as pure functions: stamps order events, ``follows`` reveals concurrent ones."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digikunta_tui.domain.consent import (
    CONFLICT,
    ConsentEvent,
    consent_state,
    event_from_record,
    granted_people,
    heads,
    purpose_states,
    states_by_person,
)

NOW = "2025-03-01T10:00:00Z"


def stamp(millis: int, counter: int = 0, replica: str = "aaaaaaaa") -> str:
    """A clock stamp as ``sync.hlc`` writes it."""
    return f"{millis:016d}-{counter:04d}-{replica}"


def ev(
    rid: str,
    action: Any,
    at_stamp: str,
    *,
    follows: Any = None,
    at: Any = NOW,
    purpose: Any = "newsletter",
    person: Any = "p",
) -> ConsentEvent:
    fields: dict[str, Any] = {"person": person, "purpose": purpose, "action": action, "at": at}
    if follows is not None:
        fields["follows"] = follows
    return ConsentEvent(rid, fields, at_stamp)


def newsletter(events: list[ConsentEvent]) -> str:
    """The newsletter state, checked to be the same for every arrival order of the events."""
    states = {consent_state(list(order)).get("newsletter") for order in _orders(events)}
    assert len(states) == 1, states
    return states.pop() or ""


def _orders(events: list[ConsentEvent]) -> list[tuple[ConsentEvent, ...]]:
    if len(events) <= 5:
        return list(itertools.permutations(events))
    return [tuple(events), tuple(reversed(events))]


# --- chains ------------------------------------------------------------------------------------


def test_a_chain_ends_in_its_last_event() -> None:
    g = ev("g", "granted", stamp(100), follows=[])
    w = ev("w", "withdrawn", stamp(200), follows=["g"])
    r = ev("r", "granted", stamp(300), follows=["w"])
    assert newsletter([g]) == "granted"
    assert newsletter([g, w]) == "withdrawn"
    assert newsletter([g, w, r]) == "granted"
    assert [e.id for e in heads([r, w, g])] == ["r"]


def test_the_stamp_decides_not_at() -> None:
    # The grant came from a laptop 10 years fast: its ``at`` is far ahead, its stamp too; the
    # withdrawal recorded after it (on a laptop that had synced it) has a later stamp.
    g = ev("g", "granted", stamp(2_057_000_000_000), at="2035-01-01T10:00:00Z", follows=[])
    w = ev("w", "withdrawn", stamp(2_057_000_000_000, 1, "bbbbbbbb"), follows=["g"])
    assert newsletter([g, w]) == "withdrawn"
    # Older events without ``follows`` are ordered by stamp too.
    legacy_g = ev("g", "granted", stamp(2_057_000_000_000), at="2035-01-01T10:00:00Z")
    legacy_w = ev("w", "withdrawn", stamp(2_057_000_000_000, 1, "bbbbbbbb"))
    assert newsletter([legacy_g, legacy_w]) == "withdrawn"


def test_every_purpose_has_its_own_chain() -> None:
    events = [
        ev("n1", "granted", stamp(100), follows=[]),
        ev("p1", "declined", stamp(150), follows=[], purpose="photo"),
        ev("n2", "withdrawn", stamp(200), follows=["n1"]),
        ev("p2", "granted", stamp(250), follows=["p1"], purpose="photo"),
    ]
    assert consent_state(events) == {"newsletter": "withdrawn", "photo": "granted"}


# --- forks -------------------------------------------------------------------------------------


def test_a_fork_with_different_actions_is_a_conflict() -> None:
    g0 = ev("g0", "granted", stamp(100), follows=[])
    w = ev("w", "withdrawn", stamp(200, 0, "aaaaaaaa"), follows=["g0"])
    g = ev("g", "granted", stamp(300, 0, "bbbbbbbb"), follows=["g0"])
    assert newsletter([g0, w, g]) == CONFLICT
    state = purpose_states([g0, w, g])["newsletter"]
    assert state.conflict and not state.granted
    assert [e.id for e in state.heads] == ["w", "g"]
    assert state.head_ids == ["w", "g"]
    assert granted_people([g0, w, g]) == set()


def test_concurrent_first_events_are_a_conflict_whatever_their_stamps() -> None:
    # Neither laptop knew of any event: both follow nothing. The fast laptop's stamp is ten
    # years ahead, but that does not make its grant win silently.
    fast = ev("fast", "granted", stamp(2_057_000_000_000, 0, "aaaaaaaa"), follows=[])
    slow = ev("slow", "withdrawn", stamp(1_740_000_000_000, 0, "bbbbbbbb"), follows=[])
    assert newsletter([fast, slow]) == CONFLICT


def test_a_fork_with_the_same_action_is_no_conflict() -> None:
    g0 = ev("g0", "granted", stamp(100), follows=[])
    w1 = ev("w1", "withdrawn", stamp(200, 0, "aaaaaaaa"), follows=["g0"])
    w2 = ev("w2", "withdrawn", stamp(300, 0, "bbbbbbbb"), follows=["g0"])
    assert newsletter([g0, w1, w2]) == "withdrawn"
    assert len(purpose_states([g0, w1, w2])["newsletter"].heads) == 2


def test_a_later_event_following_both_heads_ends_the_conflict() -> None:
    w = ev("w", "withdrawn", stamp(200, 0, "aaaaaaaa"), follows=[])
    g = ev("g", "granted", stamp(300, 0, "bbbbbbbb"), follows=[])
    settle = ev("s", "granted", stamp(400, 0, "aaaaaaaa"), follows=["w", "g"])
    assert newsletter([w, g, settle]) == "granted"
    # Following only one of them leaves the other current: still a conflict.
    partial = ev("s", "withdrawn", stamp(400, 0, "aaaaaaaa"), follows=["w"])
    assert newsletter([w, g, partial]) == CONFLICT
    assert purpose_states([w, g, partial])["newsletter"].head_ids == ["g", "s"]


def test_an_event_may_arrive_before_the_one_it_follows() -> None:
    w = ev("w", "withdrawn", stamp(200), follows=["g"])
    assert newsletter([w]) == "withdrawn"  # "g" is unknown: tolerated
    g = ev("g", "granted", stamp(100), follows=[])
    assert newsletter([w, g]) == "withdrawn"


# --- events without follows (older data, imports) --------------------------------------------


def test_events_without_follows_form_a_chain_by_stamp() -> None:
    events = [
        ev("c", "granted", stamp(300)),
        ev("a", "granted", stamp(100)),
        ev("b", "withdrawn", stamp(200)),
    ]
    assert newsletter(events) == "granted"
    assert newsletter(events[1:]) == "withdrawn"


def test_an_event_without_follows_supersedes_everything_stamped_before_it() -> None:
    w = ev("w", "withdrawn", stamp(200, 0, "aaaaaaaa"), follows=[])
    g = ev("g", "granted", stamp(300, 0, "bbbbbbbb"), follows=[])
    old_version = ev("o", "withdrawn", stamp(400, 0, "cccccccc"))
    assert newsletter([w, g]) == CONFLICT
    assert newsletter([w, g, old_version]) == "withdrawn"
    # …but not what was stamped after it: a new event following nothing is concurrent with it.
    later = ev("l", "granted", stamp(500, 0, "aaaaaaaa"), follows=[])
    assert newsletter([old_version, later]) == CONFLICT


def test_the_first_new_event_after_older_data_follows_it() -> None:
    old = [ev("a", "granted", stamp(100)), ev("b", "withdrawn", stamp(200))]
    state = purpose_states(old)["newsletter"]
    assert state.head_ids == ["b"]
    new = ev("n", "granted", stamp(300), follows=state.head_ids)
    assert newsletter([*old, new]) == "granted"


# --- ties ----------------------------------------------------------------------------------------


def test_a_tie_in_stamps_is_broken_by_at_then_id() -> None:
    # One import transaction writes every row with the same stamp.
    same = stamp(100)
    early = ev("z", "granted", same, at="2020-01-01T00:00:00Z")
    late = ev("a", "withdrawn", same, at="2021-01-01T00:00:00Z")
    assert newsletter([early, late]) == "withdrawn"
    x = ev("x", "declined", same, at="2021-01-01T10:00:00Z")
    y = ev("y", "granted", same, at="2021-01-01T12:00:00+02:00")  # the same instant
    assert newsletter([x, y]) == "granted"


def test_follows_wins_over_at_within_one_stamp() -> None:
    # An exported chain imported in one transaction: the withdrawal follows the (fast-clocked)
    # grant although its ``at`` is years earlier.
    same = stamp(100)
    g = ev("g", "granted", same, at="2035-01-01T10:00:00Z", follows=[])
    w = ev("w", "withdrawn", same, at="2025-01-01T10:00:00Z", follows=["g"])
    assert newsletter([g, w]) == "withdrawn"


def test_events_without_stamps_are_ordered_by_at() -> None:
    g = ConsentEvent("g", {"purpose": "newsletter", "action": "granted", "at": NOW})
    w = ConsentEvent("w", {"purpose": "newsletter", "action": "withdrawn", "at": "2026-01-01"})
    assert newsletter([g, w]) == "withdrawn"


# --- odd stored values ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "follows", ["g", {"g": True}, 5, True, [None, 7, {}], [[]], ["w"], ["nobody"]]
)
def test_odd_follows_never_crash(follows: Any) -> None:
    g = ev("g", "granted", stamp(100), follows=[])
    w = ev("w", "withdrawn", stamp(200), follows=follows)
    # A non-list follows counts as absent (the event supersedes what came before); odd items,
    # its own id and unknown ids are ignored.
    expected = "withdrawn" if not isinstance(follows, list) else CONFLICT
    assert newsletter([g, w]) == expected


def test_following_a_later_stamped_event_is_ignored() -> None:
    # Nobody can have seen an event stamped after their own: such a claim does not count.
    g = ev("g", "granted", stamp(100), follows=["w"])
    w = ev("w", "withdrawn", stamp(200), follows=[])
    assert newsletter([g, w]) == CONFLICT


def test_a_cycle_in_hand_made_data_still_gives_one_answer() -> None:
    same = stamp(100)
    a = ev("a", "granted", same, follows=["b"])
    b = ev("b", "withdrawn", same, follows=["a"])
    state = newsletter([a, b])
    assert state in ("granted", "withdrawn")
    c = ev("c", "declined", same, follows=["c", "a", "b"])
    assert newsletter([a, b, c]) in ("granted", "withdrawn", "declined", CONFLICT)


@pytest.mark.parametrize("action", [None, 42, {}, [], "maybe", "GRANTED", " granted"])
def test_an_unknown_action_is_never_granted(action: Any) -> None:
    g = ev("g", "granted", stamp(100), follows=[])
    odd = ev("o", action, stamp(200), follows=["g"])
    state = purpose_states([g, odd])["newsletter"]
    assert not state.granted and state.action != "granted"
    assert granted_people([g, odd]) == set()


@pytest.mark.parametrize(
    "at",
    [
        "not-a-date",
        12345,
        None,
        {},
        "9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        "2017-11-07",
    ],
)
def test_an_odd_at_never_crashes(at: Any) -> None:
    g = ev("g", "granted", stamp(100), follows=[], at=at)
    w = ev("w", "withdrawn", stamp(100), at=at)
    assert newsletter([g, w]) == "withdrawn"


@pytest.mark.parametrize("purpose", [None, 7, {"a": 1}, ["newsletter"]])
def test_an_odd_purpose_or_person_never_crashes(purpose: Any) -> None:
    events = [
        ev("a", "granted", stamp(100), purpose=purpose, person={"x": 1}),
        ev("b", "granted", stamp(200), person=None),
    ]
    assert len(purpose_states(events)) == 2
    assert granted_people(events) == {""}
    assert states_by_person(events, "newsletter")[""].granted


@pytest.mark.parametrize("stamps", [None, [], "x", {"action": 5}, {"at": stamp(1)}])
def test_odd_stored_stamps_count_as_unknown(stamps: Any) -> None:
    event = event_from_record("r", {"action": "granted", "purpose": "newsletter"}, stamps)
    assert event.stamp == ""
    assert consent_state([event]) == {"newsletter": "granted"}


# --- every replica the same answer ---------------------------------------------------------------

_IDS = ["a", "b", "c", "d", "e", "f"]
_odd = st.one_of(
    st.none(),
    st.integers(),
    st.text(max_size=5),
    st.lists(st.sampled_from([*_IDS, "zz"]), max_size=4),
    st.lists(st.one_of(st.integers(), st.none(), st.text(max_size=3)), max_size=3),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)
_events = st.lists(
    st.tuples(
        st.sampled_from(["granted", "declined", "withdrawn", None, 3]),
        st.integers(min_value=0, max_value=5),  # few distinct stamps: many ties
        st.sampled_from(["2017-11-07T10:00:00Z", "2017-11-08T10:00:00Z", "bad", None, 5]),
        _odd,
        st.sampled_from(["newsletter", "photo", None]),
    ),
    min_size=1,
    max_size=len(_IDS),
)


@settings(max_examples=300, deadline=None)
@given(_events, st.randoms(use_true_random=False))
def test_any_events_in_any_order_give_the_same_state(specs: list[Any], rng: Any) -> None:
    events = [
        ConsentEvent(
            rid,
            {"person": "p", "purpose": purpose, "action": action, "at": at, "follows": follows},
            stamp(millis),
        )
        for rid, (action, millis, at, follows, purpose) in zip(_IDS, specs, strict=False)
    ]
    shuffled = list(events)
    rng.shuffle(shuffled)
    states = purpose_states(events)
    assert {p: (s.action, s.head_ids) for p, s in states.items()} == {
        p: (s.action, s.head_ids) for p, s in purpose_states(shuffled).items()
    }
    for state in states.values():
        assert state.heads  # never empty
        assert state.events[-1] in state.heads  # the last event in the order always counts
        if state.granted:
            assert all(head.action == "granted" for head in state.heads)
