"""How a record shows in a list: its title, subtitle, sort key and searchable text, per kind.

Stored values are read with the lenient readers of :mod:`stored`: a value that cannot be read
is shown degraded ("invalid date: …") and the rest of the record is listed and searchable.

Pure functions: the caller passes ``name_of(record_id)`` to look up the title of a record this
one points to (a person's organisation, a registration's person …), so that this module needs
no storage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from digikunta_tui.domain.finnish import format_datetime, sort_key
from digikunta_tui.domain.stored import (
    Invalid,
    raw_text,
    read_id,
    read_int,
    read_moment,
    searchable,
    shown,
    text_of,
)
from digikunta_tui.i18n import get_language, t

NameLookup = Callable[[str], str | None]
"""Returns the display title of a record id, or None when there is no such live record."""

SORT_SEPARATOR = "\x01"
"""Between the parts of a composite sort key (family name, given name): sorts before any text."""

TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "organization": ("municipality_code", "business_id"),
    "person": ("job_title", "email", "phone", "notes"),
    "consent": ("purpose", "action", "wording"),
    "webinar": ("theme", "platform", "instructions", "presenters"),
    "registration": (),
    "newsletter": ("body",),
    "story": (
        "unit",
        "profession",
        "problem",
        "goal",
        "what_was_done",
        "digital_tools",
        "themes",
        "lessons",
        "next_steps",
    ),
    "indicator": ("unit", "calculation"),
}
"""Per kind, the fields whose text is searchable besides the title and subtitle."""


@dataclass(frozen=True, slots=True)
class Display:
    """What a list shows and sorts by for one record."""

    title: str
    subtitle: str
    sort_key: str
    text: str
    """Searchable text besides title and subtitle (notes, descriptions …)."""


def _choice(group: str, value: Any) -> str:
    """A choice's label; an unknown word literally, a value that is no word degraded."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        return Invalid(value).label()
    key = f"choice.{group}.{value}"
    label = t(key)
    return value if label == key else label


def _key(*parts: str) -> str:
    """A Finnish sort key of several parts compared in order (stored as TEXT, binary order)."""
    return SORT_SEPARATOR.join(sort_key(part)[0] for part in parts) + "\x00" + "".join(parts)


def person_name(fields: Mapping[str, Any]) -> str:
    """A person's display name: "Given Family" (a part that is not text shown degraded)."""
    given = text_of(fields.get("given_name"))
    family = text_of(fields.get("family_name"))
    return f"{given} {family}".strip()


def when_text(value: Any, lang: str) -> str:
    """A stored instant as "7.11.2017 klo 12.00" ("" when unset, degraded when unreadable)."""
    return shown(read_moment(value), lambda moment: format_datetime(moment, lang))


def describe(kind: str, fields: Mapping[str, Any], name_of: NameLookup) -> Display:
    """Return the title, subtitle, sort key and searchable text of one record.

    Args:
        kind: the record kind.
        fields: the record's stored fields.
        name_of: title of a referenced record id (None if there is none).

    Returns:
        A ``Display``; unknown kinds get their id-less best effort (a ``name`` or ``title``).
    """

    def ref(name: str) -> str:
        """The title of the record that field ``name`` points to ("" if none)."""
        target = read_id(fields.get(name))
        if isinstance(target, Invalid):
            return target.label()
        return (name_of(target) or "") if target else ""

    def text(name: str) -> str:
        return text_of(fields.get(name))

    extra = " ".join(searchable(fields.get(name)) for name in TEXT_FIELDS.get(kind, ()))
    if kind == "person":
        title = person_name(fields)
        return Display(
            title, ref("organization"), _key(text("family_name"), text("given_name")), extra
        )
    if kind == "organization":
        title = text("name")
        return Display(title, _choice("organization_type", fields.get("type")), _key(title), extra)
    if kind == "webinar":
        title = text("title")
        return Display(
            title, when_text(fields.get("starts_at"), get_language()), _key(title), extra
        )
    if kind == "story":
        title = text("title")
        parts = [ref("organization"), _choice("story_stage", fields.get("stage"))]
        return Display(title, " · ".join(p for p in parts if p), _key(title), extra)
    if kind == "registration":
        title = ref("person")
        return Display(title, ref("webinar"), _key(title), extra)
    if kind == "consent":
        title = ref("person")
        purpose = _choice("consent_purpose", fields.get("purpose"))
        action = _choice("consent_action", fields.get("action"))
        at = raw_text(fields.get("at") or "")
        return Display(title, f"{purpose}: {action}", _key(title, at), "")
    if kind == "indicator":
        title = text("name")
        return Display(title, ref("story"), _key(title), extra)
    if kind == "newsletter":
        title = text("title")
        number = shown(read_int(fields.get("number")), lambda value: f"#{value}")
        subtitle = " · ".join(p for p in (number, ref("webinar")) if p)
        return Display(title, subtitle, _key(title), extra)
    title = text_of(fields.get("name") or fields.get("title"))
    return Display(title, "", _key(title), extra)
