"""Records of every kind as another laptop syncs them, with odd values in chosen fields.

The sync library stores any JSON value in any field (another tool, an older version, a hand
edit of the shared file), so the replica under test gets them the way a real laptop does: the
other laptop writes them with ``Replica.put`` and syncs them over a real ``FileRemote``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from digikunta_tui.domain.validation import KIND_FIELDS
from sync import FileRemote, Replica, sync

ORG = "0" * 31 + "1"
PERSON = "0" * 31 + "2"
CONSENT = "0" * 31 + "3"
WEBINAR = "0" * 31 + "4"
REGISTRATION = "0" * 31 + "5"
NEWSLETTER = "0" * 31 + "6"
STORY = "0" * 31 + "7"
INDICATOR = "0" * 31 + "8"

BASE: dict[str, tuple[str, dict[str, Any]]] = {
    ORG: (
        "organization",
        {"name": "Kuopion kaupunki", "type": "municipality", "municipality_code": "297",
         "business_id": "0171450-7", "joined_on": "2017-01-01", "active": True},
    ),
    PERSON: (
        "person",
        {"given_name": "Maija", "family_name": "Meikäläinen", "organization": ORG,
         "roles": ["staff"], "job_title": "Sairaanhoitaja", "email": "maija@example.fi",
         "phone": "+358401234567", "notes": "Muistiinpano"},
    ),
    CONSENT: (
        "consent",
        {"person": PERSON, "purpose": "newsletter", "action": "granted",
         "at": "2017-11-01T10:00:00Z", "source": "manual", "wording": "Saa lähettää"},
    ),
    WEBINAR: (
        "webinar",
        {"title": "Tekoälywebinaari", "theme": "Tekoäly", "starts_at": "2017-12-12T10:00:00Z",
         "duration_minutes": 120, "platform": "Teams", "join_link": "https://example.fi/w",
         "instructions": "Liity ajoissa", "prepared_by": [PERSON],
         "presenters": [PERSON, "Vieras Puhuja"], "status": "held",
         "recording_link": "https://example.fi/r", "ical_uid": f"{WEBINAR}@digikunta",
         "ical_sequence": 0},
    ),
    REGISTRATION: (
        "registration",
        {"webinar": WEBINAR, "person": PERSON, "registered_at": "2017-11-02T10:00:00Z",
         "attended_minutes": 90},
    ),
    NEWSLETTER: (
        "newsletter",
        {"number": 1, "title": "Uutiskirje 1", "webinar": WEBINAR, "stories": [STORY],
         "body": "Hei kaikki", "status": "draft", "published_on": "2017-12-20"},
    ),
    STORY: (
        "story",
        {"title": "Etävastaanotto", "organization": ORG, "unit": "Kotihoito",
         "profession": "Hoitaja", "authors": [PERSON], "problem": "Matkat", "goal": "Vähemmän",
         "what_was_done": "Kokeiltiin", "digital_tools": ["Teams"], "stage": "running",
         "start": "2017-01-01", "end": "2018-01-01", "themes": ["etä"], "lessons": "Toimii",
         "next_steps": "Laajennus", "spread_to": [ORG], "publication_consent": True},
    ),
    INDICATOR: (
        "indicator",
        {"story": STORY, "level": "outcome", "category": "savings_eur", "name": "Säästö",
         "unit": "€", "direction": "increase", "baseline": {"value": "100", "date": "2017-01-01"},
         "target": {"value": "300"},
         "measurements": [{"value": "200", "date": "2018-01-01", "method": "measured"}],
         "recurrence": "per_year", "calculation": "Laskettu"},
    ),
}  # fmt: skip
"""Record id → (kind, valid fields): one record of every kind, all pointing at each other."""

FIELD_SLOTS: list[tuple[str, str]] = [
    *((kind, name) for kind, names in KIND_FIELDS.items() for name in names),
    *((kind, "from_a_newer_version") for kind in KIND_FIELDS),
]
"""Every field of every kind (and one unknown field per kind)."""

NASTY_TEXTS = [
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:00:00Z",
    "0001-01-01T00:00:00+05:00",
    "not-a-date",
    "1899-12-31",
    "2017-12-12T10:00:00Z",
    "lots",
    "one",
    "NaN",
    "1e999999",
    "12345.50",
    "[b]bold[/b]",
    "[/",
    "[@click=app.quit]x[/]",
    '=HYPERLINK("x")',
    "",
    "   ",
    "x" * 400,
    "a;b",
    ORG,
    PERSON,
]

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.sampled_from([0, -1, 10**15, 10**30])
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(NASTY_TEXTS)
    | st.text(max_size=12)
)

JSON_VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(["value", "date", "method", "x", ""]), children, max_size=3
        )
    ),
    max_leaves=6,
)
"""Arbitrary JSON values: none, bools, ints (huge too), floats, texts (odd dates, markup …),
lists, objects, nested."""

ODD = st.lists(st.tuples(st.sampled_from(FIELD_SLOTS), JSON_VALUES), min_size=1, max_size=4)
"""A few (kind, field) → odd value substitutions."""


def everywhere(value: Any) -> list[tuple[tuple[str, str], Any]]:
    """The substitution of ``value`` into every field of every kind."""
    return [(slot, value) for slot in FIELD_SLOTS]


def odd_records(
    odd: Iterable[tuple[tuple[str, str], Any]],
) -> list[tuple[str, str, dict[str, Any]]]:
    """The base records with the odd values put in (a value of None clears the field)."""
    records: dict[str, tuple[str, dict[str, Any]]] = {
        rid: (kind, dict(fields)) for rid, (kind, fields) in BASE.items()
    }
    by_kind = {kind: rid for rid, (kind, _) in BASE.items()}
    for (kind, name), value in odd:
        fields = records[by_kind[kind]][1]
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    return [(kind, rid, fields) for rid, (kind, fields) in records.items()]


def sync_from_another_laptop(
    folder: Path, shared: Path, odd: Iterable[tuple[tuple[str, str], Any]]
) -> None:
    """Another laptop (its replica in ``folder``) writes the records and syncs to ``shared``."""
    replica = Replica.open(folder / "replica.sqlite", name="another laptop")
    try:
        replica.put_many(odd_records(odd))
        sync(replica, FileRemote(shared))
    finally:
        replica.close()
