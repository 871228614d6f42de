"""iCalendar (RFC 5545) export of a webinar, written by hand (no third-party library).

The calendar carries one hand-written ``Europe/Helsinki`` VTIMEZONE. EU summer time starts and
ends at 01:00 UTC on the last Sunday of March / October: that is 03:00 local (EET, +02:00) in
spring and 04:00 local (EEST, +03:00) in autumn, and a VTIMEZONE onset is written in the local
time *before* the change, hence the two DTSTART values below. Event times are written as
Helsinki local times, except in the hour that happens twice in autumn, which is written in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from digikunta_tui.domain.finnish import HELSINKI
from digikunta_tui.domain.stored import (
    Invalid,
    items_of,
    read_int,
    read_moment,
    read_text,
    shorten,
    text_of,
)
from digikunta_tui.errors import CalendarRefused
from digikunta_tui.i18n import t

__all__ = [
    "SEQUENCE_FIELDS",
    "CalendarRefused",
    "bump_sequence_if_changed",
    "escape_text",
    "fold_line",
    "presenter_names",
    "start_of",
    "webinar_to_ics",
]

PRODID = "-//Digikunta//Digikunta webinars//FI"

VTIMEZONE_HELSINKI = (
    "BEGIN:VTIMEZONE",
    "TZID:Europe/Helsinki",
    "BEGIN:STANDARD",
    "DTSTART:19701025T040000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "TZOFFSETFROM:+0300",
    "TZOFFSETTO:+0200",
    "TZNAME:EET",
    "END:STANDARD",
    "BEGIN:DAYLIGHT",
    "DTSTART:19700329T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0300",
    "TZNAME:EEST",
    "END:DAYLIGHT",
    "END:VTIMEZONE",
)

#: Webinar fields whose change makes calendar clients update the event (SEQUENCE + 1).
SEQUENCE_FIELDS = ("starts_at", "duration_minutes", "title", "join_link", "status")

MAX_SEQUENCE = 1_000_000
"""Calendar sequence numbers above this are read as unreadable (RFC 5545: an integer)."""


# RFC 5545 TEXT may not hold control characters other than HTAB; newlines are escaped first.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def escape_text(value: str) -> str:
    r"""Escape a TEXT property value: ``\`` ``;`` ``,`` and newlines (as ``\n``)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _CONTROL.sub("", value)
    return value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _uri(value: str) -> str:
    """A URI value has no escaping in iCalendar; remove anything that could break the line."""
    return re.sub(r"[\x00-\x20\x7f\"<>\\^`{|}]", "", value)


def fold_line(line: str, limit: int = 75) -> str:
    """Fold a content line at ``limit`` octets (UTF-8), never inside a multi-byte character.

    Continuation lines start with one space, which counts toward their ``limit``.
    """
    if len(line.encode("utf-8")) <= limit:
        return line
    parts: list[str] = []
    current: list[str] = []
    size = 0
    budget = limit
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > budget:
            parts.append("".join(current))
            current, size, budget = [], 0, limit - 1
        current.append(ch)
        size += n
    parts.append("".join(current))
    return "\r\n ".join(parts)


