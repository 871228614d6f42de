"""The spreadsheet form of an export, for people and Excel, and reading it back.

A spreadsheet CSV has headers in the reader's language ("Etunimi", "Organisaatio" …), the
names of referenced records instead of their ids ("Kuopion kaupunki"), choices by their
translated labels ("Yhteyshenkilö; Asiantuntija"), yes/no in words, ``;`` between cells, a
BOM and CRLF line ends, so that Excel opens it as it is. The record's own id stays in the
first column, so the file imports back cleanly: :mod:`transfer` reads either language's
headers, names as well as ids, labels as well as values (:class:`SheetReader`).

A name shared by two records of a kind cannot say which one is meant: such a reference is
written as its id (the import takes ids everywhere). No textual imports here.
"""

from __future__ import annotations

import csv
import io
import typing
from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Any

from digikunta_tui.domain.finnish import fold
from digikunta_tui.domain.kinds import REFERENCES
from digikunta_tui.domain.models import MODELS
from digikunta_tui.domain.validation import KIND_FIELDS, choice_key
from digikunta_tui.i18n import SUPPORTED_LANGUAGES, t_in
from sync.records import is_record_id

if TYPE_CHECKING:
    from digikunta_tui.domain.record_facts import RecordFacts
    from digikunta_tui.domain.repository import Progress

DELIMITER = ";"
"""Cells are separated as Excel expects in Finnish (and most European) settings."""

_PAGE = 1000


def _unwrap(annotation: Any) -> Any:
    from digikunta_tui.domain.transfer_cells import _unwrap as unwrap

    return unwrap(annotation)


@cache
def field_enum(kind: str, name: str) -> type[StrEnum] | None:
    """The choice type of a field (also of a list of choices), or None (cached: the models
    do not change, and an import asks for every cell)."""
    annotation = _unwrap(MODELS[kind].model_fields[name].annotation)
    if typing.get_origin(annotation) is list:
        annotation = _unwrap(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, StrEnum):
        return annotation
    return None


@cache
def _is_bool(kind: str, name: str) -> bool:
    return _unwrap(MODELS[kind].model_fields[name].annotation) is bool


def column_label(kind: str, name: str, lang: str) -> str:
    """The header of a column: the field's label, or "Tunniste"/"Id" for ``id``."""
    if name == "id":
        return t_in(lang, "exports.column_id")
    return t_in(lang, f"field.{kind}.{name}")


def header_names(kind: str) -> dict[str, str]:
    """Folded header text (field name, or its label in any language) → field name."""
    names: dict[str, str] = {}
    for name in ("id", *KIND_FIELDS[kind]):
        names[fold(name)] = name
        for lang in SUPPORTED_LANGUAGES:
            names.setdefault(fold(column_label(kind, name, lang)), name)
    return names


class Titles:
    """The display names of one kind's live records, both ways, read once from the lists."""

    def __init__(self, repo: Any, kind: str) -> None:
        self.by_id: dict[str, str] = {}
        self.by_name: dict[str, list[str]] = {}
        offset = 0
        while True:
            rows = repo.page(kind, offset=offset, limit=_PAGE)
            for row in rows:
                self.by_id[row.id] = row.title
                self.by_name.setdefault(fold(row.title), []).append(row.id)
            if len(rows) < _PAGE:
                break
            offset += _PAGE

    def name_of(self, record_id: str) -> str:
        """The record's name when it says which record is meant; else its id."""
        name = self.by_id.get(record_id)
        if not name or len(self.by_name.get(fold(name), ())) != 1:
            return record_id
        return name


class _Lookups:
    """Titles of the kinds that references point to, read on first use."""

    def __init__(self, repo: Any) -> None:
        self.repo = repo
        self._titles: dict[str, Titles] = {}

    def titles(self, kind: str) -> Titles:
        if kind not in self._titles:
            self._titles[kind] = Titles(self.repo, kind)
        return self._titles[kind]


def _yes_no(value: bool, lang: str) -> str:
    return t_in(lang, "exports.yes" if value else "exports.no")


def _label(enum: type[StrEnum], value: Any, lang: str) -> Any:
    """A choice's label; a value that is not one of the choices stays as it is."""
    try:
        member = enum(value)
    except ValueError:
        return value
    return t_in(lang, choice_key(member))


def sheet_value(kind: str, name: str, value: Any, lang: str, lookups: _Lookups) -> Any:
    """A stored value as people read it: names for ids, labels for choices, yes/no."""
    target = REFERENCES.get(kind, {}).get(name)
    if target is not None:
        titles = lookups.titles(target)
        if isinstance(value, str):
            return titles.name_of(value)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [titles.name_of(v) for v in value]
        return value
    enum = field_enum(kind, name)
    if enum is not None:
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return [_label(enum, v, lang) for v in value]
        return _label(enum, value, lang) if isinstance(value, str) else value
    if isinstance(value, bool) and _is_bool(kind, name):
        return _yes_no(value, lang)
    return value


