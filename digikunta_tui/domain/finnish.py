"""Finnish collation, forgiving search folding, and Finnish/English formatting and parsing.

Everything here is pure and stdlib-only; the collation and folding functions run once per row
for tens of thousands of rows, so they use precomputed ``str.translate`` tables and fall back to
Unicode decomposition only for characters the tables do not know.

Number formatting uses the **no-break space U+00A0** as the Finnish thousands separator and
between the amount and the euro sign (``"12 345,50 €"``): it keeps numbers on one line and,
unlike the narrow no-break space U+202F, renders with a predictable width in every terminal.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = [
    "HELSINKI",
    "NBSP",
    "fold",
    "format_date",
    "format_datetime",
    "format_money",
    "format_number",
    "format_time_range",
    "parse_date",
    "parse_decimal",
    "sort_key",
    "to_helsinki",
]

HELSINKI = ZoneInfo("Europe/Helsinki")
NBSP = "\u00a0"
EN_DASH = "\u2013"

# --- collation --------------------------------------------------------------------------------

# Finnish letters that sort after z get the three ASCII code points right after "z"; the input
# characters that normally live there are moved down among the other punctuation.
_AFTER_Z = {"å": "{", "ä": "|", "ö": "}"}

# Letters that fold to a base letter for *both* sorting and searching.
_COMMON_FOLDS: dict[str, str] = {}
for _base, _variants in {
    "a": "àáâãāăąǎ",
    "c": "çćĉċč",
    "d": "ďđð",
    "e": "èéêëēĕėęě",
    "g": "ĝğġģ",
    "h": "ĥħ",
    "i": "ìíîïĩīĭįıǐ",
    "j": "ĵ",
    "k": "ķ",
    "l": "ĺļľŀł",
    "n": "ñńņňŋ",
    "o": "òóôõōŏőǒ",
    "r": "ŕŗř",
    "s": "śŝşšș",
    "t": "ţťŧțþ",
    "u": "ùúûũūŭůűųǔ",
    "w": "ŵ",
    "y": "ýÿŷ",
    "z": "źżž",
}.items():
    for _ch in _variants:
        _COMMON_FOLDS[_ch] = _base
_COMMON_FOLDS.update({"ß": "ss", "œ": "oe", "ĳ": "ij"})

_SORT_TABLE = str.maketrans(
    {
        **_COMMON_FOLDS,
        **_AFTER_Z,
        "ü": "y",  # Finnish collation: ü is a variant of y
        "ű": "y",
        "æ": "|",  # æ sorts as ä, ø as ö (as in Finnish/Swedish collation)
        "ø": "}",
        "{": "(",
        "|": "/",
        "}": ")",
        "~": "-",
    }
)

_FOLD_TABLE = str.maketrans(
    {**_COMMON_FOLDS, "å": "a", "ä": "a", "ö": "o", "ü": "u", "æ": "ae", "ø": "o"}
)


@lru_cache(maxsize=4096)
def _strip_marks(ch: str) -> str:
    """Return ``ch`` without combining marks (NFKD), or ``ch`` itself if nothing is left."""
    decomposed = unicodedata.normalize("NFKD", ch)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped or ch


def _finish(text: str, table: dict[int, str]) -> str:
    """Translate and strip marks from characters the table left as non-ASCII."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
        else:
            base = _strip_marks(ch)
            out.append(base.lower().translate(table) if base != ch else ch)
    return "".join(out)


def sort_key(text: str) -> tuple[str, str]:
    """Return a key that sorts strings in Finnish alphabetical order.

    Order: punctuation and spaces, digits, ``a`` … ``v`` ``w`` … ``y`` (``ü`` as ``y``) ``z``,
    then ``å ä ö``. Other accents fold to their base letter (``é`` as ``e``, ``š`` as ``s``).
    Comparison is case-insensitive; equal keys are broken by the original text so that the
    order is total and deterministic.

    Args:
        text: The string to sort (``None``-safe callers should pass ``""``).

    Returns:
        A ``(primary, original)`` tuple usable as ``sorted(..., key=sort_key)``.
    """
    if not isinstance(text, str):  # a stored value that is no text still sorts, never fails
        text = "" if text is None else str(text)
    primary = text.lower().translate(_SORT_TABLE)
    return (_finish(primary, _SORT_TABLE), text)


