"""What input each field of each record kind gets in a form, and how values travel.

Pure logic (no widgets): the widget kind of every field, and the conversions between stored
values (docs/records.md) and what a form shows (Finnish ``7.11.2017`` dates, Helsinki times).
The repository validates and normalises whatever the form hands back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from digikunta_tui.domain.finnish import to_helsinki
from digikunta_tui.domain.stored import Invalid, raw_text, read_date, read_moment
from digikunta_tui.domain.validation import KIND_FIELDS

LINE, TEXT, MARKDOWN, CHOICE, FLAG, DATE, DATETIME, INTEGER = (
    "line",
    "text",
    "markdown",
    "choice",
    "flag",
    "date",
    "datetime",
    "integer",
)
ROLES, WORDS, REF, REFS, DATED, MEASUREMENTS = (
    "roles",
    "words",
    "ref",
    "refs",
    "dated",
    "measurements",
)

_ENUMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "organization.type": (
        "organization_type",
        (
            "municipality",
            "regional_council",
            "consultancy",
            "funder",
            "company",
            "association",
            "other",
        ),
    ),
    "consent.purpose": (
        "consent_purpose",
        ("newsletter", "webinar_invitations", "story_publication", "photo"),
    ),
    "consent.action": ("consent_action", ("granted", "declined", "withdrawn")),
    "consent.source": ("consent_source", ("web_form", "registration", "manual")),
    "webinar.status": ("webinar_status", ("planned", "held", "cancelled")),
    "newsletter.status": ("newsletter_status", ("draft", "sent")),
    "story.stage": ("story_stage", ("idea", "running", "ended", "established")),
    "indicator.level": ("indicator_level", ("input", "output", "outcome", "impact")),
    "indicator.category": (
        "indicator_category",
        ("savings_eur", "time_saved_h", "customer_benefit", "joy_of_work", "quality", "other"),
    ),
    "indicator.direction": ("direction", ("increase", "decrease")),
    "indicator.recurrence": ("recurrence", ("one_off", "per_year")),
}

ROLE_VALUES = (
    "management",
    "staff_representative",
    "staff",
    "working_committee",
    "network_lead",
    "facilitator",
    "funder_contact",
)
"""Person roles in the order the form lists them."""

METHOD_VALUES = ("measured", "estimated", "survey", "self_reported")
"""Measurement methods in the order the form lists them."""

_WIDGETS: dict[str, str] = {
    "organization.joined_on": DATE,
    "organization.active": FLAG,
    "person.organization": REF,
    "person.roles": ROLES,
    "person.notes": TEXT,
    "consent.person": REF,
    "consent.at": DATETIME,
    "consent.wording": TEXT,
    "webinar.starts_at": DATETIME,
    "webinar.duration_minutes": INTEGER,
    "webinar.instructions": TEXT,
    "webinar.prepared_by": REFS,
    "webinar.presenters": WORDS,
    "registration.webinar": REF,
    "registration.person": REF,
    "registration.registered_at": DATETIME,
    "registration.attended_minutes": INTEGER,
    "newsletter.number": INTEGER,
    "newsletter.webinar": REF,
    "newsletter.stories": REFS,
    "newsletter.body": MARKDOWN,
    "newsletter.published_on": DATE,
    "story.organization": REF,
    "story.authors": REFS,
    "story.problem": MARKDOWN,
    "story.goal": MARKDOWN,
    "story.what_was_done": MARKDOWN,
    "story.digital_tools": WORDS,
    "story.start": DATE,
    "story.end": DATE,
    "story.themes": WORDS,
    "story.lessons": MARKDOWN,
    "story.next_steps": MARKDOWN,
    "story.spread_to": REFS,
    "story.publication_consent": FLAG,
    "indicator.story": REF,
    "indicator.baseline": DATED,
    "indicator.target": DATED,
    "indicator.measurements": MEASUREMENTS,
    "indicator.calculation": TEXT,
}

_REF_KINDS: dict[str, str] = {
    "organization": "organization",
    "person": "person",
    "webinar": "webinar",
    "story": "story",
    "prepared_by": "person",
    "authors": "person",
    "stories": "story",
    "spread_to": "organization",
}

HIDDEN: dict[str, set[str]] = {"webinar": {"ical_uid", "ical_sequence"}, "consent": {"follows"}}
"""Fields the app maintains itself (calendar identity, what a consent event follows)."""


@dataclass(frozen=True)
class FieldSpec:
    """How one field is edited."""

    kind: str
    """The record kind."""
    name: str
    """The field name."""
    widget: str
    """One of the widget constants of this module (``LINE``, ``CHOICE`` …)."""
    enum: str = ""
    """For choices: the catalogue group of the labels (``choice.<enum>.<value>``)."""
    values: tuple[str, ...] = ()
    """For choices: the allowed values in display order."""
    ref_kind: str = ""
    """For references: the kind of the records pointed at."""


def field_specs(kind: str) -> list[FieldSpec]:
    """Return the editable fields of ``kind`` in form order (``KIND_FIELDS`` minus hidden)."""
    specs: list[FieldSpec] = []
    for name in KIND_FIELDS[kind]:
        if name in HIDDEN.get(kind, set()):
            continue
        key = f"{kind}.{name}"
        if key in _ENUMS:
            enum, values = _ENUMS[key]
            specs.append(FieldSpec(kind, name, CHOICE, enum=enum, values=values))
            continue
        widget = _WIDGETS.get(key, LINE)
        ref_kind = _REF_KINDS.get(name, "") if widget in (REF, REFS) else ""
        specs.append(FieldSpec(kind, name, widget, ref_kind=ref_kind))
    return specs


def date_text(value: Any) -> str:
    """A stored ISO date as Finnish ``7.11.2017`` text ("" when empty).

    A value that cannot be read is shown as it is stored, so that the user can correct it.
    """
    day = read_date(value)
    if day is None:
        return ""
    if isinstance(day, Invalid):
        return day.text
    return f"{day.day}.{day.month}.{day.year}"


def datetime_text(value: Any) -> str:
    """A stored UTC instant as Helsinki ``7.11.2017 12.00`` text ("" when empty).

    A value that cannot be read is shown as it is stored, so that the user can correct it.
    """
    moment = read_moment(value)
    if moment is None:
        return ""
    if isinstance(moment, Invalid):
        return moment.text
    local = to_helsinki(moment)
    return f"{local.day}.{local.month}.{local.year} {local.hour}.{local.minute:02d}"


def editable_text(value: Any) -> str:
    """Any stored value as text to edit: a string as it is, anything else as JSON text."""
    return "" if value is None else raw_text(value)


def words_text(values: Any) -> str:
    """A list of strings as comma-separated text."""
    return ", ".join(str(value) for value in values or [])


def words_value(text: str) -> list[str]:
    """Comma-separated text as a list of the non-empty, stripped parts."""
    return [part.strip() for part in text.split(",") if part.strip()]


def is_blank(value: Any) -> bool:
    """True for the values a form treats as "nothing entered"."""
    return value is None or value == "" or value == [] or value == {}


def required_fields(kind: str) -> set[str]:
    """The required field names of ``kind``."""
    from digikunta_tui.domain.validation import REQUIRED

    return REQUIRED[kind]
