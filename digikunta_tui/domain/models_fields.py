"""Field types shared by the domain models: text, ids, dates, links, numbers, codes.

Every rule raises a ``PydanticCustomError`` whose type is a catalogue key (``validation.…``), so
``validation.py`` can show the message in the user's language; the English text given here is
only a fallback for developers.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Self, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    model_validator,
)
from pydantic_core import PydanticCustomError
from stdnum.exceptions import InvalidChecksum
from stdnum.exceptions import ValidationError as InvalidIdentifier
from stdnum.fi import ytunnus

from digikunta_tui.domain.stored import MAX_MAGNITUDE, MAX_YEAR, MIN_YEAR

HELSINKI = ZoneInfo("Europe/Helsinki")
"""Naive date-times typed by users are wall-clock time in Finland."""

IGNORE_UNKNOWN = "ignore_unknown"
"""Validation-context flag: drop keys no model knows (fields written by a newer app version)."""

MAX_LINE = 300
MAX_TEXT = 20_000
MAX_BODY = 200_000
MAX_LIST = 500
MAX_URL = 2_000
MAX_INTEGER = 1_000_000
"""No whole number in a record (a newsletter's number, a calendar sequence) is larger."""

_T = TypeVar("_T")


def _error(key: str, message: str, **context: Any) -> PydanticCustomError:
    """Build an error whose type is the catalogue key of its translated message."""
    return PydanticCustomError(key, message, context or None)


# --- text -----------------------------------------------------------------------------------


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc"


def _single_line(value: str) -> str:
    if any(_is_control(char) for char in value):
        raise _error("validation.single_line", "Control characters and line breaks not allowed")
    return value


def _multi_line(value: str) -> str:
    value = value.replace("\r\n", "\n")
    if any(_is_control(char) and char not in "\n\t" for char in value):
        raise _error("validation.control_characters", "Control characters are not allowed")
    return value


Line = Annotated[str, Field(min_length=1, max_length=MAX_LINE), AfterValidator(_single_line)]
"""One line of text: required text is non-empty after stripping; no control characters."""

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT), AfterValidator(_multi_line)]
"""Several lines of text: newlines and tabs allowed, other control characters not."""

Body = Annotated[str, Field(min_length=1, max_length=MAX_BODY), AfterValidator(_multi_line)]
"""A long Markdown body (a newsletter)."""

_ID = re.compile(r"[A-Za-z0-9_.:-]+")

RecordId = Annotated[
    str,
    Field(min_length=1, max_length=64),
    AfterValidator(lambda value: _check_pattern(value, _ID, "validation.record_id")),
]
"""The id of another record."""


def _check_pattern(value: str, pattern: re.Pattern[str], key: str) -> str:
    if not pattern.fullmatch(value):
        raise _error(key, "Invalid value")
    return value


def _unique(values: list[_T]) -> list[_T]:
    seen: list[_T] = []
    for value in values:
        if value in seen:
            raise _error("validation.duplicates", "Duplicate value: {value}", value=str(value))
        seen.append(value)
    return values


Unique = AfterValidator(_unique)
"""List metadata: refuses the same value twice."""

IdList = Annotated[list[RecordId], Field(max_length=MAX_LIST), Unique]
LineList = Annotated[list[Line], Field(max_length=MAX_LIST), Unique]


# --- codes and contact details -------------------------------------------------------------------

MunicipalityCode = Annotated[
    str,
    AfterValidator(
        lambda value: _check_pattern(value, re.compile(r"[0-9]{3}"), "validation.municipality_code")
    ),
]
"""Statistics Finland municipality code: exactly three digits (Kuopio ``297``)."""

RegionCode = Annotated[
    str,
    AfterValidator(
        lambda value: _check_pattern(value, re.compile(r"[0-9]{2}"), "validation.region_code")
    ),
]
"""Statistics Finland region code: exactly two digits (Pohjois-Savo ``11``)."""


