"""Validation for forms and the import: normalised fields or translated messages, never raw ones."""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from typing import Any

import pytest

from digikunta_tui.domain import models
from digikunta_tui.domain.models import MODELS, Role, WebinarStatus
from digikunta_tui.domain.validation import (
    KIND_FIELDS,
    REQUIRED,
    ValidationResult,
    check_attendance_allowed,
    choice_key,
    choice_label,
    field_label,
    normalise_field,
    validate_field,
    validate_record,
)
from digikunta_tui.i18n import catalogue_keys, set_language, t

PERSON_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

ENUMS: list[type[StrEnum]] = [
    value
    for value in vars(models).values()
    if isinstance(value, type) and issubclass(value, StrEnum) and value is not StrEnum
]


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    set_language("en")
    yield
    set_language("en")


def test_a_valid_form_gives_normalised_json_ready_fields() -> None:
    result = validate_record(
        "person",
        {
            "given_name": " Aino ",
            "family_name": "Mäki",
            "roles": ["staff"],
            "email": "Aino.Maki@Kuopio.FI",
            "phone": "040 123 4567",
            "job_title": "",
            "notes": None,
        },
    )
    assert result == ValidationResult(
        ok=True,
        fields={
            "given_name": "Aino",
            "family_name": "Mäki",
            "roles": ["staff"],
            "email": "aino.maki@kuopio.fi",
            "phone": "+358401234567",
        },
    )


def test_form_strings_for_dates_numbers_and_booleans_are_accepted() -> None:
    result = validate_record(
        "organization",
        {"name": "Varkaus", "type": "municipality", "joined_on": "7.11.2017", "active": "ei"},
    )
    assert result.fields == {
        "name": "Varkaus",
        "type": "municipality",
        "joined_on": "2017-11-07",
        "active": False,
    }
    webinar = validate_record(
        "webinar",
        {
            "title": "W",
            "starts_at": "7.11.2017 klo 12.00",
            "status": "planned",
            "duration_minutes": "90",
        },
    )
    assert webinar.fields["starts_at"] == "2017-11-07T10:00:00Z"
    assert webinar.fields["duration_minutes"] == 90


BAD_PERSON = {
    "given_name": "",
    "family_name": "Mäki",
    "email": "aino@",
    "phone": "abc",
    "roles": ["staff", "staff"],
    "union": "JHL",
}


def test_errors_are_one_english_message_per_field() -> None:
    result = validate_record("person", BAD_PERSON)
    assert not result.ok
    assert result.fields == {}
    assert result.errors == {
        "given_name": "Required field",
        "email": "Invalid email address",
        "phone": "Invalid phone number",
        "roles": "Listed twice: staff",
        "union": "Unknown field",
    }


def test_errors_are_natural_finnish() -> None:
    set_language("fi")
    result = validate_record("person", BAD_PERSON)
    assert result.errors == {
        "given_name": "Pakollinen kenttä",
        "email": "Virheellinen sähköpostiosoite",
        "phone": "Virheellinen puhelinnumero",
        "roles": "Mainittu kahdesti: staff",
        "union": "Tuntematon kenttä",
    }


