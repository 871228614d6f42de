"""Showing untrusted text safely, and the labels of kinds, fields and choices.

Every value that comes from records is shown through :func:`safe` or :func:`literal`: a
``rich.text.Text`` is never parsed as markup, and control characters (terminal escapes) are
replaced by their visible Unicode "control pictures" so they cannot reach the terminal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.text import Text

from digikunta_tui.i18n import t

_CONTROL_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_CONTROL_PICTURES[0x7F] = "\u2421"
_CONTROL_PICTURES.update({code: "\ufffd" for code in range(0x80, 0xA0)})
# Bidirectional overrides could reorder what people read; show them as replacement marks.
_CONTROL_PICTURES.update({code: "\ufffd" for code in (0x202A, 0x202B, 0x202C, 0x202D, 0x202E)})
_CONTROL_PICTURES.update({code: "\ufffd" for code in (0x2066, 0x2067, 0x2068, 0x2069)})


def literal(value: Any, *, multiline: bool = False) -> str:
    """Return ``value`` as a string whose control characters are made visible.

    Args:
        value: any value from a record (``None`` gives ``""``).
        multiline: keep line feeds (for detail panes); otherwise they become visible too.

    Returns:
        Text that is safe to hand to a widget with markup disabled.
    """
    if value is None:
        return ""
    text = str(value)
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
    """Translated label of an enum value; unknown values are shown literally."""
    key = f"choice.{enum}.{value}"
    text = t(key)
    return literal(value) if text == key else text


def choices(enum: str, values: Iterable[Any] | None) -> str:
    """Comma-separated translated labels of a list of enum values."""
    return ", ".join(choice_label(enum, value) for value in values or [])


def webinar_when(fields: dict[str, Any], lang: str) -> str:
    """ "12.12.2017 klo 12–14" (date and Helsinki time range) of a webinar's fields, or ""."""
    from digikunta_tui.domain.finnish import format_date, format_time_range

    starts_at = fields.get("starts_at")
    if not starts_at:
        return ""
    minutes = fields.get("duration_minutes") or 60
    return f"{format_date(starts_at, lang)} {format_time_range(starts_at, minutes, lang)}"