def export_sheet(
    repo: Any,
    kind: str,
    records: Iterable[tuple[str, Mapping[str, Any]]],
    *,
    lang: str,
    progress: Progress | None = None,
) -> str:
    """Records as a spreadsheet CSV in ``lang`` (BOM, ``;``, CRLF; formulas neutralised).

    ``progress(done, total)`` is told as rows are written.
    """
    from digikunta_tui.domain.transfer import _export_cell
    from digikunta_tui.domain.transfer_cells import _counted

    names = KIND_FIELDS[kind]
    lookups = _Lookups(repo)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=DELIMITER, lineterminator="\r\n", quotechar='"')
    writer.writerow([column_label(kind, n, lang) for n in ("id", *names)])
    for rid, fields in _counted(records, progress):
        cells = [rid]
        for name in names:
            value = sheet_value(kind, name, fields.get(name), lang, lookups)
            cells.append(_export_cell(kind, name, value))
        writer.writerow(cells)
    return "\ufeff" + buffer.getvalue()


class SheetReader:
    """Turns what a person wrote in a cell back into a stored value (names, labels, yes/no).

    Ids and stored values pass as they are, so the machine CSV and JSON read the same way.
    """

    def __init__(self, repo: Any, *, facts: RecordFacts | None = None) -> None:
        """Args: facts: which records are live (default: read afresh at each cell)."""
        from digikunta_tui.domain.record_facts import RecordFacts

        self.lookups = _Lookups(repo)
        self.repo = repo
        self.facts = facts if facts is not None else RecordFacts(repo)
        self._choices: dict[type[StrEnum], dict[str, str]] = {}
        self._bools: dict[str, bool] | None = None

    def value(self, kind: str, name: str, value: Any) -> Any:
        """The stored value of a cell's value.

        Raises:
            ValueError: a name that matches no record, or more than one (the message says so).
        """
        if value is None:
            return None
        target = REFERENCES.get(kind, {}).get(name)
        if target is not None:
            if isinstance(value, list):
                return [self._reference(target, v) for v in value]
            return self._reference(target, value)
        enum = field_enum(kind, name)
        if enum is not None:
            if isinstance(value, list):
                return [self._choice(enum, v) for v in value]
            return self._choice(enum, value)
        if _is_bool(kind, name) and isinstance(value, str):
            return self._bool(value)
        return value

    def _reference(self, target: str, value: Any) -> Any:
        if not isinstance(value, str) or self.facts.live(target, value):
            return value  # an id (or odd data: the rules say what is wrong with it)
        found = self.lookups.titles(target).by_name.get(fold(value.strip()), [])
        if len(found) == 1:
            return found[0]
        if not found and is_record_id(value):
            return value  # an unknown id: the rules say which reference is missing
        from digikunta_tui.i18n import t

        kind = t(f"kind.{target}").lower()
        if found:
            raise ValueError(t("exports.ambiguous_name", name=value, kind=kind, count=len(found)))
        raise ValueError(t("exports.unknown_name", name=value, kind=kind))

    def _choice(self, enum: type[StrEnum], value: Any) -> Any:
        if not isinstance(value, str):
            return value
        words = self._choices.get(enum)
        if words is None:
            words = self._choices[enum] = _choice_words(enum)
        # not a choice: the rules refuse it with their message
        return words.get(fold(value.strip()), value)

    def _bool(self, value: str) -> Any:
        if self._bools is None:
            self._bools = _bool_words()
        return self._bools.get(fold(value.strip()), value)


def _choice_words(enum: type[StrEnum]) -> dict[str, str]:
    """Folded value or label (in any language) → the choice's value; the first choice that
    has a word keeps it."""
    words: dict[str, str] = {}
    for member in enum:
        words.setdefault(fold(member.value), member.value)
        for lang in SUPPORTED_LANGUAGES:
            words.setdefault(fold(t_in(lang, choice_key(member))), member.value)
    return words


def _bool_words() -> dict[str, bool]:
    """Folded yes/no (in any language) → True/False; the languages in their order."""
    words: dict[str, bool] = {}
    for lang in SUPPORTED_LANGUAGES:
        words.setdefault(fold(t_in(lang, "exports.yes")), True)
        words.setdefault(fold(t_in(lang, "exports.no")), False)
    return words


def header_fields(header: Sequence[str], kind: str) -> list[str | None]:
    """Each header cell's field name (``id`` included), None where it names no field."""
    names = header_names(kind)
    return [names.get(fold(cell)) for cell in header]