@pytest.mark.parametrize(
    ("kind", "fields", "field", "english", "finnish"),
    [
        (
            "organization",
            {"name": "K", "type": "municipality", "business_id": "0737546-3"},
            "business_id",
            "The check digit of the business ID does not match",
            "Y-tunnuksen tarkistusmerkki ei täsmää",
        ),
        (
            "organization",
            {"name": "K", "type": "municipality", "municipality_code": "29"},
            "municipality_code",
            "A municipality code is exactly 3 digits, e.g. 297",
            "Kuntanumerossa on tasan 3 numeroa, esim. 297",
        ),
        (
            "organization",
            {"name": "K", "type": "kunta"},
            "type",
            "Choose one of the options",
            "Valitse jokin vaihtoehdoista",
        ),
        (
            "webinar",
            {
                "title": "W",
                "starts_at": "2018-01-01T10:00Z",
                "status": "planned",
                "join_link": "http://example.fi",
            },
            "join_link",
            "The link must be secure: use https:// instead of http://",
            "Linkin pitää olla suojattu: käytä https:// eikä http://",
        ),
        (
            "webinar",
            {"title": "W", "starts_at": "huomenna", "status": "planned"},
            "starts_at",
            "Invalid date and time (e.g. 7.11.2017 12.00)",
            "Virheellinen ajankohta (esim. 7.11.2017 12.00)",
        ),
        (
            "webinar",
            {
                "title": "W",
                "starts_at": "2018-01-01T10:00Z",
                "status": "planned",
                "duration_minutes": 0,
            },
            "duration_minutes",
            "Must be greater than 0",
            "Arvon pitää olla suurempi kuin 0",
        ),
        (
            "story",
            {"title": "S", "stage": "idea", "start": "2.1.2018", "end": "1.1.2018"},
            "end",
            "The end date is before the start date",
            "Päättymispäivä on ennen alkamispäivää",
        ),
        (
            "story",
            {"title": "S", "stage": "idea", "start": "31.2.2018"},
            "start",
            "Invalid date (e.g. 7.11.2017 or 2017-11-07)",
            "Virheellinen päivämäärä (esim. 7.11.2017 tai 2017-11-07)",
        ),
        (
            "story",
            {"title": "x" * 301, "stage": "idea"},
            "title",
            "Too long (at most 300 characters)",
            "Liian pitkä (enintään 300 merkkiä)",
        ),
        (
            "indicator",
            {
                "story": "s",
                "level": "impact",
                "category": "other",
                "name": "N",
                "direction": "increase",
                "measurements": [
                    {"value": "1", "date": "2018-01-01"},
                    {"value": "x", "date": "2018-02-01"},
                ],
            },
            "measurements",
            "Item 2: Invalid number (e.g. 12 345,50)",
            "Kohta 2: Virheellinen luku (esim. 12 345,50)",
        ),
        (
            "newsletter",
            {"number": "yksi", "title": "T", "status": "draft"},
            "number",
            "Must be a whole number",
            "Arvon pitää olla kokonaisluku",
        ),
    ],
)
def test_rule_messages_in_both_languages(
    kind: str, fields: dict[str, Any], field: str, english: str, finnish: str
) -> None:
    assert validate_record(kind, fields).errors[field] == english
    set_language("fi")
    assert validate_record(kind, fields).errors[field] == finnish


def test_an_unknown_kind_is_an_error_not_an_exception() -> None:
    result = validate_record("union_membership", {"x": 1})
    assert not result.ok
    assert result.errors == {"kind": "Unknown record kind: union_membership"}


def test_no_message_is_raw_pydantic_text_or_a_bare_key() -> None:
    """Throw many kinds of bad input at every kind; every message must come from a catalogue."""
    bad_values: list[Any] = [
        {"a": 1},
        [1, 2],
        [None],
        ["x"] * 600,
        "\x1b[2J",
        "x" * 200_001,
        -1,
        1.5,
        10**30,
        True,
        "http://x",
        "",
    ]
    for lang in ("en", "fi"):
        set_language(lang)
        fallback = t("validation.invalid")
        for kind, names in KIND_FIELDS.items():
            for name in names:
                for bad in bad_values:
                    for message in validate_record(kind, {name: bad}).errors.values():
                        assert not message.startswith("validation."), (kind, name, bad, message)
                        assert fallback not in message, (kind, name, bad, message)
                        assert "Input should" not in message, (kind, name, bad, message)
                        assert "Field required" not in message, (kind, name, bad, message)


@pytest.mark.parametrize(
    ("status", "ok"), [("held", True), ("planned", False), ("cancelled", False), (None, False)]
)
def test_attended_minutes_need_a_held_webinar_when_the_status_is_known(
    status: str | None, ok: bool
) -> None:
    fields = {
        "webinar": "w1",
        "person": PERSON_ID,
        "registered_at": "2018-01-01T10:00:00Z",
        "attended_minutes": "45",
    }
    result = validate_record("registration", fields, context={"webinar_status": status})
    assert result.ok is ok
    if not ok:
        assert result.errors == {
            "attended_minutes": "Attendance can be recorded only once the webinar has been held"
        }
    # Without minutes any status is fine; without a context the repository decides.
    no_minutes = {k: v for k, v in fields.items() if k != "attended_minutes"}
    assert validate_record("registration", no_minutes, context={"webinar_status": status}).ok
    assert validate_record("registration", fields).ok