def fold(text: str) -> str:
    """Fold text for forgiving search: lower case, diacritics removed.

    ``"Hämeenkyrö"`` → ``"hameenkyro"``, ``"Järvi-Saimaan"`` → ``"jarvi-saimaan"``,
    ``"Šostakovič"`` → ``"sostakovic"``.

    Args:
        text: Any text.

    Returns:
        The folded text.
    """
    folded = text.lower().translate(_FOLD_TABLE)
    return _finish(folded, _FOLD_TABLE)


# --- dates and times --------------------------------------------------------------------------


def _to_datetime(value: datetime | str) -> datetime:
    """Accept a datetime or an ISO 8601 string; naive values are taken to be UTC."""
    if isinstance(value, str):
        text = value.strip()
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        try:
            value = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not a date-time: {value!r} (expected ISO 8601)") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value


def to_helsinki(value: datetime | str) -> datetime:
    """Convert an aware datetime (or ISO string; naive = UTC) to Europe/Helsinki time."""
    return _to_datetime(value).astimezone(HELSINKI)


def format_date(d: date | datetime | str, lang: str = "fi") -> str:
    """Format a date: ``7.11.2017`` (Finnish) or ``2017-11-07`` (English).

    A datetime is first converted to Europe/Helsinki; a string is read as ISO 8601.
    """
    if isinstance(d, str):
        d = to_helsinki(d) if "T" in d or " " in d.strip() else date.fromisoformat(d.strip())
    if isinstance(d, datetime):
        d = to_helsinki(d).date()
    if lang == "fi":
        return f"{d.day}.{d.month}.{d.year}"
    return d.isoformat()


def _clock(dt: datetime, lang: str) -> str:
    return f"{dt.hour}.{dt.minute:02d}" if lang == "fi" else f"{dt.hour:02d}:{dt.minute:02d}"


def format_datetime(dt: datetime | str, lang: str = "fi") -> str:
    """Format an instant in Europe/Helsinki: ``7.11.2017 klo 12.00`` or ``2017-11-07 12:00``.

    Naive datetimes are taken to be UTC (records store UTC).
    """
    local = to_helsinki(dt)
    if lang == "fi":
        return f"{format_date(local.date(), 'fi')} klo {_clock(local, 'fi')}"
    return f"{local.date().isoformat()} {_clock(local, 'en')}"


def format_time_range(start_utc: datetime | str, minutes: int, lang: str = "fi") -> str:
    """Format a time span in Europe/Helsinki.

    Finnish: ``klo 12–14`` when both ends are full hours, else ``klo 12.15–13.45``.
    English: ``12:00–14:00``. The separator is an en dash.

    Args:
        start_utc: Start instant (aware, or naive UTC, or ISO string).
        minutes: Duration in minutes (≥ 0).
    """
    if minutes < 0:
        raise ValueError(f"duration must not be negative: {minutes}")
    start = to_helsinki(start_utc)
    end = (start.astimezone(UTC) + timedelta(minutes=minutes)).astimezone(HELSINKI)
    if lang == "fi":
        if start.minute == 0 and end.minute == 0:
            return f"klo {start.hour}{EN_DASH}{end.hour}"
        return f"klo {_clock(start, 'fi')}{EN_DASH}{_clock(end, 'fi')}"
    return f"{_clock(start, 'en')}{EN_DASH}{_clock(end, 'en')}"


_FI_DATE = re.compile(r"^\s*([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})\.?\s*$")
_ISO_DATE = re.compile(r"^\s*([0-9]{4})-([0-9]{2})-([0-9]{2})\s*$")


