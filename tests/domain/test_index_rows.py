"""A build's short ways to make rows give exactly the rows :func:`compact_rows` gives.

The short ways (:data:`index_rows.ROW_MAKERS`) handle the values the models allow and hand
everything else to :func:`compact_rows`; here both are asked about any JSON values, odd ones
included, and must agree to the last character.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from digikunta_tui.domain.index_rows import ROW_MAKERS, compact_rows

PERSON = "0" * 31 + "2"
WEBINAR = "0" * 31 + "4"
TITLES = {PERSON: "Äijä Öhman", WEBINAR: "Tekoäly \x0em2017-12-12T10:00:00Z\x0f", "x:y": "{z}"}

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner),
    max_leaves=4,
)
_ids = st.sampled_from([PERSON, WEBINAR, "x:y", "no such", "", "  ", "a" * 129, "-x", "a b"])
_words = st.sampled_from(["newsletter", "granted", "", " ", "Ä", "{x}", "a\x0eb", "a\x10b"])
_moments = st.sampled_from(
    ["2017-09-02T07:26:00Z", "2017-09-02 07:26", "", "eilen", "Å{|}~", "2017-09-02t07:26:00z"]
)


def _value(specific: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A field's value: missing (None), a likely one, or any JSON value."""
    return st.none() | specific | _json


def _name_of(rid: str) -> str | None:
    return TITLES.get(rid)


@settings(max_examples=400, deadline=None)
@given(person=_value(_ids), webinar=_value(_ids), extra=_json)
def test_a_registration_row_is_the_one_compact_rows_makes(
    person: Any, webinar: Any, extra: Any
) -> None:
    fields = {"person": person, "webinar": webinar, "attended_minutes": extra}
    fields = {name: value for name, value in fields.items() if value is not None}

    made = ROW_MAKERS["registration"](7, "r1", fields, _name_of)

    assert made == compact_rows(7, "registration", "r1", fields, _name_of)


@settings(max_examples=400, deadline=None)
@given(person=_value(_ids), purpose=_value(_words), action=_value(_words), at=_value(_moments))
def test_a_consent_row_is_the_one_compact_rows_makes(
    person: Any, purpose: Any, action: Any, at: Any
) -> None:
    fields = {"person": person, "purpose": purpose, "action": action, "at": at}
    fields = {name: value for name, value in fields.items() if value is not None}

    made = ROW_MAKERS["consent"](7, "c1", fields, _name_of)
    again = ROW_MAKERS["consent"](8, "c2", fields, _name_of)  # a remembered subtitle

    assert made == compact_rows(7, "consent", "c1", fields, _name_of)
    assert again == compact_rows(8, "consent", "c2", fields, _name_of)


_texts = st.sampled_from(["Äijä", "Öhman", "", "  ", "a b", "{x}|y", "ÅSA", "x@Example.FI"])


@settings(max_examples=400, deadline=None)
@given(
    given_name=_value(_texts),
    family_name=_value(_texts),
    organization=_value(_ids),
    roles=_value(st.lists(_texts, max_size=3)),
    email=_value(_texts),
    notes=_value(_texts),
    phone=_value(_texts),
)
def test_a_person_row_is_the_one_compact_rows_makes(**fields: Any) -> None:
    fields = {name: value for name, value in fields.items() if value is not None}

    made = ROW_MAKERS["person"](7, "p1", fields, _name_of)

    assert made == compact_rows(7, "person", "p1", fields, _name_of)


def test_every_short_way_makes_the_rows_of_an_empty_record() -> None:
    for kind, make in ROW_MAKERS.items():
        assert make(1, "a", {}, _name_of) == compact_rows(1, kind, "a", {}, _name_of)