def _utc_stamp(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _time_property(name: str, dt: datetime) -> str:
    """``NAME;TZID=Europe/Helsinki:local`` or, in the hour repeated in autumn, ``NAME:utcZ``.

    A local time with TZID cannot say which of the two 03:xx hours is meant (RFC 5545 takes the
    first), so an ambiguous instant is written in UTC, which the RFC also allows.
    """
    local = dt.astimezone(HELSINKI)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return f"{name}:{_utc_stamp(dt)}"
    return f"{name};TZID=Europe/Helsinki:{local.strftime('%Y%m%dT%H%M%S')}"


def _sequence(fields: Mapping[str, Any]) -> int:
    value = read_int(fields.get("ical_sequence"), minimum=0, maximum=MAX_SEQUENCE)
    return value if isinstance(value, int) else 0


def _text(fields: Mapping[str, Any], name: str) -> str:
    """A text field, or "" when it is unset or holds something other than text."""
    value = read_text(fields.get(name))
    return value if isinstance(value, str) else ""


def _description(fields: Mapping[str, Any], presenters: Sequence[str]) -> str:
    parts: list[str] = []
    if theme := _text(fields, "theme"):
        parts.append(f"Teema: {theme}")
    if presenters:
        parts.append("Esittäjät: " + ", ".join(presenters))
    if instructions := _text(fields, "instructions"):
        parts.append(instructions)
    if link := _text(fields, "join_link"):
        parts.append(f"Liittymislinkki: {link}")
    return "\n\n".join(parts)


def presenter_names(fields: Mapping[str, Any], name_of: Callable[[str], str | None]) -> list[str]:
    """A webinar's presenters for people: a person id by ``name_of``, free text as it is.

    A ``presenters`` value that is not a list of texts (odd data from a sync) gives [].
    """
    return [name_of(value) or value for value in items_of(fields.get("presenters"))]


def start_of(webinar_fields: Mapping[str, Any]) -> datetime:
    """The webinar's start instant.

    Raises:
        CalendarRefused: no start time, or one that cannot be read (the message says which).
    """
    start = read_moment(webinar_fields.get("starts_at"))
    title = shorten(text_of(webinar_fields.get("title"))) or "?"
    if start is None:
        raise CalendarRefused(t("ics.no_start", title=title))
    if isinstance(start, Invalid):
        raise CalendarRefused(t("ics.invalid_start", title=title, value=shorten(start.text)))
    return start


def webinar_to_ics(
    webinar_fields: Mapping[str, Any],
    *,
    webinar_id: str,
    presenters: Sequence[str] = (),
    now: datetime | None = None,
) -> str:
    """Render one webinar as an iCalendar document (CRLF line endings, folded lines).

    Args:
        webinar_fields: The webinar record's fields (``title``, ``starts_at`` … see records.md).
        webinar_id: The record id; the UID is ``ical_uid`` or ``<webinar_id>@digikunta``.
        presenters: Display names of the presenters (ids are resolved by the caller).
        now: DTSTAMP instant (default: the current time); pass it for reproducible output.

    Returns:
        The ``VCALENDAR`` text, ending with CRLF.

    Raises:
        CalendarRefused: (a ``ValueError``) ``starts_at`` is missing or cannot be read.
    """
    start = start_of(webinar_fields).astimezone(HELSINKI)
    stamp = now if now is not None else datetime.now(UTC)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    uid = _text(webinar_fields, "ical_uid") or f"{webinar_id}@digikunta"
    status = "CANCELLED" if webinar_fields.get("status") == "cancelled" else "CONFIRMED"

    event = [
        "BEGIN:VEVENT",
        f"UID:{escape_text(str(uid))}",
        f"SEQUENCE:{_sequence(webinar_fields)}",
        f"DTSTAMP:{_utc_stamp(stamp)}",
        _time_property("DTSTART", start),
    ]
    duration = read_int(webinar_fields.get("duration_minutes"), minimum=1, maximum=24 * 60)
    if isinstance(duration, int):
        # Add the duration to the UTC instant so an event spanning a DST change keeps its length.
        end = start.astimezone(UTC) + timedelta(minutes=duration)
        event.append(_time_property("DTEND", end))
    event.append(f"SUMMARY:{escape_text(text_of(webinar_fields.get('title')))}")
    description = _description(webinar_fields, presenters)
    if description:
        event.append(f"DESCRIPTION:{escape_text(description)}")
    link = _text(webinar_fields, "join_link")
    if link:
        event.append(f"URL:{_uri(link)}")
        event.append(f"LOCATION:{escape_text(link)}")
    event += [f"STATUS:{status}", "END:VEVENT"]

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *VTIMEZONE_HELSINKI,
        *event,
        "END:VCALENDAR",
    ]
    return "".join(fold_line(line) + "\r\n" for line in lines)


def _same_value(field: str, old: Any, new: Any) -> bool:
    if field == "starts_at":
        old_start, new_start = read_moment(old), read_moment(new)
        if isinstance(old_start, datetime) and isinstance(new_start, datetime):
            return old_start == new_start
    return bool(old == new)


def bump_sequence_if_changed(old_fields: Mapping[str, Any], new_fields: Mapping[str, Any]) -> int:
    """Return the ``ical_sequence`` the edited webinar should carry.

    The sequence grows by one when the time, duration, title, join link or status changed
    (``starts_at`` is compared as an instant, so ``Z`` and ``+00:00`` are the same). If the new
    fields already carry a larger sequence it is kept, so calling this twice does not bump twice.
    """
    old_seq = _sequence(old_fields)
    changed = any(not _same_value(f, old_fields.get(f), new_fields.get(f)) for f in SEQUENCE_FIELDS)
    return max(old_seq + 1 if changed else old_seq, _sequence(new_fields))
