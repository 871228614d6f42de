"""The lenient readers of stored values, and the 1900–2200 range where values enter."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from digikunta_tui.domain.display import describe
from digikunta_tui.domain.indicators import read_indicator, saving
from digikunta_tui.domain.repository import Repository, ValidationFailed
from digikunta_tui.domain.stored import (
    Invalid,
    ids_in,
    read_date,
    read_decimal,
    read_id,
    read_ids,
    read_int,
    read_list,
    read_moment,
    read_text,
    searchable,
    text_of,
)
from digikunta_tui.domain.validation import validate_field, validate_record
from digikunta_tui.i18n import set_language
from sync import new_id

# --- readers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2017-11-07T10:00:00Z", datetime(2017, 11, 7, 10, tzinfo=UTC)),
        ("2017-11-07T12:00:00+02:00", datetime(2017, 11, 7, 10, tzinfo=UTC)),
        ("2017-11-07 10:00", datetime(2017, 11, 7, 10, tzinfo=UTC)),  # naive: UTC
        ("2200-12-31T23:59:59Z", datetime(2200, 12, 31, 23, 59, 59, tzinfo=UTC)),
        (None, None),
        ("", None),
    ],
)
def test_read_moment_reads_stored_instants(raw: Any, expected: datetime | None) -> None:
    assert read_moment(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "9999-12-31T23:59:59Z",  # converting it to Helsinki time overflowed
        "9999-12-31T23:00:00Z",
        "0001-01-01T00:00:00+05:00",  # converting it to UTC overflowed
        "1899-12-31T23:59:59Z",
        "2201-01-01T00:00:00Z",
        "not-a-date",
        "2017-11-07",  # a date, not an instant
        "2017-13-40T10:00:00Z",
        12345,
        True,
        ["2017-11-07T10:00:00Z"],
        {},
    ],
)
def test_read_moment_marks_what_it_cannot_read(raw: Any) -> None:
    found = read_moment(raw)
    assert found == Invalid(raw, "date")
    assert found.raw is raw  # kept as it is


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("2017-11-07", date(2017, 11, 7)), ("1900-01-01", date(1900, 1, 1)), (None, None)],
)
def test_read_date(raw: Any, expected: date | None) -> None:
    assert read_date(raw) == expected


@pytest.mark.parametrize(
    "raw", ["9999-12-31", "1899-12-31", "7.11.2017", "2017-02-30", 20171107, {"d": 1}]
)
def test_read_date_marks_what_it_cannot_read(raw: Any) -> None:
    assert isinstance(read_date(raw), Invalid)


def test_invalid_labels_are_translated_and_literal() -> None:
    assert read_moment("9999-12-31T23:59:59Z").label() == "invalid date: 9999-12-31T23:59:59Z"
    assert read_int("lots").label() == "invalid number: lots"
    assert read_text({"a": [1, "[b]"]}).label() == 'invalid value: {"a": [1, "[b]"]}'
    set_language("fi")
    assert read_moment("9999-12-31T23:59:59Z").label() == (
        "virheellinen päivämäärä: 9999-12-31T23:59:59Z"
    )
    assert read_int("lots").label() == "virheellinen luku: lots"


def test_a_long_invalid_value_is_shortened_for_display_but_kept_whole() -> None:
    raw = "x" * 1000
    found = read_moment(raw)
    assert isinstance(found, Invalid) and found.raw == raw and found.text == raw
    assert len(found.label()) < 120 and found.label().endswith("…")


@pytest.mark.parametrize(
    ("raw", "bounds", "expected"),
    [
        (60, {}, 60),
        ("60", {}, 60),
        (60.0, {}, 60),
        (0, {"minimum": 1}, Invalid(0, "number")),
        (10**30, {"maximum": 1440}, Invalid(10**30, "number")),
        (True, {}, Invalid(True, "number")),
        ("lots", {}, Invalid("lots", "number")),
        (1.5, {}, Invalid(1.5, "number")),
        ("1" * 40, {}, Invalid("1" * 40, "number")),
        (None, {}, None),
    ],
)
def test_read_int(raw: Any, bounds: dict[str, int], expected: Any) -> None:
    assert read_int(raw, **bounds) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12345.50", Decimal("12345.50")),
        (-1.5, Decimal("-1.5")),
        (7, Decimal(7)),
        ("999999999999999", Decimal("999999999999999")),
    ],
)
def test_read_decimal(raw: Any, expected: Decimal) -> None:
    assert read_decimal(raw) == expected


@pytest.mark.parametrize(
    "raw", ["NaN", "Infinity", "1e999999", 1e300, 10**15, "lots", "12 345,50", True, [1]]
)
def test_read_decimal_refuses_what_would_break_arithmetic_or_formatting(raw: Any) -> None:
    assert read_decimal(raw) == Invalid(raw, "number")


def test_lists_and_references() -> None:
    assert read_list(["a", "b"]) == ["a", "b"]
    assert isinstance(read_list("abc"), Invalid)  # never iterated as characters
    assert isinstance(read_list([1, "a"]), Invalid)
    assert isinstance(read_list({}), Invalid)
    assert read_ids(["abc123", "x.y:z"]) == ["abc123", "x.y:z"]
    assert isinstance(read_ids(["has space"]), Invalid)
    assert read_id("abc") == "abc" and isinstance(read_id({"id": "abc"}), Invalid)
    assert ids_in("abc") == ["abc"] and ids_in(["a", "b"]) == ["a", "b"] and ids_in(5) == []


def test_text_and_searchable_text() -> None:
    assert text_of("Kuopio") == "Kuopio" and text_of(None) == ""
    assert text_of(12) == "invalid value: 12"
    assert searchable({"a": ["Tervo", {"b": "Varkaus"}], "n": 3}) == "Tervo Varkaus 3"
    deep: Any = "bottom"
    for _ in range(100):
        deep = [deep]
    assert searchable(deep) == ""  # deeper than anyone writes: ignored, never a RecursionError


# --- display and indicators over odd values -------------------------------------------------


def test_a_webinar_with_an_unreadable_start_is_listed_with_the_value_degraded() -> None:
    shown = describe("webinar", {"title": "W", "starts_at": "9999-12-31T23:59:59Z"}, lambda _: None)
    assert shown.title == "W"
    assert shown.subtitle == "invalid date: 9999-12-31T23:59:59Z"
    odd = describe("newsletter", {"title": {"x": 1}, "number": "one"}, lambda _: None)
    assert odd.title == 'invalid value: {"x": 1}'
    assert odd.subtitle == "invalid number: one"
    person = describe("person", {"given_name": "Ann", "organization": {}}, lambda _: "Org")
    assert person.title == "Ann" and person.subtitle == "invalid value: {}"


def test_an_unreadable_measurement_counts_nothing_but_the_rest_still_reads() -> None:
    figures = read_indicator(
        {
            "category": "savings_eur",
            "direction": "increase",
            "baseline": {"value": "100"},
            "target": {"value": "300"},
            "measurements": [{"value": "200", "date": "2018-01-01"}],
        }
    )
    assert figures.latest == Decimal(200) and figures.progress == Decimal("0.5")
    assert saving(figures) == Decimal(100)
    odd = read_indicator(
        {
            "category": "savings_eur",
            "direction": "increase",
            "baseline": {"value": "100"},
            "measurements": [{"value": "lots", "date": "2018-01-01"}],
        }
    )
    assert isinstance(odd.latest, Invalid) and saving(odd) is None and odd.progress is None
    assert isinstance(read_indicator({"baseline": "lots"}).baseline, Invalid)


# --- the range where values enter -------------------------------------------------------------


WEBINAR = {"title": "W", "starts_at": "2017-12-12T10:00:00Z", "status": "planned"}
NEWSLETTER = {"number": 1, "title": "N", "status": "draft"}
LATE = [{"value": "1", "date": "2201-01-01"}]
INDICATOR = {
    "story": "s",
    "level": "output",
    "category": "other",
    "name": "I",
    "direction": "increase",
}


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        ("webinar", {**WEBINAR, "starts_at": "9999-12-31T23:00:00Z"}, "starts_at"),
        ("webinar", {**WEBINAR, "starts_at": "0001-01-01T00:00:00+05:00"}, "starts_at"),
        ("webinar", {**WEBINAR, "starts_at": "1.1.2201 12.00"}, "starts_at"),
        ("webinar", {**WEBINAR, "ical_sequence": 10**9}, "ical_sequence"),
        ("newsletter", {**NEWSLETTER, "published_on": "9999-12-31"}, "published_on"),
        ("newsletter", {**NEWSLETTER, "number": 10**7}, "number"),
        ("organization", {"name": "O", "type": "other", "joined_on": "31.12.1899"}, "joined_on"),
        ("story", {"title": "S", "stage": "idea", "start": "2300-01-01"}, "start"),
        ("indicator", {**INDICATOR, "measurements": LATE}, "measurements"),
        ("indicator", {**INDICATOR, "baseline": {"value": 10**15}}, "baseline"),
    ],
)
def test_values_outside_the_range_are_refused_where_they_enter(
    kind: str, fields: dict[str, Any], field: str
) -> None:
    result = validate_record(kind, fields)
    assert not result.ok and field in result.errors


def test_the_range_is_inclusive_and_its_message_says_so() -> None:
    assert validate_field("webinar", "starts_at", "31.12.2200 12.00") is None
    assert validate_field("webinar", "starts_at", "1.1.1900 12.00") is None
    assert validate_field("organization", "joined_on", "1.1.1900") is None
    message = validate_field("organization", "joined_on", "1.1.2201")
    assert message == "Dates must lie between the years 1900 and 2200"


def test_the_repository_refuses_an_out_of_range_date_and_writes_nothing(repo: Repository) -> None:
    fields = {"title": "W", "starts_at": "9999-12-31T23:00:00Z", "status": "planned"}
    with pytest.raises(ValidationFailed) as failed:
        repo.create("webinar", fields)
    assert set(failed.value.errors) == {"starts_at"}
    assert repo.replica.count() == 0


# --- odd values that arrived by sync stay data --------------------------------------------------


def test_an_edit_of_another_field_keeps_an_odd_value_untouched(repo: Repository) -> None:
    webinar_id = new_id()
    odd = {"title": "W", "starts_at": "9999-12-31T23:59:59Z", "status": "planned"}
    repo.replica.put("webinar", webinar_id, odd)  # as another laptop's sync would store it
    repo.refresh()
    stamp_before = repo.replica.record(webinar_id)["stamps"]["starts_at"]
    repo.update("webinar", webinar_id, {"theme": "Tekoäly"})
    stored = repo.replica.record(webinar_id)
    assert stored["fields"]["starts_at"] == "9999-12-31T23:59:59Z"
    assert stored["stamps"]["starts_at"] == stamp_before  # not rewritten
    assert stored["fields"]["theme"] == "Tekoäly"
    # Changing the odd field itself validates as usual.
    with pytest.raises(ValidationFailed):
        repo.update("webinar", webinar_id, {"starts_at": "9999-12-31T23:59:58Z"})
    repo.update("webinar", webinar_id, {"starts_at": "12.12.2017 12.00"})
    assert repo.get("webinar", webinar_id)["starts_at"] == "2017-12-12T10:00:00Z"


def test_odd_records_are_listed_searchable_and_counted(repo: Repository) -> None:
    story = new_id()
    repo.replica.put("story", story, {"title": "Etäpalvelu", "stage": "running", "authors": {}})
    indicator = new_id()
    repo.replica.put(
        "indicator",
        indicator,
        {"story": story, "level": "outcome", "category": "time_saved_h", "name": "Tunnit",
         "direction": "increase", "measurements": [{"value": "5", "date": "2018-01-01"}],
         "calculation": {"odd": True}},
    )  # fmt: skip
    webinar = new_id()
    repo.replica.put("webinar", webinar, {"title": "Tekoälywebinaari", "starts_at": 12345})
    repo.refresh()
    assert [row.id for row in repo.page("webinar")] == [webinar]
    assert [hit.id for hit in repo.search("tekoäly")] == [webinar]
    assert repo.next_webinar() is None  # an unreadable start is never "next"
    assert repo.impact().total_hours_saved == Decimal(5)  # an odd calculation text: still counted
    assert repo.indicators_of(story)[0][0] == indicator


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'[{"title": "W", "duration_minutes": NaN}]', "strict JSON"),
        (b'[{"title": "W", "duration_minutes": Infinity}]', "strict JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_an_import_file_must_be_strict_json(data: bytes, message: str) -> None:
    from digikunta_tui.domain.transfer import TransferError, read_rows

    with pytest.raises(TransferError, match=message):
        read_rows(data, "w.json", "webinar")
