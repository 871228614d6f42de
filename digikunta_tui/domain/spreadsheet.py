"""The mailing list and the members as CSV: one writer each, for the app and the CLI alike.

Both are built on :func:`write_table`, which takes the column names, the rows (column → value),
and how the file should look: the header text per column (``headers``; default: the column
names, which ``digikunta import`` reads), how a value becomes a cell (``cell``; default: as
:mod:`transfer` exports it — lists joined with ``"; "``), and the :class:`CsvStyle` (delimiter,
BOM, line ends). A cell a spreadsheet would run as a formula always gets a leading ``'``.

The spreadsheet flavour people open in Excel (Finnish or English headers, translated values,
``;`` and a BOM) is made by the callers on top of these (``commands/export_cmd.py``,
``ui/export.py``), by passing ``headers``, ``cell`` and ``CsvStyle.EXCEL``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from digikunta_tui.domain.stored import read_id, text_of

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Progress, Repository

MAILING_COLUMNS: tuple[str, ...] = ("email", "given_name", "family_name", "organization")
"""The mailing list's columns, the same in the app and in ``digikunta mailing-list``."""

MEMBER_COLUMNS: tuple[str, ...] = (
    "id",
    "given_name",
    "family_name",
    "organization",
    "job_title",
    "email",
    "phone",
    "roles",
)
"""The members export's columns: ``id`` and person fields, so the file imports back as people."""

CellText = Callable[[str, Any], str]
"""``cell(column, value) -> text`` for one cell (before formulas are neutralised)."""

_PAGE = 1000


@dataclass(frozen=True)
class CsvStyle:
    """How a CSV file is laid out."""

    delimiter: str = ","
    """Between cells."""
    bom: bool = False
    """Start with a UTF-8 byte order mark (Excel then reads UTF-8)."""
    crlf: bool = False
    """End lines with CR LF (else LF)."""

    PLAIN: ClassVar[CsvStyle]
    """``,``, no BOM, LF: for scripts and ``digikunta import``."""
    EXCEL: ClassVar[CsvStyle]
    """``;``, BOM, CR LF: what Excel opens right in a Finnish locale."""


CsvStyle.PLAIN = CsvStyle()
CsvStyle.EXCEL = CsvStyle(delimiter=";", bom=True, crlf=True)


def plain_cell(column: str, value: Any) -> str:
    """A value as :mod:`transfer` exports it: text as it is, lists joined with ``"; "``
    (not yet neutralised: :func:`write_table` does that for every cell)."""
    from digikunta_tui.domain.transfer import field_shape, to_cell, unneutralise

    if column in ("id", "organization") or value is None:
        return "" if value is None else str(value)
    try:
        shape = field_shape("person", column)
    except KeyError:
        shape = "scalar"
    return unneutralise(to_cell(value, shape))


def write_table(
    columns: Sequence[str],
    rows: Iterable[Mapping[str, Any]],
    *,
    headers: Mapping[str, str] | None = None,
    cell: CellText | None = None,
    style: CsvStyle = CsvStyle.PLAIN,
) -> str:
    """Rows as CSV text: a header row, then one row per item.

    Args:
        columns: the columns in order (keys of each row).
        rows: column → value (a missing column is an empty cell).
        headers: column → the header text (default: the column name itself).
        cell: how a value becomes text (default: :func:`plain_cell`).
        style: delimiter, BOM, line ends.
    """
    from digikunta_tui.domain.transfer import neutralise

    to_text = cell or plain_cell
    out = io.StringIO()
    writer = csv.writer(
        out, delimiter=style.delimiter, lineterminator="\r\n" if style.crlf else "\n"
    )
    writer.writerow([(headers or {}).get(column, column) for column in columns])
    for row in rows:
        writer.writerow([neutralise(to_text(column, row.get(column))) for column in columns])
    return ("\ufeff" if style.bom else "") + out.getvalue()


def mailing_list_csv(
    people: Iterable[Mapping[str, Any]],
    *,
    headers: Mapping[str, str] | None = None,
    cell: CellText | None = None,
    style: CsvStyle = CsvStyle.PLAIN,
) -> str:
    """The mailing list (:meth:`Repository.mailing_list`'s items) as CSV, in
    :data:`MAILING_COLUMNS` (organisation by name)."""
    return write_table(MAILING_COLUMNS, people, headers=headers, cell=cell, style=style)


def member_rows(repo: Repository, *, progress: Progress | None = None) -> Iterator[dict[str, Any]]:
    """Every person in list order as :data:`MEMBER_COLUMNS` → stored value, the organisation
    by name ("" when it is gone). ``progress(done, total)`` is told after each page."""
    names: dict[str, str] = {}
    total = repo.count("person") if progress is not None else 0
    offset = 0
    while True:
        rows = repo.page("person", offset=offset, limit=_PAGE)
        for row in rows:
            fields = dict(row.fields or repo.get("person", row.id) or {})
            org_id = read_id(fields.get("organization"))
            if isinstance(org_id, str) and org_id not in names:
                names[org_id] = text_of((repo.get("organization", org_id) or {}).get("name"))
            fields["organization"] = names.get(org_id, "") if isinstance(org_id, str) else ""
            yield {"id": row.id, **{c: fields.get(c) for c in MEMBER_COLUMNS if c != "id"}}
        offset += len(rows)
        if progress is not None:
            progress(offset, max(total, offset))
        if len(rows) < _PAGE:
            return


def members_csv(
    repo: Repository,
    *,
    headers: Mapping[str, str] | None = None,
    cell: CellText | None = None,
    style: CsvStyle = CsvStyle.PLAIN,
    progress: Progress | None = None,
) -> str:
    """Every person as CSV in :data:`MEMBER_COLUMNS` (see :func:`member_rows`)."""
    rows = member_rows(repo, progress=progress)
    return write_table(MEMBER_COLUMNS, rows, headers=headers, cell=cell, style=style)
