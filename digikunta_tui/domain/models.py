"""The typed models over record ``fields``, one per record kind (see docs/records.md).

Each model validates the ``fields`` of a record, never its id or kind. Writing is strict (an
unknown field is an error); reading with ``from_fields`` ignores fields a newer app version wrote.
"""

from __future__ import annotations

from typing import Any

from digikunta_tui.domain.kinds import REFERENCES
from digikunta_tui.domain.models_events import (
    Newsletter,
    NewsletterStatus,
    Registration,
    Webinar,
    WebinarStatus,
    attendance_allowed,
)
from digikunta_tui.domain.models_fields import DomainModel
from digikunta_tui.domain.models_members import (
    Consent,
    ConsentAction,
    ConsentPurpose,
    ConsentSource,
    Organization,
    OrganizationType,
    Person,
    Role,
)
from digikunta_tui.domain.models_stories import (
    DatedValue,
    Direction,
    Indicator,
    IndicatorCategory,
    IndicatorLevel,
    Measurement,
    MeasurementMethod,
    Recurrence,
    Story,
    StoryStage,
    latest_measurement,
    latest_value,
    progress,
)

MODELS: dict[str, type[DomainModel]] = {
    "organization": Organization,
    "person": Person,
    "consent": Consent,
    "webinar": Webinar,
    "registration": Registration,
    "newsletter": Newsletter,
    "story": Story,
    "indicator": Indicator,
}
"""Record kind → the model of its fields."""


def model_for(kind: str) -> type[DomainModel]:
    """Return the model of a record kind.

    Raises:
        KeyError: ``kind`` is not a known record kind.
    """
    return MODELS[kind]


def from_fields(kind: str, fields: dict[str, Any]) -> DomainModel:
    """Read a stored record's fields into its model, ignoring fields this version does not know.

    Raises:
        KeyError: unknown kind.
        pydantic.ValidationError: a known field holds an invalid value.
    """
    return model_for(kind).from_fields(fields)


def to_fields(model: DomainModel) -> dict[str, Any]:
    """Return a model's fields as JSON-ready values in the docs/records.md representation.

    Dates are ISO, date-times UTC with ``Z``, decimals strings, enums their values; ``None``
    values are omitted.
    """
    return model.to_fields()


__all__ = [
    "MODELS",
    "REFERENCES",
    "Consent",
    "ConsentAction",
    "ConsentPurpose",
    "ConsentSource",
    "DatedValue",
    "Direction",
    "DomainModel",
    "Indicator",
    "IndicatorCategory",
    "IndicatorLevel",
    "Measurement",
    "MeasurementMethod",
    "Newsletter",
    "NewsletterStatus",
    "Organization",
    "OrganizationType",
    "Person",
    "Recurrence",
    "Registration",
    "Role",
    "Story",
    "StoryStage",
    "Webinar",
    "WebinarStatus",
    "attendance_allowed",
    "from_fields",
    "latest_measurement",
    "latest_value",
    "model_for",
    "progress",
    "to_fields",
]
