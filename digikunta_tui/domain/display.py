"""How a record shows in a list, in the current UI language: title, subtitle, sort key, text.

The language-neutral form is made by :mod:`listing` (that is what the search index stores);
this module renders it in the language of :func:`~digikunta_tui.i18n.get_language`, and formats
names and instants for the screens.

Stored values are read with the lenient readers of :mod:`stored`: a value that cannot be read
is shown degraded ("invalid date: …") and the rest of the record is listed and searchable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from digikunta_tui.domain.finnish import format_datetime
from digikunta_tui.domain.listing import (
    SORT_SEPARATOR,
    TEXT_FIELDS,
    NameLookup,
    listing,
    render,
)
from digikunta_tui.domain.stored import read_moment, shown, text_of
from digikunta_tui.i18n import get_language

__all__ = [
    "SORT_SEPARATOR",
    "TEXT_FIELDS",
    "Display",
    "NameLookup",
    "describe",
    "person_name",
    "when_text",
]


@dataclass(frozen=True, slots=True)
class Display:
    """What a list shows and sorts by for one record."""

    title: str
    subtitle: str
    sort_key: str
    text: str
    """Searchable text besides title and subtitle (notes, descriptions …)."""


def person_name(fields: Mapping[str, Any]) -> str:
    """A person's display name: "Given Family" (a part that is not text shown degraded)."""
    given = text_of(fields.get("given_name"))
    family = text_of(fields.get("family_name"))
    return f"{given} {family}".strip()


def when_text(value: Any, lang: str) -> str:
    """A stored instant as "7.11.2017 klo 12.00" ("" when unset, degraded when unreadable)."""
    return shown(read_moment(value), lambda moment: format_datetime(moment, lang))


def describe(kind: str, fields: Mapping[str, Any], name_of: NameLookup) -> Display:
    """Return the title, subtitle, sort key and searchable text of one record, as shown now.

    Args:
        kind: the record kind.
        fields: the record's stored fields.
        name_of: title of a referenced record id (None if there is none).

    Returns:
        A ``Display`` in the current UI language; unknown kinds get their best effort (a
        ``name`` or ``title``).
    """
    found = listing(kind, fields, name_of)
    lang = get_language()
    return Display(
        render(found.title, lang), render(found.subtitle, lang), found.sort_key, found.text
    )
