"""Members of the network: organisations, people and people's consent events."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field

from digikunta_tui.domain.models_fields import (
    BusinessId,
    Day,
    DomainModel,
    Email,
    Flag,
    IdList,
    Line,
    Moment,
    MunicipalityCode,
    Phone,
    RecordId,
    RegionCode,
    Text,
    Unique,
)


class OrganizationType(StrEnum):
    """What kind of organisation a member is."""

    MUNICIPALITY = "municipality"
    REGIONAL_COUNCIL = "regional_council"
    CONSULTANCY = "consultancy"
    FUNDER = "funder"
    COMPANY = "company"
    ASSOCIATION = "association"
    OTHER = "other"


class Role(StrEnum):
    """A person's roles in the network. Never a union membership (special-category data)."""

    MANAGEMENT = "management"
    STAFF_REPRESENTATIVE = "staff_representative"
    STAFF = "staff"
    WORKING_COMMITTEE = "working_committee"
    NETWORK_LEAD = "network_lead"
    FACILITATOR = "facilitator"
    FUNDER_CONTACT = "funder_contact"


class ConsentPurpose(StrEnum):
    """What a consent event is about."""

    NEWSLETTER = "newsletter"
    WEBINAR_INVITATIONS = "webinar_invitations"
    STORY_PUBLICATION = "story_publication"
    PHOTO = "photo"


class ConsentAction(StrEnum):
    """What the person decided."""

    GRANTED = "granted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class ConsentSource(StrEnum):
    """Where the decision was recorded."""

    WEB_FORM = "web_form"
    REGISTRATION = "registration"
    MANUAL = "manual"


class Organization(DomainModel):
    """A member organisation (``organization`` record)."""

    name: Line
    type: OrganizationType
    municipality_code: MunicipalityCode | None = None
    region_code: RegionCode | None = None
    business_id: BusinessId | None = None
    joined_on: Day | None = None
    active: Flag = True


class Person(DomainModel):
    """A person in a member organisation (``person`` record)."""

    given_name: Line
    family_name: Line
    organization: RecordId | None = None
    roles: Annotated[list[Role], Unique] = Field(default_factory=list)
    job_title: Line | None = None
    email: Email | None = None
    phone: Phone | None = None
    notes: Text | None = None


class Consent(DomainModel):
    """One append-only consent event (``consent`` record); the rule is in :mod:`consent`.

    ``follows`` holds the ids of the person's current events for the purpose when this one was
    recorded (``[]`` for the first, kept as such); None (absent) for older data and imports.
    """

    person: RecordId
    purpose: ConsentPurpose
    action: ConsentAction
    at: Moment
    source: ConsentSource | None = None
    wording: Text | None = None
    follows: IdList | None = None

    def to_fields(self) -> dict[str, Any]:
        """The stored fields; an empty ``follows`` is kept (it means "the first event")."""
        fields = super().to_fields()
        if self.follows is not None:
            fields["follows"] = list(self.follows)
        return fields
