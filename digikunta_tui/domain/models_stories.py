"""Experiment stories and the indicators that measure their impact."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from digikunta_tui.domain.models_fields import (
    MAX_LIST,
    Day,
    DecimalValue,
    DomainModel,
    Flag,
    IdList,
    Line,
    LineList,
    RecordId,
    Text,
)


class StoryStage(StrEnum):
    """How far an experiment has come."""

    IDEA = "idea"
    RUNNING = "running"
    ENDED = "ended"
    ESTABLISHED = "established"


class IndicatorLevel(StrEnum):
    """What an indicator measures, along the logic chain: what was put in (input), its direct
    output, the outcome and the wider impact."""

    INPUT = "input"
    OUTPUT = "output"
    OUTCOME = "outcome"
    IMPACT = "impact"


class IndicatorCategory(StrEnum):
    """The kind of benefit an indicator measures."""

    SAVINGS_EUR = "savings_eur"
    TIME_SAVED_H = "time_saved_h"
    CUSTOMER_BENEFIT = "customer_benefit"
    JOY_OF_WORK = "joy_of_work"
    QUALITY = "quality"
    OTHER = "other"


class Direction(StrEnum):
    """Whether a bigger or a smaller value is better."""

    INCREASE = "increase"
    DECREASE = "decrease"


class MeasurementMethod(StrEnum):
    """How a measured value was obtained."""

    MEASURED = "measured"
    ESTIMATED = "estimated"
    SURVEY = "survey"
    SELF_REPORTED = "self_reported"


class Recurrence(StrEnum):
    """Whether a saving happens once or every year (``savings_eur`` indicators)."""

    ONE_OFF = "one_off"
    PER_YEAR = "per_year"


class Story(DomainModel):
    """An experiment ("digital leap") told by the staff who made it (``story`` record)."""

    title: Line
    organization: RecordId | None = None
    unit: Line | None = None
    profession: Line | None = None
    authors: IdList = Field(default_factory=list)
    problem: Text | None = None
    goal: Text | None = None
    what_was_done: Text | None = None
    digital_tools: LineList = Field(default_factory=list)
    stage: StoryStage
    start: Day | None = None
    end: Day | None = None
    themes: LineList = Field(default_factory=list)
    lessons: Text | None = None
    next_steps: Text | None = None
    spread_to: IdList = Field(default_factory=list)
    publication_consent: Flag | None = None

    @model_validator(mode="after")
    def _end_not_before_start(self) -> Self:
        if self.start is not None and self.end is not None and self.end < self.start:
            raise PydanticCustomError(
                "validation.end_before_start",
                "The end date is before the start date",
                {"field": "end"},
            )
        return self


class DatedValue(DomainModel):
    """A value at a date: an indicator's baseline or target."""

    value: DecimalValue
    date: Day | None = None


class Measurement(DomainModel):
    """One measured value of an indicator."""

    value: DecimalValue
    date: Day
    method: MeasurementMethod | None = None


class Indicator(DomainModel):
    """An impact indicator of a story (``indicator`` record)."""

    story: RecordId
    level: IndicatorLevel
    category: IndicatorCategory
    name: Line
    unit: Line | None = None
    direction: Direction
    baseline: DatedValue | None = None
    target: DatedValue | None = None
    measurements: Annotated[list[Measurement], Field(max_length=MAX_LIST)] = Field(
        default_factory=list
    )
    recurrence: Recurrence | None = None
    calculation: Text | None = None


def latest_measurement(indicator: Indicator) -> Measurement | None:
    """Return the measurement with the latest date (the later one in the list on a tie)."""
    latest: Measurement | None = None
    for measurement in indicator.measurements:
        if latest is None or measurement.date >= latest.date:
            latest = measurement
    return latest


def latest_value(indicator: Indicator) -> Decimal | None:
    """Return the value of the latest measurement, or ``None`` when nothing has been measured."""
    latest = latest_measurement(indicator)
    return None if latest is None else latest.value


def progress(indicator: Indicator) -> float | None:
    """Return (latest − baseline) / (target − baseline): 0 at baseline, 1 at target.

    Works for both directions (a decrease has a negative denominator). ``None`` when there is
    no baseline, target or measurement, or when the target equals the baseline.
    """
    latest = latest_value(indicator)
    if latest is None or indicator.baseline is None or indicator.target is None:
        return None
    span = indicator.target.value - indicator.baseline.value
    if span == 0:
        return None
    return float((latest - indicator.baseline.value) / span)
