"""iCalendar export of webinars, parsed back with the `icalendar` library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from digikunta_tui.domain.ics import bump_sequence_if_changed, fold_line, webinar_to_ics

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def webinar(**overrides: object) -> dict:
    fields = {
        "title": "Digikokeileva kunta -webinaari 1",
        "theme": "Miten digikokeiluja johdetaan?",
        "starts_at": "2017-11-07T10:00:00Z",
        "duration_minutes": 120,
        "join_link": "https://example.fi/webinaari-1",
        "instructions": "Liity selaimella.",
        "status": "held",
        "ical_sequence": 2,
    }
    fields.update(overrides)
    return fields


def event_of(text: str) -> icalendar.Event:
    cal = icalendar.Calendar.from_ical(text)
    events = list(cal.walk("VEVENT"))
    assert len(events) == 1
    return events[0]


def utc(prop: icalendar.prop.vDDDTypes) -> datetime:
    return prop.dt.astimezone(UTC)


def test_winter_date_is_utc_plus_two() -> None:
    ev = event_of(webinar_to_ics(webinar(), webinar_id="w1", now=NOW))
    assert utc(ev["DTSTART"]) == datetime(2017, 11, 7, 10, 0, tzinfo=UTC)
    assert utc(ev["DTEND"]) == datetime(2017, 11, 7, 12, 0, tzinfo=UTC)
    assert str(ev["SUMMARY"]) == "Digikokeileva kunta -webinaari 1"
    assert int(ev["SEQUENCE"]) == 2
    assert str(ev["STATUS"]) == "CONFIRMED"
    assert str(ev["URL"]) == "https://example.fi/webinaari-1"
    assert str(ev["LOCATION"]) == "https://example.fi/webinaari-1"
    assert "Liity selaimella." in str(ev["DESCRIPTION"])
    assert "https://example.fi/webinaari-1" in str(ev["DESCRIPTION"])
    assert utc(ev["DTSTAMP"]) == NOW


def test_local_times_written_with_tzid() -> None:
    text = webinar_to_ics(webinar(), webinar_id="w1", now=NOW)
    assert "DTSTART;TZID=Europe/Helsinki:20171107T120000\r\n" in text
    assert "DTEND;TZID=Europe/Helsinki:20171107T140000\r\n" in text
    assert "DTSTAMP:20261129T120000Z\r\n" in text
    assert text.count("BEGIN:VTIMEZONE") == 1


def test_summer_date_is_utc_plus_three() -> None:
    ev = event_of(webinar_to_ics(webinar(starts_at="2026-06-10T09:00:00Z"), webinar_id="w"))
    assert utc(ev["DTSTART"]) == datetime(2026, 6, 10, 9, 0, tzinfo=UTC)
    assert ev["DTSTART"].dt.replace(tzinfo=None) == datetime(2026, 6, 10, 12, 0)


@pytest.mark.parametrize(
    ("starts_at", "local"),
    [
        # spring 2026: clocks go 03:00 EET -> 04:00 EEST at 01:00 UTC on 29 March
        ("2026-03-29T00:30:00Z", datetime(2026, 3, 29, 2, 30)),
        ("2026-03-29T00:59:00Z", datetime(2026, 3, 29, 2, 59)),
        ("2026-03-29T01:00:00Z", datetime(2026, 3, 29, 4, 0)),
        ("2026-03-29T01:30:00Z", datetime(2026, 3, 29, 4, 30)),
        # autumn 2026: clocks go 04:00 EEST -> 03:00 EET at 01:00 UTC on 25 October
        ("2026-10-24T23:30:00Z", datetime(2026, 10, 25, 2, 30)),
        ("2026-10-24T23:59:00Z", datetime(2026, 10, 25, 2, 59)),
        ("2026-10-25T02:00:00Z", datetime(2026, 10, 25, 4, 0)),
        ("2026-10-25T02:30:00Z", datetime(2026, 10, 25, 4, 30)),
    ],
)
def test_instants_around_dst_changes_2026(starts_at: str, local: datetime) -> None:
    text = webinar_to_ics(webinar(starts_at=starts_at, duration_minutes=30), webinar_id="w")
    assert f"DTSTART;TZID=Europe/Helsinki:{local:%Y%m%dT%H%M%S}\r\n" in text
    ev = event_of(text)
    assert ev["DTSTART"].dt.replace(tzinfo=None) == local
    start = datetime.fromisoformat(starts_at.replace("Z", "+00:00"))
    assert utc(ev["DTSTART"]) == start
    assert utc(ev["DTEND"]) - utc(ev["DTSTART"]) == timedelta(minutes=30)


@pytest.mark.parametrize(
    "starts_at",
    [
        "2026-10-25T00:00:00Z",
        "2026-10-25T00:30:00Z",
        "2026-10-25T01:00:00Z",
        "2026-10-25T01:30:00Z",
    ],
)
def test_repeated_autumn_hour_is_written_in_utc(starts_at: str) -> None:
    # 03:00-03:59 local happens twice on 25.10.2026; a TZID local time cannot say which.
    text = webinar_to_ics(webinar(starts_at=starts_at, duration_minutes=30), webinar_id="w")
    start = datetime.fromisoformat(starts_at.replace("Z", "+00:00"))
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z\r\n" in text
    ev = event_of(text)
    assert utc(ev["DTSTART"]) == start
    assert utc(ev["DTEND"]) - utc(ev["DTSTART"]) == timedelta(minutes=30)


def test_event_across_spring_change_keeps_its_length() -> None:
    # 02:00 EET local + 2 h of real time ends at 05:00 EEST local.
    text = webinar_to_ics(
        webinar(starts_at="2026-03-29T00:00:00Z", duration_minutes=120), webinar_id="w"
    )
    ev = event_of(text)
    assert utc(ev["DTEND"]) - utc(ev["DTSTART"]) == (
        datetime(2026, 3, 29, 2, 0, tzinfo=UTC) - datetime(2026, 3, 29, 0, 0, tzinfo=UTC)
    )
    assert "DTEND;TZID=Europe/Helsinki:20260329T050000" in text


def test_vtimezone_rules_match_zoneinfo() -> None:
    cal = icalendar.Calendar.from_ical(webinar_to_ics(webinar(), webinar_id="w"))
    tz = next(iter(cal.walk("VTIMEZONE")))
    std = next(iter(tz.walk("STANDARD")))
    dst = next(iter(tz.walk("DAYLIGHT")))
    assert std["DTSTART"].dt == datetime(1970, 10, 25, 4, 0)
    assert dst["DTSTART"].dt == datetime(1970, 3, 29, 3, 0)
    assert std["TZOFFSETTO"].td.total_seconds() == 2 * 3600
    assert dst["TZOFFSETTO"].td.total_seconds() == 3 * 3600
    # The rules (last Sunday, 03:00 EET in March / 04:00 EEST in October = 01:00 UTC) agree
    # with the system's tz database in every year the app will see.
    helsinki = ZoneInfo("Europe/Helsinki")
    for year in range(2017, 2041):
        for month, before, after in ((3, 2, 3), (10, 3, 2)):
            last_sunday = max(
                datetime(year, month, day, tzinfo=UTC)
                for day in range(25, 32)
                if datetime(year, month, day).weekday() == 6
            )
            change = last_sunday.replace(hour=1)
            offset_before = (change - timedelta(seconds=1)).astimezone(helsinki).utcoffset()
            offset_after = change.astimezone(helsinki).utcoffset()
            assert offset_before == timedelta(hours=before), (year, month)
            assert offset_after == timedelta(hours=after), (year, month)
            onset = (std if month == 10 else dst)["DTSTART"].dt
            local_before = change + timedelta(hours=before)
            assert (local_before.hour, local_before.minute) == (onset.hour, onset.minute)


def test_crlf_and_folding_of_long_finnish_text() -> None:
    long_title = "Äänekosken ja Hämeenkyrön yhteinen kokeilu: työnilo, säästöt ja öljyn käyttö " * 4
    text = webinar_to_ics(webinar(title=long_title), webinar_id="w", now=NOW)
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        raw = line.encode("utf-8")
        assert len(raw) <= 75
        raw.decode("utf-8")  # a split multi-byte character would raise here
    ev = event_of(text)
    assert str(ev["SUMMARY"]) == long_title


def test_fold_line_never_splits_multibyte_characters() -> None:
    line = "X" * 74 + "ä" + "ö" * 100
    folded = fold_line(line)
    parts = folded.split("\r\n")
    assert parts[0] == "X" * 74  # "ä" (2 octets) would make it 76
    assert all(p.startswith(" ") for p in parts[1:])
    assert all(len(p.encode()) <= 75 for p in parts)
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line
    assert fold_line("short") == "short"


def test_escaping_of_special_characters() -> None:
    title = r"Osa 1; säästöt, tulokset \ opit"
    instructions = "Rivi 1\nRivi 2; toinen, kolmas\r\nRivi 3 \\ loppu"
    text = webinar_to_ics(webinar(title=title, instructions=instructions), webinar_id="w")
    assert r"SUMMARY:Osa 1\; säästöt\, tulokset \\ opit" in text
    ev = event_of(text)
    assert str(ev["SUMMARY"]) == title
    assert "Rivi 1\nRivi 2; toinen, kolmas\nRivi 3 \\ loppu" in str(ev["DESCRIPTION"])


def test_injected_newline_cannot_add_properties() -> None:
    text = webinar_to_ics(webinar(title="Otsikko\r\nSTATUS:CANCELLED"), webinar_id="w")
    ev = event_of(text)
    assert str(ev["STATUS"]) == "CONFIRMED"
    assert [line for line in text.split("\r\n") if line.startswith("STATUS:")] == [
        "STATUS:CONFIRMED"
    ]


def test_uid_stable_and_from_ical_uid() -> None:
    a = event_of(webinar_to_ics(webinar(), webinar_id="abc123", now=NOW))
    b = event_of(webinar_to_ics(webinar(title="Muutettu"), webinar_id="abc123"))
    assert str(a["UID"]) == str(b["UID"]) == "abc123@digikunta"
    c = event_of(webinar_to_ics(webinar(ical_uid="fixed-uid@example.fi"), webinar_id="x"))
    assert str(c["UID"]) == "fixed-uid@example.fi"


def test_output_deterministic_with_fixed_now() -> None:
    assert webinar_to_ics(webinar(), webinar_id="w", now=NOW) == webinar_to_ics(
        webinar(), webinar_id="w", now=NOW
    )


def test_cancelled_status_and_missing_optional_fields() -> None:
    fields = {"title": "Peruttu", "starts_at": "2017-12-12T10:00:00Z", "status": "cancelled"}
    text = webinar_to_ics(fields, webinar_id="w", now=NOW)
    ev = event_of(text)
    assert str(ev["STATUS"]) == "CANCELLED"
    assert int(ev["SEQUENCE"]) == 0
    assert "DTEND" not in ev
    assert "URL" not in ev


def test_presenters_listed_in_description() -> None:
    ev = event_of(webinar_to_ics(webinar(), webinar_id="w", presenters=["Toni Auvinen", "Ö Å"]))
    assert "Toni Auvinen, Ö Å" in str(ev["DESCRIPTION"])


def test_missing_start_raises_value_error() -> None:
    with pytest.raises(ValueError, match="no start time"):
        webinar_to_ics({"title": "x"}, webinar_id="w")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({}, 2),
        ({"instructions": "Uudet ohjeet"}, 2),
        ({"theme": "Uusi teema"}, 2),
        ({"starts_at": "2017-11-07T10:00:00+00:00"}, 2),  # same instant, other spelling
        ({"starts_at": "2017-11-07T11:00:00Z"}, 3),
        ({"duration_minutes": 90}, 3),
        ({"title": "Uusi otsikko"}, 3),
        ({"join_link": "https://example.fi/uusi"}, 3),
        ({"status": "cancelled"}, 3),
        ({"title": "Uusi otsikko", "ical_sequence": 3}, 3),  # already bumped: not twice
    ],
)
def test_bump_sequence_if_changed(change: dict, expected: int) -> None:
    old = webinar()
    new = {**old, **change}
    assert bump_sequence_if_changed(old, new) == expected


def test_bump_sequence_from_missing_sequence() -> None:
    old = {"title": "a", "starts_at": "2017-11-07T10:00:00Z"}
    assert bump_sequence_if_changed(old, dict(old)) == 0
    assert bump_sequence_if_changed(old, {**old, "title": "b"}) == 1
