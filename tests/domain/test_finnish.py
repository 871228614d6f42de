"""Finnish collation, search folding, formatting and parsing."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from digikunta_tui.domain.finnish import (
    NBSP,
    fold,
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_time_range,
    parse_date,
    parse_decimal,
    sort_key,
)


def finnish_sorted(items: list[str]) -> list[str]:
    return sorted(items, key=sort_key)


def test_finnish_order_of_the_tricky_letters() -> None:
    result = finnish_sorted(["Öljy", "Åke", "Ääni", "Zeta", "Wahl", "Vaara", "Ylö", "Über"])
    assert result == ["Vaara", "Wahl", "Über", "Ylö", "Zeta", "Åke", "Ääni", "Öljy"]
    # v and w distinct but adjacent
    assert result.index("Wahl") == result.index("Vaara") + 1
    # ü sorts with y, å ä ö last in that order
    assert result[-3:] == ["Åke", "Ääni", "Öljy"]


def test_v_and_w_are_distinct_letters() -> None:
    # If w were sorted as v, "Wa" would come before "Vb".
    assert finnish_sorted(["Wa", "Vb", "Va", "Wb"]) == ["Va", "Vb", "Wa", "Wb"]


def test_u_umlaut_sorts_as_y_inside_words() -> None:
    assert finnish_sorted(["Myz", "Müb", "Mya"]) == ["Mya", "Müb", "Myz"]


def test_other_accents_fold_to_base_letter() -> None:
    assert finnish_sorted(["Eva", "Émile", "Eino"]) == ["Eino", "Émile", "Eva"]
    assert finnish_sorted(["Sz", "Šimon", "Sa"]) == ["Sa", "Šimon", "Sz"]
    assert finnish_sorted(["Zz", "Žaneta", "Za"]) == ["Za", "Žaneta", "Zz"]
    # á is a plain a, not ä
    assert finnish_sorted(["Ába", "Äba", "Aca"]) == ["Ába", "Aca", "Äba"]


def test_case_insensitive_with_deterministic_tie_break() -> None:
    assert finnish_sorted(["banaani", "Ananas", "apina"]) == ["Ananas", "apina", "banaani"]
    one = finnish_sorted(["ääni", "Ääni", "ÄÄNI"])
    two = finnish_sorted(["ÄÄNI", "ääni", "Ääni"])
    assert one == two
    assert sort_key("Ääni")[0] == sort_key("ääni")[0]


def test_digits_before_letters_and_punctuation_does_not_pose_as_a_ring() -> None:
    assert finnish_sorted(["abc", "2. kerros", "Ö", "1A"]) == ["1A", "2. kerros", "abc", "Ö"]
    # "{" internally stands for å; a literal "{" must not sort among å.
    assert finnish_sorted(["Å", "{x}", "b"]) == ["{x}", "b", "Å"]


def test_unknown_characters_still_sort_deterministically() -> None:
    items = ["中文", "Ǖber", "Ørsted", "Æbel", "Zeta"]
    assert finnish_sorted(items) == finnish_sorted(list(reversed(items)))
    assert finnish_sorted(["Ørsted", "Ääni", "Zeta"]) == ["Zeta", "Ääni", "Ørsted"]


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Hämeenkyrö", "hameenkyro"),
        ("Järvi-Saimaan Palvelut Oy", "jarvi-saimaan palvelut oy"),
        ("Åke Östman", "ake ostman"),
        ("Müller", "muller"),
        ("Émile Šostakovič Žižek", "emile sostakovic zizek"),
        ("ÄÄNEKOSKI", "aanekoski"),
        ("Straße", "strasse"),
        ("ǅ", "dz"),
        ("plain ascii 123", "plain ascii 123"),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_fold_makes_search_forgiving() -> None:
    assert fold("hameenkyro") in fold("Hämeenkyrön kunta")
    assert fold("jarvi") in fold("Järvi-Saimaan Palvelut Oy")
    assert fold("HÄMEENKYRÖ") == fold("hameenkyro")


@pytest.mark.parametrize(
    ("value", "fi", "en"),
    [
        (date(2017, 11, 7), "7.11.2017", "2017-11-07"),
        (date(2026, 1, 31), "31.1.2026", "2026-01-31"),
        ("2017-11-07", "7.11.2017", "2017-11-07"),
        # 23:30 UTC on 6 Nov is already 7 Nov in Helsinki
        (datetime(2017, 11, 6, 23, 30, tzinfo=UTC), "7.11.2017", "2017-11-07"),
    ],
)
def test_format_date(value: object, fi: str, en: str) -> None:
    assert format_date(value) == fi  # type: ignore[arg-type]
    assert format_date(value, lang="en") == en  # type: ignore[arg-type]


def test_format_datetime_in_helsinki_time() -> None:
    winter = datetime(2017, 11, 7, 10, 0, tzinfo=UTC)
    assert format_datetime(winter) == "7.11.2017 klo 12.00"
    assert format_datetime(winter, lang="en") == "2017-11-07 12:00"
    summer = "2026-06-10T06:05:00Z"
    assert format_datetime(summer) == "10.6.2026 klo 9.05"
    assert format_datetime(summer, lang="en") == "2026-06-10 09:05"
    other_zone = datetime(2017, 11, 7, 5, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert format_datetime(other_zone) == "7.11.2017 klo 12.00"
    assert format_datetime(datetime(2017, 11, 7, 10, 0)) == "7.11.2017 klo 12.00"  # naive = UTC


def test_format_time_range() -> None:
    start = datetime(2017, 11, 7, 10, 0, tzinfo=UTC)
    assert format_time_range(start, 120) == "klo 12–14"
    assert format_time_range(start, 120, lang="en") == "12:00–14:00"
    quarter = datetime(2017, 11, 7, 10, 15, tzinfo=UTC)
    assert format_time_range(quarter, 90) == "klo 12.15–13.45"
    assert format_time_range(quarter, 90, lang="en") == "12:15–13:45"
    assert format_time_range(start, 90) == "klo 12.00–13.30"
    assert format_time_range("2026-06-10T06:00:00Z", 60) == "klo 9–10"
    assert "\u2013" in format_time_range(start, 60)
    with pytest.raises(ValueError, match="negative"):
        format_time_range(start, -5)


def test_format_money() -> None:
    assert format_money(Decimal("12345.50")) == f"12{NBSP}345,50{NBSP}€"
    assert format_money("12345.5") == "12\u00a0345,50\u00a0€"
    assert format_money("0") == f"0,00{NBSP}€"
    assert format_money("1234567.005") == f"1{NBSP}234{NBSP}567,01{NBSP}€"
    assert format_money("-250") == f"-250,00{NBSP}€"
    assert format_money(Decimal("12345.50"), lang="en") == "€12,345.50"
    assert format_money("-250", lang="en") == "-€250.00"
    assert format_money(999, lang="en") == "€999.00"


def test_format_number() -> None:
    assert format_number(Decimal("12345.5")) == f"12{NBSP}345,5"
    assert format_number("12345.5", lang="en") == "12,345.5"
    assert format_number(1234567) == f"1{NBSP}234{NBSP}567"
    assert format_number(2.5, decimals=0) == "3"  # half up, not banker's rounding
    assert format_number("0.125", decimals=2) == "0,13"
    assert format_number("-0.001", decimals=2) == "0,00"
    assert format_number("-1234.5", decimals=1, lang="en") == "-1,234.5"
    assert format_number("123") == "123"
    with pytest.raises(ValueError):
        format_number("NaN")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7.11.2017", date(2017, 11, 7)),
        ("07.11.2017", date(2017, 11, 7)),
        (" 7.11.2017. ", date(2017, 11, 7)),
        ("2017-11-07", date(2017, 11, 7)),
        ("29.2.2024", date(2024, 2, 29)),
    ],
)
def test_parse_date(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "not a date"),
        ("7.11.", "not a date"),
        ("7/11/2017", "not a date"),
        ("eilen", "not a date"),
        ("32.1.2017", "not a valid date"),
        ("29.2.2023", "not a valid date"),
        ("2017-13-01", "not a valid date"),
    ],
)
def test_parse_date_rejects_bad_input(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message) as info:
        parse_date(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 345,50 €", Decimal("12345.50")),
        (f"12{NBSP}345,50{NBSP}€", Decimal("12345.50")),
        ("12\u202f345,50 €", Decimal("12345.50")),
        ("12345.50", Decimal("12345.50")),
        ("€12,345.50", Decimal("12345.50")),
        ("1 000 EUR", Decimal("1000")),
        ("-1,5", Decimal("-1.5")),
        ("\u22121,5", Decimal("-1.5")),
        ("1.234.567", Decimal("1234567")),
        ("1.234,5", Decimal("1234.5")),
        ("0,5", Decimal("0.5")),
        ("42", Decimal("42")),
    ],
)
def test_parse_decimal(text: str, expected: Decimal) -> None:
    assert parse_decimal(text) == expected


@pytest.mark.parametrize("text", ["", "€", "abc", "12,34,5x", "1-2", "--1", "1e5", "١٢"])
def test_parse_decimal_rejects_bad_input(text: str) -> None:
    with pytest.raises(ValueError, match="not a number") as info:
        parse_decimal(text)
    assert repr(text) in str(info.value)


def test_money_round_trip() -> None:
    for raw in ["0.00", "12345.50", "-99.95", "1000000.00"]:
        for lang in ("fi", "en"):
            assert parse_decimal(format_money(raw, lang=lang)) == Decimal(raw)
