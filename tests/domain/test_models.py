"""The typed models over record fields: every rule of docs/records.md, good and bad values."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from digikunta_tui.domain.models import (
    MODELS,
    Consent,
    Indicator,
    Newsletter,
    Organization,
    Person,
    Registration,
    Role,
    Story,
    Webinar,
    WebinarStatus,
    attendance_allowed,
    from_fields,
    latest_value,
    progress,
    to_fields,
)

STORY_ID = "5f1c0d2a9b8e4f7a8c6d5e4f3a2b1c0d"
PERSON_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"

# One complete record of every kind, already in the stored representation.
FULL_FIELDS: dict[str, dict[str, Any]] = {
    "organization": {
        "name": "Kuopion kaupunki",
        "type": "municipality",
        "municipality_code": "297",
        "region_code": "11",
        "business_id": "0171450-7",
        "joined_on": "2017-11-07",
        "active": True,
    },
    "person": {
        "given_name": "Aino",
        "family_name": "Hämäläinen",
        "organization": "org1",
        "roles": ["staff_representative", "working_committee"],
        "job_title": "Lähihoitaja",
        "email": "aino.hamalainen@kuopio.fi",
        "phone": "+358401234567",
        "notes": "Rivi 1\nRivi 2\tsarkaimella",
    },
    "consent": {
        "person": PERSON_ID,
        "purpose": "newsletter",
        "action": "granted",
        "at": "2017-11-07T10:00:00Z",
        "source": "web_form",
        "wording": "Haluan uutiskirjeen.",
    },
    "webinar": {
        "title": "Digiloikka kotihoidossa",
        "theme": "Kotihoito",
        "starts_at": "2017-11-07T10:00:00Z",
        "duration_minutes": 120,
        "platform": "Teams",
        "join_link": "https://teams.example.fi/join/abc",
        "instructions": "Liity viisi minuuttia ennen.",
        "prepared_by": [PERSON_ID],
        "presenters": [PERSON_ID, "Vieraileva Puhuja"],
        "status": "held",
        "recording_link": "https://video.example.fi/rec/1",
        "ical_uid": "webinar-1@digikunta",
        "ical_sequence": 0,
    },
    "registration": {
        "webinar": "w1",
        "person": PERSON_ID,
        "registered_at": "2017-11-01T08:30:00Z",
        "attended_minutes": 0,
    },
    "newsletter": {
        "number": 1,
        "title": "Uutiskirje 1/2017",
        "webinar": "w1",
        "stories": [STORY_ID],
        "body": "# Otsikko\n\nTekstiä.",
        "status": "sent",
        "published_on": "2017-11-20",
    },
    "story": {
        "title": "Etäkäynnit kotihoidossa",
        "organization": "org1",
        "unit": "Kotihoito",
        "profession": "Lähihoitaja",
        "authors": [PERSON_ID],
        "problem": "Ajoaikaa kuluu paljon.",
        "goal": "Vähemmän ajoa.",
        "what_was_done": "Kokeiltiin videokäyntejä.",
        "digital_tools": ["Videopuhelu", "Tabletti"],
        "stage": "ended",
        "start": "2017-01-01",
        "end": "2017-06-30",
        "themes": ["kotihoito"],
        "lessons": "Toimii.",
        "next_steps": "Laajennetaan.",
        "spread_to": ["org2"],
        "publication_consent": True,
    },
    "indicator": {
        "story": STORY_ID,
        "level": "impact",
        "category": "savings_eur",
        "name": "Ajokustannukset",
        "unit": "€",
        "direction": "decrease",
        "baseline": {"value": "10000.00", "date": "2017-01-01"},
        "target": {"value": "6000.00", "date": "2017-12-31"},
        "measurements": [
            {"value": "9000.00", "date": "2017-03-31", "method": "measured"},
            {"value": "8000.00", "date": "2017-06-30", "method": "estimated"},
        ],
        "recurrence": "per_year",
        "calculation": "Kilometrit × 0,45 €",
    },
}

MINIMAL_FIELDS: dict[str, dict[str, Any]] = {
    "organization": {"name": "Tervon kunta", "type": "municipality"},
    "person": {"given_name": "Ville", "family_name": "Virtanen"},
    "consent": {
        "person": PERSON_ID,
        "purpose": "photo",
        "action": "declined",
        "at": "2018-01-01T00:00:00Z",
    },
    "webinar": {"title": "Aloitus", "starts_at": "2018-01-01T10:00:00Z", "status": "planned"},
    "registration": {"webinar": "w1", "person": PERSON_ID, "registered_at": "2018-01-01T10:00:00Z"},
    "newsletter": {"number": 2, "title": "Luonnos", "status": "draft"},
    "story": {"title": "Idea", "stage": "idea"},
    "indicator": {
        "story": STORY_ID,
        "level": "output",
        "category": "joy_of_work",
        "name": "Työn ilo",
        "direction": "increase",
    },
}


def test_every_documented_kind_has_a_model() -> None:
    assert set(MODELS) == set(FULL_FIELDS)


@pytest.mark.parametrize("kind", sorted(FULL_FIELDS))
@pytest.mark.parametrize("sample", [FULL_FIELDS, MINIMAL_FIELDS], ids=["full", "minimal"])
def test_round_trip_reproduces_the_stored_fields(
    kind: str, sample: dict[str, dict[str, Any]]
) -> None:
    fields = sample[kind]
    model = MODELS[kind].model_validate(fields)
    expected = dict(fields)
    if kind == "organization":
        expected.setdefault("active", True)
    assert to_fields(model) == expected
    assert to_fields(from_fields(kind, to_fields(model))) == expected


def test_to_fields_omits_none_and_empty_lists() -> None:
    person = Person.model_validate({"given_name": "A", "family_name": "B", "email": None})
    assert to_fields(person) == {"given_name": "A", "family_name": "B"}


def test_blank_optional_text_counts_as_absent() -> None:
    person = Person.model_validate({"given_name": "A", "family_name": "B", "job_title": "  "})
    assert person.job_title is None


def test_strings_are_stripped() -> None:
    person = Person.model_validate({"given_name": "  Aino ", "family_name": "\tMäki\n"})
    assert (person.given_name, person.family_name) == ("Aino", "Mäki")


# --- unknown fields ------------------------------------------------------------------------------


def test_writing_refuses_an_unknown_field() -> None:
    with pytest.raises(ValidationError) as info:
        Person.model_validate({"given_name": "A", "family_name": "B", "union": "JHL"})
    assert info.value.errors()[0]["loc"] == ("union",)


def test_reading_ignores_fields_written_by_a_newer_version() -> None:
    person = Person.from_fields({"given_name": "A", "family_name": "B", "pronouns": "hän"})
    assert to_fields(person) == {"given_name": "A", "family_name": "B"}


def test_reading_ignores_unknown_keys_inside_nested_values() -> None:
    fields = {**MINIMAL_FIELDS["indicator"], "baseline": {"value": "1", "confidence": "high"}}
    indicator = from_fields("indicator", fields)
    assert to_fields(indicator)["baseline"] == {"value": "1"}
    with pytest.raises(ValidationError):
        Indicator.model_validate(fields)


def test_reading_still_refuses_an_invalid_known_field() -> None:
    with pytest.raises(ValidationError):
        from_fields("person", {"given_name": "A", "family_name": "B", "email": "not-an-address"})


# --- rules, one parametrised table per rule ------------------------------------------------------


def _person(**fields: Any) -> Person:
    return Person.model_validate({"given_name": "A", "family_name": "B", **fields})


def _organization(**fields: Any) -> Organization:
    return Organization.model_validate({"name": "Kunta", "type": "municipality", **fields})


def _error_type(model: type[Any], fields: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as info:
        model.model_validate(fields)
    return str(info.value.errors()[0]["type"])


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("0171450-7", "0171450-7"),
        (" 0171450-7 ", "0171450-7"),
        ("01714507", "0171450-7"),
        ("0737546-2", "0737546-2"),
    ],
)
def test_business_id_is_checked_and_formatted(raw: str, stored: str) -> None:
    assert _organization(business_id=raw).business_id == stored


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("0737546-3", "validation.business_id.checksum"),
        ("123", "validation.business_id"),
        ("abcdefg-h", "validation.business_id"),
    ],
)
def test_business_id_refuses_bad_values(raw: str, error: str) -> None:
    fields = {"name": "Kunta", "type": "municipality", "business_id": raw}
    assert _error_type(Organization, fields) == error


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("040 123 4567", "+358401234567"),
        ("+358 40 1234567", "+358401234567"),
        ("040-1234567", "+358401234567"),
        ("09 1234 567", "+35891234567"),
        ("+46 70 123 45 67", "+46701234567"),
    ],
)
def test_phone_is_stored_in_e164(raw: str, stored: str) -> None:
    assert _person(phone=raw).phone == stored


@pytest.mark.parametrize("raw", ["garbage", "123", "+358", "040 123 4567 ext 9999999999999999"])
def test_phone_refuses_garbage(raw: str) -> None:
    fields = {"given_name": "A", "family_name": "B", "phone": raw}
    assert _error_type(Person, fields) == "validation.phone"


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Aino.Maki@Kuopio.FI", "aino.maki@kuopio.fi"),
        ("  ville@example.com ", "ville@example.com"),
    ],
)
def test_email_is_normalised_to_lower_case(raw: str, stored: str) -> None:
    assert _person(email=raw).email == stored


@pytest.mark.parametrize("raw", ["aino", "aino@", "@kuopio.fi", "a b@kuopio.fi", "a@localhost"])
def test_email_refuses_invalid_addresses(raw: str) -> None:
    fields = {"given_name": "A", "family_name": "B", "email": raw}
    assert _error_type(Person, fields) == "validation.email"


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("municipality_code", ["297", "005", " 915 "], ["97", "2970", "29a", "٢٩٧"]),
        ("region_code", ["11", "01"], ["1", "111", "ab"]),
    ],
)
def test_statistics_finland_codes(field: str, good: list[str], bad: list[str]) -> None:
    for value in good:
        assert getattr(_organization(**{field: value}), field) == value.strip()
    for value in bad:
        fields = {"name": "Kunta", "type": "municipality", field: value}
        assert _error_type(Organization, fields) == f"validation.{field}", value


def test_a_code_given_as_a_number_is_refused() -> None:
    with pytest.raises(ValidationError):
        _organization(municipality_code=297)


@pytest.mark.parametrize("field", ["join_link", "recording_link"])
def test_links_must_be_https(field: str) -> None:
    base = MINIMAL_FIELDS["webinar"]
    good = Webinar.model_validate({**base, field: "https://example.fi/a?b=c"})
    assert getattr(good, field) == "https://example.fi/a?b=c"
    assert _error_type(Webinar, {**base, field: "http://example.fi/a"}) == "validation.https"
    for bad in [
        "example.fi",
        "https://",
        "ftp://example.fi",
        "https://exa mple.fi",
        "javascript:x",
    ]:
        assert _error_type(Webinar, {**base, field: bad}) == "validation.url", bad


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("2017-11-07T12:00:00+02:00", "2017-11-07T10:00:00Z"),
        ("2017-11-07T10:00:00Z", "2017-11-07T10:00:00Z"),
        # Naive input is Helsinki time: winter UTC+2, summer UTC+3.
        ("2017-11-07T12:00:00", "2017-11-07T10:00:00Z"),
        ("2018-06-07 12:00", "2018-06-07T09:00:00Z"),
        ("7.11.2017 12.00", "2017-11-07T10:00:00Z"),
        ("7.11.2017 klo 12.00", "2017-11-07T10:00:00Z"),
        ("07.11.2017 12:30", "2017-11-07T10:30:00Z"),
        (datetime(2017, 11, 7, 12, 0), "2017-11-07T10:00:00Z"),
        (datetime(2017, 11, 7, 10, 0, 0, 999, tzinfo=UTC), "2017-11-07T10:00:00Z"),
    ],
)
def test_webinar_start_is_stored_in_utc(raw: Any, stored: str) -> None:
    webinar = Webinar.model_validate({**MINIMAL_FIELDS["webinar"], "starts_at": raw})
    assert webinar.starts_at.tzinfo is not None
    assert to_fields(webinar)["starts_at"] == stored


@pytest.mark.parametrize("raw", ["tomorrow", "32.1.2017 12.00", "2017-13-01T10:00", "1510048800"])
def test_webinar_start_refuses_bad_date_times(raw: str) -> None:
    fields = {**MINIMAL_FIELDS["webinar"], "starts_at": raw}
    assert _error_type(Webinar, fields) == "validation.datetime"


@pytest.mark.parametrize(("value", "ok"), [(1, True), ("90", True), (0, False), (-5, False)])
def test_duration_must_be_positive(value: Any, ok: bool) -> None:
    fields = {**MINIMAL_FIELDS["webinar"], "duration_minutes": value}
    if ok:
        assert Webinar.model_validate(fields).duration_minutes == int(value)
    else:
        assert _error_type(Webinar, fields) == "greater_than"


@pytest.mark.parametrize(("value", "ok"), [(0, True), (45, True), (-1, False), (1.5, False)])
def test_attended_minutes_is_a_non_negative_integer(value: Any, ok: bool) -> None:
    fields = {**MINIMAL_FIELDS["registration"], "attended_minutes": value}
    if ok:
        assert Registration.model_validate(fields).attended_minutes == value
    else:
        with pytest.raises(ValidationError):
            Registration.model_validate(fields)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [("held", True), (WebinarStatus.HELD, True), ("planned", False), ("cancelled", False)],
)
def test_attendance_only_once_the_webinar_is_held(status: str, allowed: bool) -> None:
    assert attendance_allowed(status) is allowed
    assert attendance_allowed(None) is False


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("7.11.2017", "2017-11-07"),
        ("07.11.2017", "2017-11-07"),
        ("2017-11-07", "2017-11-07"),
        (date(2017, 11, 7), "2017-11-07"),
    ],
)
def test_dates_accept_finnish_and_iso_input(raw: Any, stored: str) -> None:
    assert to_fields(_organization(joined_on=raw))["joined_on"] == stored


@pytest.mark.parametrize(
    "raw", ["31.2.2017", "7/11/2017", "2017-11-07T10:00", "eilen", 20171107, "٧.١١.٢٠١٧"]
)
def test_dates_refuse_other_input(raw: Any) -> None:
    fields = {"name": "Kunta", "type": "municipality", "joined_on": raw}
    assert _error_type(Organization, fields) == "validation.date"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("kyllä", True), ("Ei", False), ("true", True), ("false", False), (True, True), (0, False)],
)
def test_booleans_accept_finnish_and_english_words(raw: Any, expected: bool) -> None:
    assert _organization(active=raw).active is expected


def test_boolean_refuses_other_words() -> None:
    fields = {"name": "Kunta", "type": "municipality", "active": "ehkä"}
    assert _error_type(Organization, fields) == "validation.boolean"


def test_story_end_must_not_be_before_start() -> None:
    base = MINIMAL_FIELDS["story"]
    same_day = Story.model_validate({**base, "start": "1.1.2018", "end": "2018-01-01"})
    assert same_day.end == date(2018, 1, 1)
    with pytest.raises(ValidationError) as info:
        Story.model_validate({**base, "start": "2.1.2018", "end": "1.1.2018"})
    error = info.value.errors()[0]
    assert error["type"] == "validation.end_before_start"
    assert error["ctx"] == {"field": "end"}


def test_roles_accept_allowed_values_without_duplicates() -> None:
    assert _person(roles=["staff", "management"]).roles == [Role.STAFF, Role.MANAGEMENT]
    fields = {"given_name": "A", "family_name": "B"}
    assert _error_type(Person, {**fields, "roles": ["staff", "staff"]}) == "validation.duplicates"
    assert _error_type(Person, {**fields, "roles": ["union_member"]}) == "enum"


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("given_name", "", "missing"),
        ("given_name", "x" * 301, "string_too_long"),
        ("given_name", "Aino\x1b[31m", "validation.single_line"),
        ("given_name", "Aino\nMaria", "validation.single_line"),
        ("notes", "ok\x07bell", "validation.control_characters"),
        ("notes", "C1 \x9b control", "validation.control_characters"),
        ("organization", "not an id!", "validation.record_id"),
    ],
)
def test_text_rules(field: str, value: str, error: str) -> None:
    fields = {"given_name": "A", "family_name": "B", field: value}
    assert _error_type(Person, fields) == error


def test_multiline_text_keeps_newlines_and_tabs_and_normalises_crlf() -> None:
    assert _person(notes="a\r\nb\tc").notes == "a\nb\tc"


def test_newsletter_number_starts_from_one() -> None:
    base = MINIMAL_FIELDS["newsletter"]
    assert Newsletter.model_validate({**base, "number": "1"}).number == 1
    assert _error_type(Newsletter, {**base, "number": 0}) == "greater_than_equal"


def test_consent_needs_a_known_purpose_and_action() -> None:
    base = MINIMAL_FIELDS["consent"]
    assert _error_type(Consent, {**base, "purpose": "marketing"}) == "enum"
    assert _error_type(Consent, {**base, "action": "maybe"}) == "enum"


# --- indicator values and progress ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("12 345,50", "12345.50"),
        ("12345.50", "12345.50"),
        ("12\u00a0345,50 €", "12345.50"),
        ("−3,5", "-3.5"),
        (12345, "12345"),
        (0.1, "0.1"),
        (Decimal("1E+3"), "1000"),
        ("0", "0"),
    ],
)
def test_indicator_values_are_normalised_decimal_strings(raw: Any, stored: str) -> None:
    fields = {**MINIMAL_FIELDS["indicator"], "baseline": {"value": raw}}
    assert to_fields(Indicator.model_validate(fields))["baseline"] == {"value": stored}


@pytest.mark.parametrize(
    "raw", ["abc", "1,234.5", "1.2.3", "NaN", "Infinity", True, "", "1e5", "١٢", None, [1]]
)
def test_indicator_values_refuse_non_numbers(raw: Any) -> None:
    fields = {**MINIMAL_FIELDS["indicator"], "baseline": {"value": raw}}
    with pytest.raises(ValidationError):
        Indicator.model_validate(fields)


def test_measurement_needs_value_and_date_and_a_known_method() -> None:
    base = MINIMAL_FIELDS["indicator"]
    with pytest.raises(ValidationError):
        Indicator.model_validate({**base, "measurements": [{"value": "1"}]})
    with pytest.raises(ValidationError):
        Indicator.model_validate(
            {**base, "measurements": [{"value": "1", "date": "1.1.2018", "method": "guess"}]}
        )


def _indicator(**fields: Any) -> Indicator:
    return Indicator.model_validate({**MINIMAL_FIELDS["indicator"], **fields})


def test_progress_of_a_decreasing_indicator() -> None:
    indicator = Indicator.model_validate(FULL_FIELDS["indicator"])
    assert latest_value(indicator) == Decimal("8000.00")
    # (8000 - 10000) / (6000 - 10000) = 0.5
    assert progress(indicator) == pytest.approx(0.5)


def test_progress_uses_the_latest_measurement_by_date_not_by_position() -> None:
    indicator = _indicator(
        baseline={"value": "0"},
        target={"value": "10"},
        measurements=[
            {"value": "7,5", "date": "2018-06-01"},
            {"value": "2", "date": "2018-01-01"},
        ],
    )
    assert latest_value(indicator) == Decimal("7.5")
    assert progress(indicator) == pytest.approx(0.75)


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"baseline": {"value": "0"}, "target": {"value": "10"}},
        {"target": {"value": "10"}, "measurements": [{"value": "5", "date": "2018-01-01"}]},
        {
            "baseline": {"value": "10"},
            "target": {"value": "10"},
            "measurements": [{"value": "5", "date": "2018-01-01"}],
        },
    ],
    ids=["nothing", "no-measurement", "no-baseline", "target-equals-baseline"],
)
def test_progress_is_none_when_not_computable(fields: dict[str, Any]) -> None:
    assert progress(_indicator(**fields)) is None
