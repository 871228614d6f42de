"""Choices for the story filters, collected through public Repository methods only.

Values are read leniently (:mod:`digikunta_tui.domain.stored`): odd ones offer no choice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from digikunta_tui.domain.finnish import sort_key
from digikunta_tui.domain.stored import items_of, read_id, read_text, text_of

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository

MAX_STORIES_SCANNED = 5000
"""Facets are read from at most this many stories (the filter lists stay short anyway)."""


def story_facets(repo: Repository) -> dict[str, list[tuple[str, str]]]:
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
            if isinstance(unit := read_text(fields.get("unit")), str):
                units.add(unit)
            themes.update(items_of(fields.get("themes")))
            if isinstance(org_id := read_id(fields.get("organization")), str):
                org_ids.add(org_id)
        if len(rows) < 500:
            break
        offset += 500
    orgs = []
    for org_id in org_ids:
        org = repo.get("organization", org_id)
        if org is not None:
            orgs.append((text_of(org.get("name")), org_id))
    return {
        "organization": sorted(orgs, key=lambda pair: sort_key(pair[0])),
        "unit": [(unit, unit) for unit in sorted(units, key=sort_key)],
        "theme": [(theme, theme) for theme in sorted(themes, key=sort_key)],
    }
