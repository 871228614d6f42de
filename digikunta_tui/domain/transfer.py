"""CSV and JSON export and import of records, as spreadsheet users expect them.

CSV: a header row (``id`` then the kind's fields in ``KIND_FIELDS`` order), one row per record,
lists joined with ``"; "`` (as a JSON list when an item itself holds a ``;``), nested values
(an indicator's baseline, target and measurements) as JSON text. A cell that a spreadsheet would
run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a
leading ``'``; the import removes exactly that one quote again, so export → import is lossless.

The import validates every row first (``validate_record`` plus the repository's rules: unique
email among live people, references to live records of the right kind) and writes nothing if
any row fails; otherwise all rows are written in one transaction. No textual imports here.

This module exports; the cells are :mod:`transfer_cells`, reading files :mod:`transfer_read`,
importing rows :mod:`transfer_import` (all importable from here), spreadsheets
:mod:`transfer_sheet`.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from digikunta_tui.domain.validation import KIND_FIELDS
from digikunta_tui.errors import TransferError

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Progress, Repository
from digikunta_tui.domain.transfer_cells import (
    LIST_SEPARATOR,
    Shape,
    _counted,
    field_shape,
    from_cell,
    neutralise,
    to_cell,
    unneutralise,
)
from digikunta_tui.domain.transfer_import import (
    ImportPlan,
    apply_import,
    plan_import,
    problems_text,
)
from digikunta_tui.domain.transfer_read import (
    SourceRow,
    decode,
    looks_like_json,
    read_csv,
    read_json,
    read_rows,
    sniff_delimiter,
)

__all__ = [
    "LIST_SEPARATOR",
    "ImportPlan",
    "Shape",
    "SourceRow",
    "TransferError",
    "apply_import",
    "decode",
    "export_csv",
    "export_json",
    "export_records",
    "field_shape",
    "from_cell",
    "looks_like_json",
    "neutralise",
    "plan_import",
    "problems_text",
    "read_csv",
    "read_json",
    "read_rows",
    "record_json",
    "sniff_delimiter",
    "to_cell",
    "unneutralise",
]

# --- export -----------------------------------------------------------------------------------


# --- export -----------------------------------------------------------------------------------


def export_records(
    repo: Repository, kind: str, *, progress: Progress | None = None
) -> list[tuple[str, dict[str, Any]]]:
    """Every live record of ``kind`` as (id, fields), in the repository's list order.

    ``progress(done, total)`` is told after each page of records read.
    """
    out: list[tuple[str, dict[str, Any]]] = []
    total = repo.count(kind) if progress is not None else 0
    offset, step = 0, 500
    while True:
        rows = repo.page(kind, offset=offset, limit=step)
        for row in rows:
            fields = row.fields if row.fields else (repo.get(kind, row.id) or {})
            out.append((row.id, dict(fields)))
        if progress is not None:
            progress(len(out), max(total, len(out)))
        if len(rows) < step:
            return out
        offset += step


def export_csv(
    kind: str,
    records: Iterable[tuple[str, Mapping[str, Any]]],
    *,
    delimiter: str = ",",
    excel: bool = False,
    progress: Progress | None = None,
) -> str:
    """Records as CSV text; ``excel`` adds a BOM and uses CRLF line ends.

    ``progress(done, total)`` is told as rows are written.
    """
    names = KIND_FIELDS[kind]
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator="\r\n" if excel else "\n", quotechar='"'
    )
    writer.writerow(["id", *names])
    for rid, fields in _counted(records, progress):
        writer.writerow([rid, *(_export_cell(kind, n, fields.get(n)) for n in names)])
    return ("\ufeff" if excel else "") + buffer.getvalue()


def _kept_empty(kind: str, name: str, value: Any) -> bool:
    """A consent event's empty ``follows`` means "the first event", not "unknown": keep it."""
    return kind == "consent" and name == "follows" and value == []


def _export_cell(kind: str, name: str, value: Any) -> str:
    if _kept_empty(kind, name, value):
        return "[]"  # read back as an empty list by ``from_cell``
    return to_cell(value, field_shape(kind, name))


def record_json(kind: str, rid: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """``{"id": …, **fields}`` with the known fields in form order, blanks left out."""
    out: dict[str, Any] = {"id": rid}
    for name in KIND_FIELDS[kind]:
        value = fields.get(name)
        if (value is not None and value != [] and value != "") or _kept_empty(kind, name, value):
            out[name] = value
    return out


def export_json(
    kind: str,
    records: Iterable[tuple[str, Mapping[str, Any]]],
    *,
    progress: Progress | None = None,
) -> str:
    """Records as a JSON list of ``{"id": …, **fields}`` (UTF-8 text, indented).

    ``progress(done, total)`` is told as records are converted.
    """
    items = [record_json(kind, rid, fields) for rid, fields in _counted(records, progress)]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"
