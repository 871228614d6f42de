"""An indicator's figures read from its stored fields, whatever they hold (no pydantic).

One place for the rule the impact totals, the stories view and the newsletter share: the
latest measurement (by date; the later one in the list on a tie) against the baseline and the
target, and the progress between them. A figure that cannot be read is an
:class:`~digikunta_tui.domain.stored.Invalid` (shown degraded, never counted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from digikunta_tui.domain.stored import (
    Invalid,
    is_blank,
    objects_of,
    read_choice,
    read_date,
    read_decimal,
    read_id,
)

Figure = Decimal | Invalid | None

CATEGORIES = ("savings_eur", "time_saved_h", "customer_benefit", "joy_of_work", "quality", "other")
DIRECTIONS = ("increase", "decrease")
RECURRENCES = ("one_off", "per_year")
LEVELS = ("input", "output", "outcome", "impact")
"""The logic chain in its order: input → output → outcome → impact."""


@dataclass(frozen=True, slots=True)
class IndicatorFigures:
    """What an indicator's stored fields say, each part read on its own.

    Attributes:
        story: the story id (None or ``Invalid`` when unreadable).
        category, direction, recurrence: the choices (None when not set, ``Invalid`` when odd).
        baseline, target: the values of the baseline and the target.
        latest: the value of the latest measurement.
        progress: (latest − baseline) / (target − baseline), None when it cannot be computed.
    """

    story: str | Invalid | None
    category: str | Invalid | None
    direction: str | Invalid | None
    recurrence: str | Invalid | None
    baseline: Figure
    target: Figure
    latest: Figure
    progress: Decimal | None


def _dated_value(value: Any) -> Figure:
    """The value of a stored ``{value, date}`` (a baseline or a target)."""
    if is_blank(value) or value == {}:
        return None
    if not isinstance(value, dict):
        return Invalid(value, "number")
    figure = read_decimal(value.get("value"))
    return Invalid(value, "number") if figure is None else figure


def _latest(measurements: Any) -> Figure:
    """The value of the latest measurement; ``Invalid`` when any measurement is unreadable.

    One unreadable measurement makes the latest one unknown (it may be the latest), so
    nothing is counted from a list that holds one.
    """
    items = objects_of(measurements)
    if items is None or isinstance(items, Invalid):
        return items
    latest: tuple[date, Decimal] | None = None
    for item in items:
        when, value = read_date(item.get("date")), read_decimal(item.get("value"))
        if not isinstance(when, date) or not isinstance(value, Decimal):
            return Invalid(item, "number")
        if latest is None or when >= latest[0]:
            latest = (when, value)
    return None if latest is None else latest[1]


def _progress(latest: Figure, baseline: Figure, target: Figure) -> Decimal | None:
    if not isinstance(latest, Decimal) or not isinstance(baseline, Decimal):
        return None
    if not isinstance(target, Decimal) or target == baseline:
        return None
    return (latest - baseline) / (target - baseline)


def read_indicator(fields: Mapping[str, Any]) -> IndicatorFigures:
    """Read an indicator's figures from its stored fields (never raises)."""
    return figures_of(fields, _latest(fields.get("measurements")))


def figures_of(fields: Mapping[str, Any], latest: Figure) -> IndicatorFigures:
    """:func:`read_indicator` with the value of the latest measurement already read by its
    rule (the report reads every measurement for its chart, and reads them once)."""
    baseline = _dated_value(fields.get("baseline"))
    target = _dated_value(fields.get("target"))
    return IndicatorFigures(
        story=read_id(fields.get("story")),
        category=read_choice(fields.get("category"), CATEGORIES),
        direction=read_choice(fields.get("direction"), DIRECTIONS),
        recurrence=read_choice(fields.get("recurrence"), RECURRENCES),
        baseline=baseline,
        target=target,
        latest=latest,
        progress=_progress(latest, baseline, target),
    )


def saving(figures: IndicatorFigures) -> Decimal | None:
    """The saving an indicator shows by the rules of :mod:`impact`, or None if it shows none.

    ``increase``: latest − baseline (0 without one); ``decrease``: baseline − latest (nothing
    without a baseline). An unreadable latest value, baseline or direction shows nothing.
    """
    latest, baseline = figures.latest, figures.baseline
    if not isinstance(latest, Decimal) or isinstance(baseline, Invalid):
        return None
    if figures.direction == "increase":
        return latest - (baseline if baseline is not None else Decimal(0))
    if figures.direction == "decrease" and baseline is not None:
        return baseline - latest
    return None