def test_check_attendance_allowed() -> None:
    assert check_attendance_allowed("held") is None
    assert check_attendance_allowed(WebinarStatus.HELD) is None
    set_language("fi")
    assert check_attendance_allowed("planned") == (
        "Osallistumisaikaa voi kirjata vasta, kun webinaari on pidetty"
    )


# --- single fields -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "field", "value", "message"),
    [
        ("person", "email", "aino@kuopio.fi", None),
        ("person", "email", "aino@", "Invalid email address"),
        ("person", "given_name", "  ", "Required field"),
        ("person", "job_title", "", None),
        ("person", "roles", ["staff", "staff"], "Listed twice: staff"),
        ("person", "roles", ["staff", "boss"], "Item 2: Choose one of the options"),
        ("person", "union", "JHL", "Unknown field"),
        (
            "webinar",
            "recording_link",
            "http://x.fi",
            "The link must be secure: use https:// instead of http://",
        ),
        ("webinar", "duration_minutes", "-1", "Must be greater than 0"),
        ("story", "end", "1.1.2018", None),
        ("indicator", "baseline", {"value": "abc"}, "Invalid number (e.g. 12 345,50)"),
        ("organization", "active", "kyllä", None),
    ],
)
def test_validate_field(kind: str, field: str, value: Any, message: str | None) -> None:
    assert validate_field(kind, field, value) == message


def test_validate_field_speaks_finnish() -> None:
    set_language("fi")
    assert validate_field("organization", "business_id", "0737546-3") == (
        "Y-tunnuksen tarkistusmerkki ei täsmää"
    )


@pytest.mark.parametrize(
    ("kind", "field", "value", "normalised"),
    [
        ("person", "phone", "040 123 4567", "+358401234567"),
        ("person", "email", " Aino@Kuopio.FI ", "aino@kuopio.fi"),
        ("person", "roles", ["staff"], ["staff"]),
        ("person", "job_title", "  ", None),
        ("person", "phone", "not a phone", "not a phone"),
        ("webinar", "starts_at", "7.11.2017 12.00", "2017-11-07T10:00:00Z"),
        ("story", "start", "7.11.2017", "2017-11-07"),
        ("organization", "business_id", "01714507", "0171450-7"),
        ("organization", "active", "ei", False),
        ("indicator", "baseline", {"value": "12 345,50"}, {"value": "12345.50"}),
        ("newsletter", "number", "3", 3),
    ],
)
def test_normalise_field(kind: str, field: str, value: Any, normalised: Any) -> None:
    assert normalise_field(kind, field, value) == normalised


# --- form metadata and labels --------------------------------------------------------------------


def test_kind_fields_follow_the_documented_order() -> None:
    assert KIND_FIELDS["person"] == [
        "given_name",
        "family_name",
        "organization",
        "roles",
        "job_title",
        "email",
        "phone",
        "notes",
    ]
    assert set(KIND_FIELDS) == set(MODELS)


def test_required_fields_match_docs_records() -> None:
    expected = {
        "organization": {"name", "type"},
        "person": {"given_name", "family_name"},
        "consent": {"person", "purpose", "action", "at"},
        "webinar": {"title", "starts_at", "status"},
        "registration": {"webinar", "person", "registered_at"},
        "newsletter": {"number", "title", "status"},
        "story": {"title", "stage"},
        "indicator": {"story", "level", "category", "name", "direction"},
    }
    assert dict(REQUIRED) == expected


@pytest.mark.parametrize("lang", ["en", "fi"])
def test_every_kind_field_and_choice_has_a_label(lang: str) -> None:
    keys = catalogue_keys(lang)
    missing = [f"kind.{kind}" for kind in KIND_FIELDS if f"kind.{kind}" not in keys]
    missing += [
        f"field.{kind}.{name}"
        for kind, names in KIND_FIELDS.items()
        for name in names
        if f"field.{kind}.{name}" not in keys
    ]
    missing += [
        choice_key(value) for enum in ENUMS for value in enum if choice_key(value) not in keys
    ]
    assert missing == []


def test_labels_are_translated() -> None:
    assert choice_key(Role.STAFF_REPRESENTATIVE) == "choice.role.staff_representative"
    assert choice_key(WebinarStatus.HELD) == "choice.webinar_status.held"
    set_language("fi")
    assert choice_label(Role.STAFF_REPRESENTATIVE) == "Henkilöstön edustaja"
    assert field_label("person", "email") == "Sähköposti"
