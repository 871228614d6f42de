"""Lenient readers of stored field values: what the domain can make of *any* JSON value.

The sync library stores whatever JSON another laptop, an older version, another tool or a hand
edit put into a field. Validation (:mod:`validation`) keeps bad values from being *written*
here; these readers are for *reading*: each returns the typed value, ``None`` when the field is
absent or blank, or an :class:`Invalid` marker that keeps the raw value. Nothing here raises,
rewrites or drops data, so every list, detail pane, export and command works on any replica,
and shows an unreadable value degraded ("invalid date: 9999-12-31T23:59:59Z") instead of
crashing.

Standard library only (no pydantic): the list index and the first paint use these readers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Literal, TypeVar

from digikunta_tui.i18n import t

MIN_YEAR = 1900
"""The earliest year a date or date-time may have (checked on writing and reading)."""

MAX_YEAR = 2200
"""The latest year a date or date-time may have (Helsinki time of the last instant is 2201)."""

MAX_MAGNITUDE = Decimal(10) ** 15
"""Numbers (euros, hours, measured values) are below this in absolute value."""

MAX_SHOWN = 80
"""An invalid value is shown with at most this many characters of its raw text."""

MAX_DEPTH = 20
"""Nested lists and objects are read this deep for searchable text (deeper is ignored)."""

ID_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
"""A record id as the shared document allows it."""

What = Literal["date", "number", "value"]
_T = TypeVar("_T")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_MOMENT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}.{0,40}")
_INTEGER = re.compile(r"[+-]?[0-9]{1,18}")
_DECIMAL = re.compile(r"[+-]?([0-9]{1,40}(\.[0-9]{0,40})?|\.[0-9]{1,40})")


@dataclass(frozen=True, slots=True)
class Invalid:
    """A stored value the domain cannot interpret, kept as it is.

    Attributes:
        raw: the stored JSON value, untouched.
        what: what was expected: ``"date"``, ``"number"`` or ``"value"`` (anything else).
    """

    raw: Any
    what: What = "value"

    @property
    def text(self) -> str:
        """The raw value as text: a string as it is, anything else as JSON."""
        return raw_text(self.raw)

    def label(self) -> str:
        """The translated degraded form, e.g. "invalid date: 9999-12-31T23:59:59Z"."""
        return t(f"stored.invalid_{self.what}", value=shorten(self.text))

    def __str__(self) -> str:
        return self.label()


def raw_text(value: Any) -> str:
    """A stored value as text: a string as it is, anything else as (compact) JSON text."""
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return repr(value)


def shorten(text: str, limit: int = MAX_SHOWN) -> str:
    """``text`` cut to ``limit`` characters (with "…") for one-line display."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_blank(value: Any) -> bool:
    """True for what counts as "not set": None, "", whitespace and [].

    ``{}`` is not blank: where a text, a date or a list belongs, an object is an odd value
    (shown degraded), and where an object belongs, its reader decides.
    """
    if value is None or value == []:
        return True
    return isinstance(value, str) and not value.strip()


def year_ok(year: int) -> bool:
    """True when ``year`` lies in the range every date must have (1900–2200)."""
    return MIN_YEAR <= year <= MAX_YEAR


# --- dates and times ----------------------------------------------------------------------


def read_moment(value: Any) -> datetime | Invalid | None:
    """A stored instant (``2017-11-07T10:00:00Z``, any ISO 8601 with an offset; naive = UTC).

    Returns:
        An aware UTC datetime within years 1900–2200, None when blank, else ``Invalid``.
    """
    if is_blank(value):
        return None
    if not isinstance(value, str) or not _ISO_MOMENT.fullmatch(value.strip()):
        return Invalid(value, "date")
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
        if not year_ok(moment.year):
            return Invalid(value, "date")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except (ValueError, OverflowError):
        return Invalid(value, "date")
    return moment if year_ok(moment.year) else Invalid(value, "date")


def read_date(value: Any) -> date | Invalid | None:
    """A stored calendar date (``2017-11-07``) within years 1900–2200, None, or ``Invalid``."""
    if is_blank(value):
        return None
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        return Invalid(value, "date")
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        return Invalid(value, "date")
    return day if year_ok(day.year) else Invalid(value, "date")