def parse_date(text: str) -> date:
    """Parse ``7.11.2017`` / ``07.11.2017`` or ISO ``2017-11-07`` into a date.

    Raises:
        ValueError: with a message naming the input and the accepted formats.
    """
    m = _FI_DATE.match(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
    else:
        m = _ISO_DATE.match(text)
        if not m:
            raise ValueError(f"not a date: {text!r} (expected d.m.yyyy, e.g. 7.11.2017, or ISO)")
        year, month, day = (int(g) for g in m.groups())
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"not a valid date: {text!r} ({exc})") from None


# --- numbers and money ------------------------------------------------------------------------


def _to_decimal(value: Decimal | str | int | float) -> Decimal:
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return parse_decimal(value)


_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(4)}
"""The exponents numbers are rounded to most often (a report formats hundreds of thousands)."""
_CONTEXT = Context(prec=28)
"""Enough digits for any value below 10²⁶ at up to two decimals (larger ones get their own)."""


def format_number(
    value: Decimal | str | int | float, decimals: int | None = None, lang: str = "fi"
) -> str:
    """Format a number: ``12 345,5`` (Finnish, U+00A0 groups) or ``12,345.5`` (English).

    Args:
        value: A Decimal, int, float or decimal string (Finnish or period style).
        decimals: Round half up to this many decimals; ``None`` keeps the value's own.
    """
    if type(value) is int and decimals is None:  # counts and per cents: no Decimal needed
        text = f"{abs(value):,}"
        if lang == "fi":
            text = text.replace(",", NBSP)
        return "-" + text if value < 0 else text
    number = value if type(value) is Decimal else _to_decimal(value)
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    if decimals is not None:
        # enough digits for any finite value: never fails (nor depends on the thread's context)
        needed = number.adjusted() + decimals + 2
        context = _CONTEXT if needed <= 28 else Context(prec=needed)
        quantum = _QUANTUM.get(decimals) or Decimal(1).scaleb(-decimals)
        number = number.quantize(quantum, rounding=ROUND_HALF_UP, context=context)
    text = f"{abs(number):,f}"  # the integer part grouped by threes with ","
    if lang == "fi":
        text = text.replace(",", NBSP).replace(".", ",")
    return "-" + text if number < 0 else text


def format_money(value: Decimal | str | int, lang: str = "fi") -> str:
    """Format euros with two decimals: ``12 345,50 €`` (Finnish) or ``€12,345.50`` (English)."""
    amount = format_number(value, 2, lang)
    if lang == "fi":
        return f"{amount}{NBSP}€"
    if amount.startswith("-"):
        return f"-€{amount[1:]}"
    return f"€{amount}"


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007']")
_NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$")


def parse_decimal(text: str) -> Decimal:
    """Parse a Finnish or English number/money string into a Decimal.

    Accepts ``12 345,50 €``, ``12345.50``, ``€12,345.50``, ``-1,5``, ``1 000 EUR``. Spaces of any
    kind group thousands; when both ``,`` and ``.`` appear, the last one is the decimal mark;
    a mark that appears more than once groups thousands.

    Raises:
        ValueError: with a message naming the input.
    """
    if not isinstance(text, str):
        raise ValueError(f"not a number: {text!r}")
    s = text.strip().replace("\u2212", "-")
    s = re.sub(r"(?i)(€|eur|euroa?)", "", s)
    s = _SPACES.sub("", s)
    if s.count(",") and s.count("."):
        decimal_mark = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if decimal_mark == "," else ",", "")
    if s.count(",") > 1:
        s = s.replace(",", "")
    if s.count(".") > 1:
        s = s.replace(".", "")
    s = s.replace(",", ".")
    if not _NUMBER.match(s):
        raise ValueError(f"not a number: {text!r} (expected e.g. 12 345,50)")
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - guarded by the regex
        raise ValueError(f"not a number: {text!r}") from None
