"""CSV and JSON export and import of records, as spreadsheet users expect them.

CSV: a header row (``id`` then the kind's fields in ``KIND_FIELDS`` order), one row per record,
lists joined with ``"; "`` (as a JSON list when an item itself holds a ``;``), nested values
(an indicator's baseline, target and measurements) as JSON text. A cell that a spreadsheet would
run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) gets a
leading ``'``; the import removes exactly that one quote again, so export → import is lossless.

The import validates every row first (``validate_record`` plus the repository's rules: unique
email among live people, references to live records of the right kind) and writes nothing if
any row fails; otherwise all rows are written in one transaction. No textual imports here.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
import types
import typing
from collections.abc import Iterable, Iterator, Mapping, Sequence, Sized
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from digikunta_tui.domain.models import MODELS
from digikunta_tui.domain.validation import KIND_FIELDS, RECORD_ERROR
from digikunta_tui.errors import UserError
from digikunta_tui.i18n import counted, t
from sync.records import Record, is_alive, is_record_id, new_id

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Progress, Repository
    from digikunta_tui.domain.transfer_sheet import SheetReader
    from sync import Replica

Shape = Literal["scalar", "list", "json"]

LIST_SEPARATOR = "; "
_DANGEROUS = re.compile(r"'*[=+\-@\t\r]")
_QUOTED = re.compile(r"'+[=+\-@\t\r]")
_MAX_REPORTED = 50


class TransferError(UserError):
    """A file cannot be read as records (encoding, CSV syntax, JSON shape, header)."""


# --- cells ------------------------------------------------------------------------------------


def _unwrap(annotation: Any) -> Any:
    """Strip ``Annotated`` and ``X | None`` from a field annotation."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            if len(args) == 1:
                annotation = args[0]
                continue
        return annotation


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


@functools.cache
def field_shape(kind: str, name: str) -> Shape:
    """How a field is written in a CSV cell: plain text, a ``; `` list, or JSON text.

    Cached: it depends only on the kind's model, and an import asks it for every cell.
    """
    annotation = _unwrap(MODELS[kind].model_fields[name].annotation)
    if typing.get_origin(annotation) is list:
        item = _unwrap(typing.get_args(annotation)[0])
        return "json" if _is_model(item) else "list"
    return "json" if _is_model(annotation) else "scalar"


def neutralise(text: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would read as a formula (CSV injection)."""
    return "'" + text if _DANGEROUS.match(text) else text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise` (only a quote that it could have added is removed)."""
    return text[1:] if _QUOTED.match(text) else text


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


def _fits(value: Any, shape: Shape) -> bool:
    """True when a stored value has the form its CSV column expects."""
    if shape == "list":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, str | int | float) or shape == "json"


