"""How a record shows in a list: its title, subtitle, sort key and searchable text, per kind.

Pure functions: the caller passes ``name_of(record_id)`` to look up the title of a record this
one points to (a person's organisation, a registration's person …), so that this module needs
no storage.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from digikunta_tui.domain.finnish import format_datetime, sort_key
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


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(_text(item) for item in value)
    if isinstance(value, dict):
        return " ".join(_text(item) for item in value.values())
    return str(value)


def _choice(group: str, value: Any) -> str:
    return t(f"choice.{group}.{value}") if value else ""


def _key(*parts: str) -> str:
    """A Finnish sort key of several parts compared in order (stored as TEXT, binary order)."""
    return SORT_SEPARATOR.join(sort_key(part)[0] for part in parts) + "\x00" + "".join(parts)


def person_name(fields: Mapping[str, Any]) -> str:
    """A person's display name: "Given Family"."""
    given = str(fields.get("given_name") or "")
    family = str(fields.get("family_name") or "")
    return f"{given} {family}".strip()


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
        target = fields.get(name)
        return (name_of(str(target)) or "") if target else ""

    extra = " ".join(_text(fields.get(name)) for name in TEXT_FIELDS.get(kind, ()))
    if kind == "person":
        title = person_name(fields)
        family = str(fields.get("family_name") or "")
        given = str(fields.get("given_name") or "")
        return Display(title, ref("organization"), _key(family, given), extra)
    if kind == "organization":
        title = str(fields.get("name") or "")
        return Display(title, _choice("organization_type", fields.get("type")), _key(title), extra)
    if kind == "webinar":
        title = str(fields.get("title") or "")
        starts = fields.get("starts_at")
        when = format_datetime(str(starts), get_language()) if starts else ""
        return Display(title, when, _key(title), extra)
    if kind == "story":
        title = str(fields.get("title") or "")
        parts = [ref("organization"), _choice("story_stage", fields.get("stage"))]
        return Display(title, " · ".join(p for p in parts if p), _key(title), extra)
    if kind == "registration":
        title = ref("person")
        return Display(title, ref("webinar"), _key(title), extra)
    if kind == "consent":
        title = ref("person")
        purpose = _choice("consent_purpose", fields.get("purpose"))
        action = _choice("consent_action", fields.get("action"))
        return Display(title, f"{purpose}: {action}", _key(title, str(fields.get("at") or "")), "")
    if kind == "indicator":
        title = str(fields.get("name") or "")
        return Display(title, ref("story"), _key(title), extra)
    if kind == "newsletter":
        title = str(fields.get("title") or "")
        number = fields.get("number")
        subtitle = " · ".join(p for p in (f"#{number}" if number else "", ref("webinar")) if p)
        return Display(title, subtitle, _key(title), extra)
    title = str(fields.get("name") or fields.get("title") or "")
    return Display(title, "", _key(title), extra)