def moment_text(moment: datetime) -> str:
    """An instant as stored: UTC with ``Z``, whole seconds (``2017-11-07T10:00:00Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- numbers ------------------------------------------------------------------------------


def read_int(
    value: Any, *, minimum: int | None = None, maximum: int | None = None
) -> int | Invalid | None:
    """A stored whole number (an int, an integral float or digits), within the bounds given."""
    if is_blank(value):
        return None
    number: int | None = None
    if isinstance(value, bool):
        number = None
    elif isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None:
        return Invalid(value, "number")
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        return Invalid(value, "number")
    return number


def read_decimal(value: Any) -> Decimal | Invalid | None:
    """A stored decimal (``"12345.50"`` or a JSON number): finite and below 10¹⁵ in size."""
    if is_blank(value):
        return None
    number: Decimal | None = None
    try:
        if isinstance(value, bool):
            number = None
        elif isinstance(value, int) and abs(value) < MAX_MAGNITUDE:
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        elif isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
            number = Decimal(value.strip())
    except (InvalidOperation, ValueError):
        number = None
    if number is None or not number.is_finite() or abs(number) >= MAX_MAGNITUDE:
        return Invalid(value, "number")
    return number


# --- text, choices, references --------------------------------------------------------------


def read_text(value: Any) -> str | Invalid | None:
    """A stored text: the string itself, None when blank, ``Invalid`` for any other value."""
    if is_blank(value):
        return None
    return value if isinstance(value, str) else Invalid(value)


def read_choice(value: Any, allowed: Collection[str]) -> str | Invalid | None:
    """One of ``allowed`` (an enum's values), None when blank, else ``Invalid``."""
    if is_blank(value):
        return None
    return value if isinstance(value, str) and value in allowed else Invalid(value)


def read_bool(value: Any) -> bool | Invalid | None:
    """A stored yes/no (a JSON boolean), None when blank, else ``Invalid``."""
    if is_blank(value):
        return None
    return value if isinstance(value, bool) else Invalid(value)


def read_id(value: Any) -> str | Invalid | None:
    """A stored reference: a record id, None when blank, else ``Invalid``."""
    if is_blank(value):
        return None
    if isinstance(value, str) and ID_PATTERN.fullmatch(value):
        return value
    return Invalid(value)


def read_list(value: Any) -> list[str] | Invalid | None:
    """A stored list of texts: the list, None when blank, ``Invalid`` for anything else."""
    if is_blank(value):
        return None
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return Invalid(value)


def read_ids(value: Any) -> list[str] | Invalid | None:
    """A stored list of record ids: the list, None when blank, ``Invalid`` for anything else."""
    items = read_list(value)
    if isinstance(items, list) and not all(ID_PATTERN.fullmatch(item) for item in items):
        return Invalid(value)
    return items


def ids_in(value: Any) -> list[str]:
    """The record ids a stored reference or reference list holds ([] when unreadable)."""
    single = read_id(value)
    if isinstance(single, str):
        return [single]
    many = read_ids(value)
    return many if isinstance(many, list) else []


def items_of(value: Any) -> list[str]:
    """The texts of a stored list ([] when blank or unreadable)."""
    items = read_list(value)
    return items if isinstance(items, list) else []


def objects_of(value: Any) -> list[dict[str, Any]] | Invalid | None:
    """A stored list of objects (an indicator's measurements), None, or ``Invalid``."""
    if is_blank(value):
        return None
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return list(value)
    return Invalid(value)


# --- showing --------------------------------------------------------------------------------


def shown(value: _T | Invalid | None, fmt: Callable[[_T], str] = str) -> str:
    """A read value for people: "" when None, the degraded label when ``Invalid``, else fmt."""
    if value is None:
        return ""
    if isinstance(value, Invalid):
        return value.label()
    return fmt(value)


def text_of(value: Any) -> str:
    """A stored text field for display: the text, "" when blank, the label when not text."""
    return shown(read_text(value))


def searchable(value: Any, depth: int = 0) -> str:
    """Every readable piece of text in a stored value, space-separated (for the search index)."""
    if value is None or isinstance(value, bool) or depth > MAX_DEPTH:
        return ""
    if isinstance(value, list):
        return " ".join(searchable(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return " ".join(searchable(item, depth + 1) for item in value.values())
    return str(value)