def to_cell(value: Any, shape: Shape) -> str:
    """One stored value as CSV cell text (already neutralised).

    A value that does not have its column's form (odd data that arrived by sync: a list in a
    text column, an object in a list column) is written as its JSON text, so nothing is lost.
    """
    if value is None or value == []:
        return ""
    if shape == "json" or not _fits(value, shape):
        text = _json_text(value)
    elif isinstance(value, list):
        plain = all(v and ";" not in v and v == v.strip() for v in value)
        text = LIST_SEPARATOR.join(value) if plain else _json_text(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return neutralise(text)


def from_cell(text: str, shape: Shape) -> Any:
    """CSV cell text as a field value (``None`` when blank).

    Raises:
        ValueError: a list or nested cell holds malformed JSON.
    """
    text = unneutralise(text)
    if not text.strip():
        return None
    if shape == "json" or (shape == "list" and text.lstrip().startswith("[")):
        return _strict_json(text)
    if shape == "list":
        return [part.strip() for part in text.split(";") if part.strip()]
    return text


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number in strict JSON")


def _strict_json(text: str, *, what: str = "JSON text") -> Any:
    """Parse strict JSON (no NaN or Infinity; bounded nesting).

    Raises:
        ValueError: not valid strict JSON (the message says where).
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"not valid {what} ({exc.msg}, line {exc.lineno} column {exc.colno})"
        ) from None
    except RecursionError:
        raise ValueError(f"not valid {what} (nested too deeply)") from None


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


def _counted(items: Iterable[Any], progress: Progress | None) -> Iterable[Any]:
    """``items``, telling ``progress`` how many have been taken (of ``len(items)`` if known)."""
    if progress is None:
        return items
    return _counting(items, progress, len(items) if isinstance(items, Sized) else 0)


def _counting(items: Iterable[Any], progress: Progress, total: int) -> Iterator[Any]:
    progress(0, total)
    for done, item in enumerate(items, start=1):
        yield item
        progress(done, total)


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


# --- reading files ----------------------------------------------------------------------------


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


# --- import -----------------------------------------------------------------------------------


@dataclass
class ImportPlan:
    """What an import would write, or why it cannot."""

    kind: str
    items: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)

    def problem(self, row: int, name: str, message: str) -> None:
        """Remember one failure of one row."""
        if name == RECORD_ERROR:
            where = t("transfer.row", row=row)
        else:
            where = t("transfer.row_field", row=row, field=name)
        self.problems.append(f"{where}: {message}")


def _row_fields(
    kind: str, row: SourceRow, plan: ImportPlan, reader: SheetReader
) -> dict[str, Any] | None:
    """The row's field values (blank → ``None``), or None after recording a problem.

    Names of referenced records, choice labels and yes/no words (a spreadsheet export) become
    ids and stored values (see :mod:`transfer_sheet`).
    """
    fields: dict[str, Any] = {}
    ok = True
    for name, raw in row.values.items():
        if name == "id":
            continue
        if name not in KIND_FIELDS[kind]:
            plan.problem(row.number, name, t("transfer.not_a_field", kind=kind))
            ok = False
            continue
        try:
            value = from_cell(raw, field_shape(kind, name)) if row.from_csv else raw
            fields[name] = reader.value(kind, name, value)
        except ValueError as exc:
            plan.problem(row.number, name, str(exc))
            ok = False
    return fields if ok else None


def _row_id(row: SourceRow, plan: ImportPlan) -> str | None:
    raw = row.values.get("id")
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return ""
    rid = raw.strip() if isinstance(raw, str) else raw
    # what the shared document accepts (a letter or digit first), within the domain's 64
    if not isinstance(rid, str) or len(rid) > 64 or not is_record_id(rid):
        plan.problem(row.number, "id", t("transfer.bad_id"))
        return None
    return rid


def plan_import(
    repo: Repository,
    kind: str,
    rows: Sequence[SourceRow],
    *,
    progress: Progress | None = None,
) -> ImportPlan:
    """Validate every row against the kind's rules and the repository; write nothing.

    Rows are checked in file order, a batch of them at a time: the stored records their ids
    name and the e-mail addresses they give are read together first (see :class:`KnownFacts`).
    ``progress(done, total)`` is told as rows are checked.
    """
    check = _ImportCheck(repo, kind)
    for n, row in enumerate(_counted(rows, progress)):
        if n % _BATCH == 0:
            check.look_ahead(rows[n : n + _BATCH])
        check.row(row)
    _check_follows_in_file(check.consents, check.plan)
    return check.plan


_BATCH = 500
"""Rows whose stored records (and e-mail owners) are read together (:func:`plan_import`)."""


class _ImportCheck:
    """The checks of one import, row by row: cells → fields, the row's id, the repository's
    rules (:meth:`Repository.validate`), the rules across the file's rows, and the count."""

    def __init__(self, repo: Repository, kind: str) -> None:
        from digikunta_tui.domain.record_facts import KnownFacts
        from digikunta_tui.domain.transfer_sheet import SheetReader

        self.repo = repo
        self.kind = kind
        self.plan = ImportPlan(kind)
        self.facts = KnownFacts(repo)
        self.reader = SheetReader(repo, facts=self.facts)
        self.duplicates = _FileDuplicates(kind)
        self.known = frozenset(KIND_FIELDS[kind])
        self.seen_ids: dict[str, int] = {}
        self.consents: dict[str, tuple[int, dict[str, Any]]] = {}
        self.stored: dict[str, Record] = {}

    def look_ahead(self, rows: Sequence[SourceRow]) -> None:
        """Read what the next rows will ask about, in one query or a few."""
        self.stored = _stored_records(self.repo.replica, rows)
        if self.kind == "person":
            self.facts.look_up("person", "email", _emails(rows))

    def row(self, row: SourceRow) -> None:
        """Check one row: either its record joins the plan or its problems do."""
        plan = self.plan
        rid = _row_id(row, plan)
        fields = _row_fields(self.kind, row, plan, self.reader)
        if rid is None or fields is None:
            return
        existing = self._existing(row, rid)
        if existing is False:
            return
        rid = rid or new_id()
        self.seen_ids[rid] = row.number
        alive = existing["fields"] if existing is not None and is_alive(existing) else None
        old = {k: v for k, v in (alive or {}).items() if k in self.known}
        new_fields = self._validated(row, rid, alive is not None, old, fields)
        if new_fields is None:
            return
        put = {**new_fields, **{k: None for k in old if k not in new_fields}}
        if alive is None:
            plan.new += 1
        elif all(old.get(k) == v for k, v in put.items()):
            plan.unchanged += 1
        else:
            plan.updated += 1
        plan.items.append((self.kind, rid, put))
        if self.kind == "consent":
            self.consents[rid] = (row.number, new_fields)

    def _existing(self, row: SourceRow, rid: str) -> Record | Literal[False] | None:
        """The stored record the row's id names (None: a new one), or False after a problem."""
        if rid and rid in self.seen_ids:
            self.plan.problem(row.number, "id", t("transfer.same_id", row=self.seen_ids[rid]))
            return False
        existing = self.stored.get(rid) if rid else None
        if existing is not None and existing.get("erased"):
            self.plan.problem(row.number, "id", t("transfer.erased"))
            return False
        if existing is not None and existing["kind"] != self.kind:
            self.plan.problem(row.number, "id", t("transfer.other_kind", kind=existing["kind"]))
            return False
        return existing

    def _validated(
        self,
        row: SourceRow,
        rid: str,
        exists: bool,
        old: Mapping[str, Any],
        fields: Mapping[str, Any],
    ) -> dict[str, Any] | None:
        """The row's record as it would be stored, or None after recording its problems."""
        from digikunta_tui.domain.repository import ValidationFailed

        merged = {k: v for k, v in {**old, **fields}.items() if v is not None}
        try:
            new_fields = self.repo.validate(
                self.kind, merged, rid if exists else None, facts=self.facts
            )
        except ValidationFailed as exc:
            for name, message in exc.errors.items():
                self.plan.problem(row.number, name, message)
            return None
        if self.kind == "webinar" and not exists and not new_fields.get("ical_uid"):
            new_fields["ical_uid"] = f"{rid}@digikunta"
        duplicate = self.duplicates.duplicate(rid, new_fields)
        if duplicate is not None:
            self.plan.problem(row.number, *duplicate)
            return None
        return new_fields


def _emails(rows: Sequence[SourceRow]) -> set[str]:
    """The e-mail addresses the rows give, as the index keeps them (most are already so;
    others are asked one by one)."""
    found = set()
    for row in rows:
        raw = row.values.get("email")
        if isinstance(raw, str) and raw.strip():
            found.add(unneutralise(raw).strip().lower())
    return found


def _stored_records(replica: Replica, rows: Sequence[SourceRow]) -> dict[str, Record]:
    """The stored records (tombstones too) of the ids these rows name, by id."""
    ids = set()
    for row in rows:
        raw = row.values.get("id")
        if isinstance(raw, str) and raw.strip():
            ids.add(raw.strip())
    return replica.stored_records(ids) if ids else {}


def _check_follows_in_file(
    consents: Mapping[str, tuple[int, dict[str, Any]]], plan: ImportPlan
) -> None:
    """A consent row may follow another row of the file only of the same person and purpose.

    (The repository checked ``follows`` against stored events; rows without ``follows`` are
    older data: ordered by when they were recorded, see :mod:`consent`.)
    """
    from digikunta_tui.i18n import t

    for number, fields in consents.values():
        for ref in fields.get("follows") or []:
            other = consents.get(ref)
            if other is None:
                continue
            same = all(other[1].get(k) == fields.get(k) for k in ("person", "purpose"))
            if not same or other[0] == number:
                plan.problem(number, "follows", t("repository.follows_mismatch"))
                break


class _FileDuplicates:
    """Rules across the rows of one file (``Repository.validate`` checks each row alone)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.seen: dict[tuple[str, ...], str] = {}

    def _key(self, fields: Mapping[str, Any]) -> tuple[str, ...] | None:
        if self.kind == "person" and fields.get("email"):
            return (str(fields["email"]).lower(),)
        if self.kind == "registration":
            return (str(fields.get("webinar")), str(fields.get("person")))
        return None

    def duplicate(self, rid: str, fields: Mapping[str, Any]) -> tuple[str, str] | None:
        """(field, message) when an earlier row of the file already claimed this value."""
        key = self._key(fields)
        if key is None:
            return None
        if self.seen.setdefault(key, rid) == rid:
            return None
        if self.kind == "person":
            return "email", t("transfer.email_taken", email=key[0])
        return "person", t("transfer.registered_twice")


def apply_import(
    repo: Repository,
    plan: ImportPlan,
    *,
    progress: Progress | None = None,
    index_progress: Progress | None = None,
) -> int:
    """Write a checked plan in one transaction and bring the index up to date.

    ``progress(done, total)`` is told as records are written (the transaction commits after
    the last one: interrupted before, nothing is written); ``index_progress`` as the index
    takes them in.
    """
    if plan.problems:
        raise UserError(t("transfer.refused"))
    count = repo.replica.put_many(_counted(plan.items, progress)) if plan.items else 0
    repo.refresh(progress=index_progress)
    return count


def problems_text(problems: Sequence[str]) -> list[str]:
    """The problem lines to show (at most 50, then how many more)."""
    shown = list(problems[:_MAX_REPORTED])
    if len(problems) > _MAX_REPORTED:
        more = counted("more_problem", len(problems) - _MAX_REPORTED)
        shown.append(t("transfer.more_problems", more=more))
    return shown
