"""Reading import files: bytes to text, CSV (with its delimiter sniffed) or JSON, to rows.

The rows are not validated here (see :mod:`~digikunta_tui.domain.transfer_import`): a file that
cannot be read as records at all raises :class:`~digikunta_tui.errors.TransferError`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from digikunta_tui.domain.transfer_cells import _strict_json
from digikunta_tui.domain.validation import KIND_FIELDS
from digikunta_tui.errors import TransferError
from digikunta_tui.i18n import t


@dataclass
class SourceRow:
    """One row of an import file: its number (as a spreadsheet shows it) and its values."""

    number: int
    values: dict[str, Any]
    from_csv: bool


def decode(data: bytes, name: str) -> str:
    """UTF-8 text of a file (a BOM is dropped).

    Raises:
        TransferError: the file is not UTF-8.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        byte, offset = f"{data[exc.start]:02x}", exc.start
        raise TransferError(t("transfer.not_utf8", name=name, byte=byte, offset=offset)) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: the most frequent of ``,`` ``;`` and tab in its header."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def looks_like_json(name: str, text: str) -> bool:
    """JSON by extension (``.json``), CSV by ``.csv``/``.tsv``, else by the first character."""
    lower = name.lower()
    if lower.endswith(".json"):
        return True
    if lower.endswith((".csv", ".tsv", ".txt")):
        return False
    return text.lstrip()[:1] in ("[", "{")


def read_csv(text: str, name: str, kind: str, delimiter: str | None = None) -> list[SourceRow]:
    """Rows of a CSV text whose header names ``id`` and fields of ``kind``.

    Raises:
        TransferError: malformed CSV, an empty file, or a bad header.
    """
    delimiter = delimiter or sniff_delimiter(text)
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise TransferError(t("transfer.malformed_csv", name=name, error=exc)) from None
    if not table or not any(cell.strip() for cell in table[0]):
        raise TransferError(t("transfer.empty", name=name))
    header = _check_header([cell.strip() for cell in table[0]], name, kind)
    rows: list[SourceRow] = []
    for index, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            raise TransferError(
                t(
                    "transfer.too_many_cells",
                    name=name,
                    row=index,
                    cells=len(cells),
                    header=len(header),
                    delimiter=repr(delimiter),
                )
            )
        cells = cells + [""] * (len(header) - len(cells))
        rows.append(SourceRow(index, dict(zip(header, cells, strict=True)), True))
    return rows


def _check_header(header: Sequence[str], name: str, kind: str) -> list[str]:
    """The field names of a header row (``id``, names, or labels in Finnish or English).

    Raises:
        TransferError: a column names no field of the kind, or one field twice.
    """
    from digikunta_tui.domain.transfer_sheet import header_fields

    fields = header_fields(header, kind)
    for column, field_name in zip(header, fields, strict=True):
        if field_name is None:
            shown = column or "(empty)"
            known = ", ".join(KIND_FIELDS[kind])
            raise TransferError(
                t("transfer.unknown_column", name=name, column=repr(shown), kind=kind, known=known)
            )
    names = [f for f in fields if f is not None]
    dupes = sorted({c for c, f in zip(header, fields, strict=True) if names.count(f or "") > 1})
    if dupes:
        raise TransferError(t("transfer.column_twice", name=name, column=repr(dupes[0])))
    return names


def read_json(text: str, name: str) -> list[SourceRow]:
    """Rows of a JSON list of objects.

    Raises:
        TransferError: not JSON, or not a list of objects.
    """
    try:
        data = _strict_json(text, what="JSON")
    except ValueError as exc:
        raise TransferError(f"{name}: {exc}") from None
    if not isinstance(data, list):
        raise TransferError(t("transfer.expected_list", name=name))
    rows: list[SourceRow] = []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise TransferError(t("transfer.item_not_object", name=name, index=index))
        rows.append(SourceRow(index, dict(item), False))
    return rows


def read_rows(data: bytes, name: str, kind: str, delimiter: str | None = None) -> list[SourceRow]:
    """Rows of an import file (CSV or JSON, detected by extension or content)."""
    text = decode(data, name)
    if looks_like_json(name, text):
        return read_json(text, name)
    return read_csv(text, name, kind, delimiter)
