"""Impact totals of the experiment stories: euros saved and working hours saved.

Rules (all arithmetic in ``Decimal``):

- Only ``savings_eur`` and ``time_saved_h`` indicators count, and only once measured: the
  figure is the **latest measurement** compared with the **baseline** (0 when there is none).
- ``direction: increase`` means the indicator counts the saving itself ("€ saved per year"):
  saving = latest − baseline. ``direction: decrease`` means it counts a cost ("€ spent",
  "hours used"): saving = baseline − latest, and without a baseline nothing can be said, so it
  counts 0. A negative result (things got worse) is kept: totals stay honest.
- Euros: ``per_year`` and ``one_off`` savings are summed apart (``savings_per_year_eur`` and
  ``savings_one_off_eur``); an indicator without ``recurrence`` counts as one-off.
  ``total_savings_eur`` is **first-year savings** = one year of the recurring savings + the
  one-off savings; nothing is extrapolated further.
- Hours are summed as measured (their period is whatever the indicator's unit says).
- Per organisation: by the story's organisation; stories without one are grouped under "".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from digikunta_tui.domain.finnish import sort_key
from digikunta_tui.domain.indicators import IndicatorFigures, read_indicator, saving

ZERO = Decimal(0)


@dataclass(frozen=True)
class Impact:
    """Totals over all stories, and per organisation."""

    total_savings_eur: Decimal
    """First-year savings: per-year savings once plus one-off savings."""
    total_hours_saved: Decimal
    per_organization: list[tuple[str, str, Decimal, Decimal]]
    """(organisation id, name, savings €, hours saved), in Finnish order of name."""
    savings_per_year_eur: Decimal = ZERO
    savings_one_off_eur: Decimal = ZERO
    progress: dict[str, float | None] = field(default_factory=dict)
    """Indicator id → progress towards its target (0 at baseline, 1 at target), or None."""


def compute_impact(
    indicators: Iterable[tuple[str, Mapping[str, Any]]],
    story_organization: Mapping[str, str],
    organization_names: Mapping[str, str],
) -> Impact:
    """Sum savings and hours per organisation and in total.

    Args:
        indicators: every live indicator ``(id, fields)``; figures that cannot be read (an
            odd value that arrived by sync) count nothing, the rest of the indicator still does.
        story_organization: story id → its organisation id ("" when it has none).
        organization_names: organisation id → name.
    """

    def grouped() -> Iterable[tuple[str, IndicatorFigures, str]]:
        for rid, fields in indicators:
            figures = read_indicator(fields)
            story = figures.story if isinstance(figures.story, str) else ""
            yield rid, figures, story_organization.get(story, "")

    return add_up(grouped(), organization_names)


def add_up(
    items: Iterable[tuple[str, IndicatorFigures, str]],
    group_names: Mapping[str, str],
    *,
    progress: bool = True,
) -> Impact:
    """:func:`compute_impact` over indicators already read: ``(id, figures, group key)``.

    The report sums the same figures by organisation and by theme without reading them again;
    ``per_organization`` then holds its groups (key, name from ``group_names``, €, hours).
    ``progress=False``: the sums only (``progress`` left empty).
    """
    per_year = one_off = hours = ZERO
    per_group: dict[str, list[Decimal]] = {}
    progresses: dict[str, float | None] = {}
    for rid, figures, group in items:
        if progress:
            progresses[rid] = None if figures.progress is None else float(figures.progress)
        if figures.category not in ("savings_eur", "time_saved_h"):
            continue
        amount = saving(figures)
        if amount is None:
            continue
        sums = per_group.setdefault(group, [ZERO, ZERO])
        if figures.category == "time_saved_h":
            hours += amount
            sums[1] += amount
        else:
            if figures.recurrence == "per_year":
                per_year += amount
            else:
                one_off += amount
            sums[0] += amount
    rows = [(key, group_names.get(key, ""), sums[0], sums[1]) for key, sums in per_group.items()]
    rows.sort(key=lambda row: (sort_key(row[1]), row[0]))
    return Impact(per_year + one_off, hours, rows, per_year, one_off, progresses)
