"""Choices for the story filters, collected through public Repository methods only."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from digikunta_tui.domain.finnish import sort_key

MAX_STORIES_SCANNED = 5000
"""Facets are read from at most this many stories (the filter lists stay short anyway)."""


def story_facets(repo: Any) -> dict[str, list[tuple[str, str]]]:
    """Return the values the story filters offer.

    Returns:
        ``{"organization": [(name, id)], "unit": [(unit, unit)], "theme": [(theme, theme)]}``,
        each sorted in Finnish alphabetical order.
    """
    units: set[str] = set()
    themes: set[str] = set()
    org_ids: set[str] = set()
    offset = 0
    while offset < MAX_STORIES_SCANNED:
        rows = repo.page("story", offset=offset, limit=500)
        for row in rows:
            fields = row.fields or {}
            if fields.get("unit"):
                units.add(str(fields["unit"]))
            themes.update(str(theme) for theme in fields.get("themes") or [])
            if fields.get("organization"):
                org_ids.add(str(fields["organization"]))
        if len(rows) < 500:
            break
        offset += 500
    orgs = []
    for org_id in org_ids:
        org = repo.get("organization", org_id)
        if org is not None:
            orgs.append((str(org.get("name", "")), org_id))
    return {
        "organization": sorted(orgs, key=lambda pair: sort_key(pair[0])),
        "unit": [(unit, unit) for unit in sorted(units, key=sort_key)],
        "theme": [(theme, theme) for theme in sorted(themes, key=sort_key)],
    }


def _dec(value: Any) -> Decimal | None:
    if isinstance(value, dict):
        value = value.get("value")
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except (InvalidOperation, ValueError):
        return None


def indicator_figures(fields: dict[str, Any]) -> tuple[Decimal | None, ...]:
    """(baseline, latest, target, progress 0..1+) of an indicator's fields; None when unknown.

    Progress = (latest − baseline) / (target − baseline), as in the design.
    """
    baseline = _dec(fields.get("baseline"))
    target = _dec(fields.get("target"))
    measurements = [m for m in fields.get("measurements") or [] if isinstance(m, dict)]
    measurements.sort(key=lambda m: str(m.get("date") or ""))
    latest = _dec(measurements[-1]) if measurements else None
    progress = None
    if None not in (baseline, target, latest) and target != baseline:
        progress = (latest - baseline) / (target - baseline)  # type: ignore[operator]
    return baseline, latest, target, progress