def normalise_business_id(value: str) -> str:
    """Return a Finnish business id (Y-tunnus) as ``1234567-8`` after checking its check digit."""
    try:
        return str(ytunnus.format(ytunnus.validate(value)))
    except InvalidChecksum:
        raise _error("validation.business_id.checksum", "Check digit does not match") from None
    except InvalidIdentifier:
        raise _error("validation.business_id", "Not a business id (1234567-8)") from None


BusinessId = Annotated[str, AfterValidator(normalise_business_id)]


def normalise_phone(value: str) -> str:
    """Return a phone number in E.164; numbers without a country code are read as Finnish."""
    if len(value) > 40:
        raise _error("validation.phone", "Invalid phone number")
    try:
        number = phonenumbers.parse(value, "FI")
    except phonenumbers.NumberParseException:
        raise _error("validation.phone", "Invalid phone number") from None
    # E.164 cannot hold an extension: refuse rather than silently drop it.
    if number.extension or not phonenumbers.is_valid_number(number):
        raise _error("validation.phone", "Invalid phone number")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


Phone = Annotated[str, AfterValidator(normalise_phone)]


def normalise_email(value: str) -> str:
    """Return an e-mail address checked for syntax only (no DNS) and stored in lower case."""
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise _error("validation.email", "Invalid e-mail address") from None
    return str(result.normalized).lower()


Email = Annotated[str, Field(max_length=320), AfterValidator(normalise_email)]


def check_https(value: str) -> str:
    """Accept only an absolute ``https://`` link with a host; ``http://`` gets its own message."""
    if any(char.isspace() or _is_control(char) for char in value):
        raise _error("validation.url", "Invalid link")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        raise _error("validation.url", "Invalid link") from None
    scheme = parts.scheme.lower()
    if scheme == "http":
        raise _error("validation.https", "The link must be secure (https://)")
    if scheme != "https" or not host:
        raise _error("validation.url", "Invalid link")
    return value


HttpsUrl = Annotated[str, Field(max_length=MAX_URL), AfterValidator(check_https)]


# --- dates and times ----------------------------------------------------------------------------

# ASCII digits only: Python's \d would also accept other scripts' digits.
_FINNISH_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_FINNISH_DATETIME = re.compile(
    r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\s+(?:klo\s+)?([0-9]{1,2})[.:]([0-9]{2})(?:[.:]([0-9]{2}))?",
    re.IGNORECASE,
)


def _in_range(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _error(
            "validation.date_range",
            "Dates must lie between the years {min_year} and {max_year}",
            min_year=MIN_YEAR,
            max_year=MAX_YEAR,
        )


def parse_date(value: Any) -> date:
    """Read a date from ISO ``2017-11-07``, Finnish ``7.11.2017`` or a ``date`` object.

    The year must lie in 1900–2200 (:data:`stored.MIN_YEAR` … :data:`stored.MAX_YEAR`).
    """
    day: date | None = None
    if isinstance(value, date) and not isinstance(value, datetime):
        day = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            if match := _FINNISH_DATE.fullmatch(text):
                number, month, year = (int(part) for part in match.groups())
                day = date(year, month, number)
            elif _ISO_DATE.fullmatch(text):
                day = date.fromisoformat(text)
        except ValueError:
            day = None
    if day is None:
        raise _error("validation.date", "Invalid date (7.11.2017 or 2017-11-07)")
    _in_range(day.year)
    return day


def parse_datetime(value: Any) -> datetime:
    """Read a date-time; naive input is Helsinki wall-clock time. Returns UTC, whole seconds.

    The instant must lie in the years 1900–2200 (in UTC), so that every later conversion and
    format of it works.
    """
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            if match := _FINNISH_DATETIME.fullmatch(text):
                day, month, year, hour, minute, second = match.groups()
                moment = datetime(
                    int(year), int(month), int(day), int(hour), int(minute), int(second or 0)
                )
            elif _ISO_DATE.match(text) and len(text) > 10:
                moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
    if moment is None:
        raise _error("validation.datetime", "Invalid date and time (7.11.2017 12.00)")
    _in_range(moment.year)  # before converting: year 9999 + an offset would overflow
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=HELSINKI)
    try:
        utc = moment.astimezone(UTC).replace(microsecond=0)
    except OverflowError:
        raise _error("validation.datetime", "Invalid date and time (7.11.2017 12.00)") from None
    _in_range(utc.year)
    return utc


