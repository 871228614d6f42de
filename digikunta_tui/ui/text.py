"""Showing untrusted text safely, and the labels of kinds, fields and choices.

Every value that comes from records is shown through :func:`safe` or :func:`literal`: a
``rich.text.Text`` is never parsed as markup, and control characters (terminal escapes) are
replaced by their visible Unicode "control pictures" so they cannot reach the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from rich.text import Text

from digikunta_tui.domain.stored import Invalid, read_date, read_int, read_list, read_moment, shown
from digikunta_tui.i18n import t

_CONTROL_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_CONTROL_PICTURES[0x7F] = "\u2421"
_CONTROL_PICTURES.update({code: "\ufffd" for code in range(0x80, 0xA0)})
# Bidirectional overrides could reorder what people read; show them as replacement marks.
_CONTROL_PICTURES.update({code: "\ufffd" for code in (0x202A, 0x202B, 0x202C, 0x202D, 0x202E)})
_CONTROL_PICTURES.update({code: "\ufffd" for code in (0x2066, 0x2067, 0x2068, 0x2069)})


def _as_text(value: Any) -> str:
    """A value for people: text and numbers as they are, anything else degraded."""
    if isinstance(value, str):
        return value
    if isinstance(value, Invalid):
        return value.label()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return Invalid(value).label()


def literal(value: Any, *, multiline: bool = False) -> str:
    """Return ``value`` as a string whose control characters are made visible.

    Args:
        value: any value from a record (``None`` gives ``""``); a value that is neither text
            nor a number (a list or object where text belongs, odd data from a sync) is shown
            degraded ("invalid value: …"), never as a Python repr.
        multiline: keep line feeds (for detail panes); otherwise they become visible too.

    Returns:
        Text that is safe to hand to a widget with markup disabled.
    """
    if value is None:
        return ""
    text = _as_text(value)
    if multiline:
        text = text.replace("\r\n", "\n")
        table = dict(_CONTROL_PICTURES)
        del table[0x0A]
        return text.translate(table)
    return text.translate(_CONTROL_PICTURES)


def safe(value: Any, style: str = "", *, multiline: bool = False) -> Text:
    """Return untrusted ``value`` as a ``Text`` that is shown exactly as written."""
    return Text(literal(value, multiline=multiline), style=style)


def field_lines(pairs: Iterable[tuple[str, Any]]) -> Text:
    """Build a detail pane: one ``label: value`` line per pair, skipping empty values.

    Args:
        pairs: (translated label, untrusted value) pairs.
    """
    out = Text()
    for label, value in pairs:
        if value in (None, "", [], {}):
            continue
        if out:
            out.append("\n")
        out.append(f"{label}: ", style="bold")
        out.append_text(safe(value, multiline=True))
    return out


def kind_label(kind: str) -> str:
    """Translated name of a record kind (``person`` → "Henkilö")."""
    return t(f"kind.{kind}")


def field_label(kind: str, field: str) -> str:
    """Translated label of a field of a kind."""
    return t(f"field.{kind}.{field}")


def choice_label(enum: str, value: Any) -> str:
    """Translated label of an enum value; unknown words literally, non-words degraded."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return literal(value)
    key = f"choice.{enum}.{value}"
    text = t(key)
    return literal(value) if text == key else text


def choices(enum: str, values: Any) -> str:
    """Comma-separated translated labels of a stored list of enum values (degraded if odd)."""
    items = read_list(values)
    if isinstance(items, Invalid):
        return items.label()
    return ", ".join(choice_label(enum, value) for value in items or [])


def webinar_when(fields: Mapping[str, Any], lang: str) -> str:
    """ "12.12.2017 klo 12–14" (date and Helsinki time range) of a webinar's fields, or "".

    An unreadable start is shown degraded; an unreadable duration counts as an hour.
    """
    from digikunta_tui.domain.finnish import format_date, format_time_range

    start = read_moment(fields.get("starts_at"))
    if not isinstance(start, datetime):
        return shown(start)
    minutes = read_int(fields.get("duration_minutes"), minimum=1, maximum=24 * 60)
    span = minutes if isinstance(minutes, int) else 60
    return f"{format_date(start, lang)} {format_time_range(start, span, lang)}"


def day_of(value: Any, lang: str) -> str:
    """The Helsinki date of a stored instant ("" when unset, degraded when unreadable)."""
    from digikunta_tui.domain.finnish import format_date

    return shown(read_moment(value), lambda moment: format_date(moment, lang))


def moment_label(value: Any, lang: str) -> str:
    """A stored instant as "7.11.2017 klo 12.00" ("" when unset, degraded when unreadable)."""
    from digikunta_tui.domain.finnish import format_datetime

    return shown(read_moment(value), lambda moment: format_datetime(moment, lang))


def date_label(value: Any, lang: str) -> str:
    """A stored date as "7.11.2017" ("" when unset, degraded when unreadable)."""
    from digikunta_tui.domain.finnish import format_date

    return shown(read_date(value), lambda day: format_date(day, lang))


def conflict_summary(entry: Any) -> str:
    """What a conflict entry is about, in a few words: its field, or its kind of conflict."""
    if getattr(entry, "is_id_collision", False):
        return t("conflicts.id_collision_field")
    if entry.field is None:
        return t("sync.deleted_conflict")
    return str(entry.field)
