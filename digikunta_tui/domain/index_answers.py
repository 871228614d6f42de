"""What the search index answers with: rows of lists (their fields read on first use) and hits.

Used by :mod:`~digikunta_tui.domain.index` (which re-exports :class:`Row`, :class:`Hit` and
:func:`kind_match`) and the repository.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

FieldsOf = Callable[[Iterable[tuple[str, str]]], dict[str, dict[str, Any]]]
"""(kind, id) pairs → id → fields of those that are live (reads the replica)."""


class _Page:
    """The fields of the rows of one answer, read from the replica together on first use."""

    __slots__ = ("_fields_of", "_found", "wanted")

    def __init__(self, fields_of: FieldsOf) -> None:
        self._fields_of = fields_of
        self._found: dict[str, dict[str, Any]] | None = None
        self.wanted: list[tuple[str, str]] = []

    def fields(self, record_id: str) -> dict[str, Any]:
        if self._found is None:
            self._found = self._fields_of(self.wanted)
        return self._found.get(record_id, {})


class Row:
    """One record as a list shows it (title and subtitle in the UI language of the read).

    ``fields`` are the record's stored fields, read from the replica for all rows of a page
    when one of them first asks ({} when the record is gone meanwhile).
    """

    __slots__ = ("_fields", "_page", "id", "kind", "sort_key", "subtitle", "title")

    def __init__(
        self,
        kind: str,
        id: str,
        title: str,
        subtitle: str,
        sort_key: str,
        fields: dict[str, Any] | None = None,
        *,
        page: _Page | None = None,
    ) -> None:
        self.kind, self.id, self.title, self.subtitle = kind, id, title, subtitle
        self.sort_key = sort_key
        self._fields = fields
        self._page = page
        if page is not None and fields is None:
            page.wanted.append((kind, id))

    @property
    def fields(self) -> dict[str, Any]:
        """The record's stored fields."""
        if self._fields is None:
            self._fields = self._page.fields(self.id) if self._page is not None else {}
        return self._fields

    def _key(self) -> tuple[str, str, str, str, str]:
        return (self.kind, self.id, self.title, self.subtitle, self.sort_key)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Row) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Row(kind={self.kind!r}, id={self.id!r}, title={self.title!r})"


@dataclass(frozen=True, slots=True)
class Hit:
    """One full-text search result (for the command palette); lower ``rank`` is better."""

    kind: str
    id: str
    title: str
    subtitle: str
    rank: float


def kind_match(kinds: Iterable[str]) -> str:
    """An FTS5 filter on the ``kind`` column; kinds must be plain names (never user text)."""
    names = list(kinds)
    for name in names:
        if not name.replace("_", "").isalpha() or not name.isascii():
            raise ValueError(f"not a record kind: {name!r}")
    return "kind : (" + " OR ".join(f'"{name}"' for name in names) + ")"