def _utc_text(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


Day = Annotated[date, BeforeValidator(parse_date)]
"""A calendar date, stored as ``YYYY-MM-DD``."""

Moment = Annotated[
    datetime,
    BeforeValidator(parse_datetime),
    PlainSerializer(_utc_text, return_type=str, when_used="json"),
]
"""A timezone-aware instant, stored in UTC as ``2017-11-07T10:00:00Z``."""


# --- numbers and booleans -----------------------------------------------------------------------

_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009_'"), None)


def parse_decimal(value: Any) -> Decimal:
    """Read a decimal from ``"12 345,50"``, ``"12345.50"``, ``"12 345,50 €"`` or a number."""
    if isinstance(value, bool):
        raise _error("validation.decimal", "Invalid number")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        if abs(value) >= MAX_MAGNITUDE:
            raise _error("validation.decimal_range", "The number is too large")
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, str) and len(value) <= 40:
        text = value.strip().removesuffix("€").translate(_SPACES).replace("\u2212", "-")
        if "," in text and "." in text:
            raise _error("validation.decimal", "Invalid number")
        if not re.fullmatch(r"[+-]?([0-9]+([.,][0-9]*)?|[.,][0-9]+)", text):
            raise _error("validation.decimal", "Invalid number")
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise _error("validation.decimal", "Invalid number") from None
    else:
        raise _error("validation.decimal", "Invalid number")
    if not number.is_finite():
        raise _error("validation.decimal", "Invalid number")
    if abs(number) >= MAX_MAGNITUDE:
        raise _error("validation.decimal_range", "The number is too large")
    return number


DecimalValue = Annotated[
    Decimal,
    BeforeValidator(parse_decimal),
    PlainSerializer(lambda value: format(value, "f"), return_type=str, when_used="json"),
]
"""A decimal kept exactly, stored as a string with a period: ``"12345.50"``."""

_TRUE = {"true", "kyllä", "kylla", "k", "yes", "y", "1", "on"}
_FALSE = {"false", "ei", "e", "no", "n", "0", "off"}


def parse_bool(value: Any) -> bool:
    """Read a boolean from ``True``/``False`` or the words ``true/false/kyllä/ei`` (and 1/0)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise _error("validation.boolean", "Choose yes or no")


Flag = Annotated[bool, BeforeValidator(parse_bool)]


# --- the base model ---------------------------------------------------------------------------


class DomainModel(BaseModel):
    """Base of the models over a record's ``fields``: strict for writing, lenient for reading."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_blank_and_unknown(cls, data: Any, info: ValidationInfo) -> Any:
        """Treat ``None`` and blank strings as absent; drop unknown keys when reading."""
        if not isinstance(data, dict):
            return data
        ignore_unknown = bool(info.context and info.context.get(IGNORE_UNKNOWN))
        return {
            key: value
            for key, value in data.items()
            if value is not None
            and not (isinstance(value, str) and not value.strip())
            and (not ignore_unknown or key in cls.model_fields)
        }

    @classmethod
    def from_fields(cls, fields: dict[str, Any]) -> Self:
        """Read stored fields, ignoring keys a newer app version may have written.

        Raises:
            pydantic.ValidationError: a known field holds an invalid value.
        """
        return cls.model_validate(fields, context={IGNORE_UNKNOWN: True})

    def to_fields(self) -> dict[str, Any]:
        """Return the JSON-ready fields in the docs/records.md representation.

        ``None`` values and empty lists are left out: an absent field means "not set", the same
        way blank input is read as absent.
        """
        dumped = self.model_dump(mode="json", exclude_none=True)
        return {key: value for key, value in dumped.items() if value != []}
