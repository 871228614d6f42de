"""Export lists to CSV through the repository (no textual; used by the palette)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path
from typing import Any

from digikunta_tui.domain.stored import raw_text, read_id, text_of

_PAGE = 1000

_PERSON_COLUMNS = (
    "given_name",
    "family_name",
    "organization",
    "job_title",
    "email",
    "phone",
    "roles",
)


def _cell(value: Any) -> str:
    """A CSV cell; a leading = + - @ is quoted with ' so spreadsheets do not run it as a formula."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = ", ".join(value)
    text = "" if value is None else raw_text(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def export_members_csv(repo: Any, folder: Path, *, now: datetime) -> Path:
    """Write every person (organisation by name) to ``digikunta-members-YYYYMMDD-HHMMSS.csv``.

    Args:
        repo: the Repository.
        folder: where to write (the app passes the current directory).
        now: the time stamped into the file name.

    Returns:
        The path written.
    """
    path = folder / f"digikunta-members-{now:%Y%m%d-%H%M%S}.csv"
    org_names: dict[str, str] = {}
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(_PERSON_COLUMNS)
        offset = 0
        while True:
            rows = repo.page("person", offset=offset, limit=_PAGE)
            for row in rows:
                fields = dict(row.fields or repo.get("person", row.id) or {})
                org_id = read_id(fields.get("organization"))
                if isinstance(org_id, str) and org_id not in org_names:
                    org = repo.get("organization", org_id) or {}
                    org_names[org_id] = text_of(org.get("name"))
                fields["organization"] = (
                    org_names.get(org_id, "") if isinstance(org_id, str) else ""
                )
                writer.writerow([_cell(fields.get(column)) for column in _PERSON_COLUMNS])
            if len(rows) < _PAGE:
                break
            offset += _PAGE
    return path
