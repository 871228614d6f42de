"""Webinars, registrations to them, and the newsletters that document them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from digikunta_tui.domain.models_fields import (
    MAX_INTEGER,
    MAX_LIST,
    Body,
    Day,
    DomainModel,
    HttpsUrl,
    IdList,
    Line,
    Moment,
    RecordId,
    Text,
    Unique,
)

MAX_MINUTES = 24 * 60
"""No webinar (nor anyone's attendance) lasts longer than a day."""


class WebinarStatus(StrEnum):
    """Where a webinar is in its life."""

    PLANNED = "planned"
    HELD = "held"
    CANCELLED = "cancelled"


class NewsletterStatus(StrEnum):
    """Whether a newsletter has gone out."""

    DRAFT = "draft"
    SENT = "sent"


class Webinar(DomainModel):
    """A webinar prepared by the working committee (``webinar`` record)."""

    title: Line
    theme: Line | None = None
    starts_at: Moment
    duration_minutes: Annotated[int, Field(gt=0, le=MAX_MINUTES)] | None = None
    platform: Line | None = None
    join_link: HttpsUrl | None = None
    instructions: Text | None = None
    prepared_by: IdList = Field(default_factory=list)
    # Person ids or free-text names of outside presenters.
    presenters: Annotated[list[Line], Field(max_length=MAX_LIST), Unique] = Field(
        default_factory=list
    )
    status: WebinarStatus
    recording_link: HttpsUrl | None = None
    ical_uid: Line | None = None
    ical_sequence: Annotated[int, Field(ge=0, le=MAX_INTEGER)] | None = None


class Registration(DomainModel):
    """A person's registration to a webinar (``registration`` record)."""

    webinar: RecordId
    person: RecordId
    registered_at: Moment
    attended_minutes: Annotated[int, Field(ge=0, le=MAX_MINUTES)] | None = None


def attendance_allowed(webinar_status: str | None) -> bool:
    """Return whether attended minutes may be recorded: only once the webinar is held."""
    return webinar_status == WebinarStatus.HELD


class Newsletter(DomainModel):
    """A newsletter issue, typically documenting a webinar (``newsletter`` record)."""

    number: Annotated[int, Field(ge=1, le=MAX_INTEGER)]
    title: Line
    webinar: RecordId | None = None
    stories: IdList = Field(default_factory=list)
    body: Body | None = None
    status: NewsletterStatus
    published_on: Day | None = None
