"""Reading the search index: titles, rows of lists, counts, full-text search, ids by column.

A part of :class:`~digikunta_tui.domain.index.SearchIndex` (a base class of it). Every read is
one query behind the read lock; titles and subtitles are rendered in the UI language as they
are read (:func:`~digikunta_tui.domain.listing.render`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable
from contextlib import suppress
from typing import Any

from digikunta_tui.domain.index_answers import FieldsOf, Hit, Row, _Page, kind_match
from digikunta_tui.domain.index_rows import FILTERS
from digikunta_tui.domain.listing import render
from digikunta_tui.errors import IndexNotReady
from digikunta_tui.i18n import get_language

_COLUMNS = "id, kind, title, subtitle, sort_key"
_MANY = 500
"""Values asked in one query by :meth:`SearchIndex.ids_many`."""


class IndexReads:
    """The reads of the index (the UI thread's: they never wait for index work)."""

    _read_lock: threading.RLock
    _conn: sqlite3.Connection | None
    _ready: bool

    # ------------------------------------------------------------------ reading
    def _read(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._read_lock:
            if not self._ready or self._conn is None:
                raise IndexNotReady("the search index is being built")
            return self._conn.execute(sql, tuple(params)).fetchall()

    def title_of(self, record_id: str) -> str | None:
        """The display title of a live record (None, also while the index is not ready)."""
        with suppress(IndexNotReady):
            found = self._read("SELECT title FROM items WHERE id = ?", (record_id,))
            return render(found[0][0], get_language()) if found else None
        return None

    def kind_of(self, record_id: str) -> str | None:
        """The kind of a live record (None, also while the index is not ready)."""
        with suppress(IndexNotReady):
            found = self._read("SELECT kind FROM items WHERE id = ?", (record_id,))
            return found[0][0] if found else None
        return None

    def _rows(self, found: list[tuple[Any, ...]], fields_of: FieldsOf | None) -> list[Row]:
        lang = get_language()
        page = _Page(fields_of) if fields_of is not None else None
        return [
            Row(kind, rid, render(title, lang), render(sub, lang), key, page=page)
            for rid, kind, title, sub, key in found
        ]

    def rows(
        self,
        kind: str,
        *,
        match: str | None = None,
        where: Iterable[tuple[str, Any]] = (),
        order: str = "sort_key, id",
        offset: int = 0,
        limit: int | None = 100,
        fields_of: FieldsOf | None = None,
    ) -> list[Row]:
        """Rows of ``kind`` matching the FTS expression and SQL conditions, sorted and paged.

        ``where`` holds (SQL condition with one ``?``, parameter) pairs made by the caller from
        a fixed set of columns, never from user text. ``fields_of`` reads the rows' fields
        when one is first asked for (without it, ``Row.fields`` is ``{}``).

        Raises:
            IndexNotReady: the index is being built.
        """
        sql, params = self._select(kind, match, where)
        sql = f"SELECT {_COLUMNS} FROM items WHERE {sql} ORDER BY {order} LIMIT ? OFFSET ?"
        params += [-1 if limit is None else limit, max(offset, 0)]
        return self._rows(self._read(sql, params), fields_of)

    def count(
        self, kind: str, *, match: str | None = None, where: Iterable[tuple[str, Any]] = ()
    ) -> int:
        """How many rows ``rows`` would give without paging.

        Raises:
            IndexNotReady: the index is being built.
        """
        where = list(where)
        if match is not None and not where:  # the text rows of a kind are its rows
            sql = "SELECT COUNT(*) FROM fts WHERE fts MATCH ?"
            return int(self._read(sql, (f"{kind_match([kind])} AND ({match})",))[0][0])
        sql, params = self._select(kind, match, where)
        return int(self._read(f"SELECT COUNT(*) FROM items WHERE {sql}", params)[0][0])

    @staticmethod
    def _select(
        kind: str, match: str | None, where: Iterable[tuple[str, Any]]
    ) -> tuple[str, list[Any]]:
        conditions, params = ["kind = ?"], [kind]
        for condition, value in where:
            conditions.append(condition)
            params.append(value)
        if match is not None:
            # The kind is matched inside FTS too, so only this kind's rowids come out of it.
            conditions.append("rowid IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
            params.append(f"{kind_match([kind])} AND ({match})")
        return " AND ".join(conditions), params

    def search(self, match: str, *, kinds: list[str], limit: int) -> list[Hit]:
        """Best matches of ``kinds``, ranked by bm25 (the title weighs ten times the rest).

        Raises:
            IndexNotReady: the index is being built.
        """
        if not kinds:
            return []
        sql = (
            "SELECT items.kind, items.id, items.title, items.subtitle, m.r FROM"
            " (SELECT rowid, bm25(fts, 10.0, 1.0, 0.0) AS r FROM fts WHERE fts MATCH ?"
            "  ORDER BY r LIMIT ?) AS m JOIN items ON items.rowid = m.rowid"
            " ORDER BY m.r, items.sort_key"
        )
        found = self._read(sql, [f"{kind_match(kinds)} AND ({match})", limit])
        lang = get_language()
        return [
            Hit(k, rid, render(title, lang), render(sub, lang), float(rank))
            for k, rid, title, sub, rank in found
        ]

    def recent(self, limit: int, *, fields_of: FieldsOf | None = None) -> list[Row]:
        """The most recently changed records, newest first.

        Raises:
            IndexNotReady: the index is being built.
        """
        sql = f"SELECT {_COLUMNS} FROM items ORDER BY seq DESC, rowid DESC LIMIT ?"
        return self._rows(self._read(sql, (limit,)), fields_of)

    def ids(self, kind: str, column: str, value: str) -> list[str]:
        """Ids of live ``kind`` records whose filter ``column`` equals ``value``.

        Raises:
            IndexNotReady: the index is being built.
        """
        if column not in FILTERS:
            raise ValueError(f"not an index column: {column}")
        sql = f"SELECT id FROM items WHERE {column} = ? AND kind = ? ORDER BY sort_key, id"
        return [rid for (rid,) in self._read(sql, (value, kind))]

    def ids_many(self, kind: str, column: str, values: Iterable[str]) -> dict[str, list[str]]:
        """:meth:`ids` of many values, a few hundred to a query: value → ids (``[]`` if none).

        Raises:
            IndexNotReady: the index is being built.
        """
        if column not in FILTERS:
            raise ValueError(f"not an index column: {column}")
        wanted = list(dict.fromkeys(values))
        found: dict[str, list[str]] = {value: [] for value in wanted}
        for first in range(0, len(wanted), _MANY):
            chunk = wanted[first : first + _MANY]
            sql = (
                f"SELECT {column}, id FROM items WHERE kind = ? AND {column} IN"
                f" ({','.join('?' * len(chunk))}) ORDER BY sort_key, id"
            )
            for value, rid in self._read(sql, (kind, *chunk)):
                found[value].append(rid)
        return found
