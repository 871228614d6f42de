"""The repository's list reads: pages, counts, search and children, from the search index.

A part of :class:`~digikunta_tui.domain.repository.Repository` (a base class of it), kept apart
because it is the side that reads the derived index (:mod:`index`) rather than the replica.
While the index is not ready (a first build running) these raise
:class:`~digikunta_tui.domain.index.IndexNotReady`; ``Row.fields`` are read from the replica
for the rows of an answer when first asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from digikunta_tui.domain.index import Hit, Row, SearchIndex
from digikunta_tui.domain.index_rows import TEXT_KINDS
from digikunta_tui.domain.kinds import KINDS
from digikunta_tui.domain.replica_reads import fields_by_id
from digikunta_tui.domain.search import match_expression, query_terms
from digikunta_tui.domain.stored import moment_text, read_id, read_int, read_moment
from sync import Replica

_MEMBER = "instr({}, '|' || ? || '|') > 0"
FILTERS: dict[str, dict[str, str]] = {
    "person": {"organization": "organization = ?", "role": _MEMBER.format("roles")},
    "story": {
        "organization": "organization = ?",
        "unit": "unit = ?",
        "stage": "stage = ?",
        "theme": _MEMBER.format("themes"),
    },
    "webinar": {"status": "status = ?"},
    "registration": {"webinar": "webinar = ?", "person": "person = ?"},
    "consent": {"person": "person = ?"},
    "indicator": {"story": "story = ?"},
    "newsletter": {"webinar": "webinar = ?", "status": "status = ?"},
}
"""Kind → filter name → SQL condition on an index column (webinars also take ``upcoming``)."""

SEARCH_KINDS: tuple[str, ...] = (
    "organization",
    "person",
    "webinar",
    "story",
    "newsletter",
    "indicator",
)
"""What ``search`` looks through unless told otherwise."""


class ListReads:
    """Lists, counts and search of records, read from the search index."""

    replica: Replica
    _index: SearchIndex

    _now: Callable[[], str]
    """The current time as stored (the repository's clock: ``Repository._now``)."""

    def _where(self, kind: str, filters: Mapping[str, str] | None) -> list[tuple[str, Any]]:
        where: list[tuple[str, Any]] = []
        allowed = FILTERS.get(kind, {})
        for name, value in (filters or {}).items():
            if kind == "webinar" and name == "upcoming":
                where.append(("starts_at >= ?" if value == "1" else "starts_at < ?", self._now()))
            elif name in allowed:
                where.append((allowed[name], value))
            else:
                raise ValueError(f"{kind} lists cannot be filtered by {name!r}")
        return where

    def count(self, kind: str, query: str = "", filters: dict[str, str] | None = None) -> int:
        """How many live ``kind`` records match ``query`` and ``filters``."""
        where = self._where(kind, filters)
        return self._index.count(kind, match=_text_match(kind, query), where=where)

    def page(
        self,
        kind: str,
        *,
        query: str = "",
        filters: dict[str, str] | None = None,
        offset: int = 0,
        limit: int = 100,
    ) -> list[Row]:
        """One page of a list, in Finnish order of title (webinars newest first).

        ``query`` filters as you type (prefixes, case and diacritics ignored, every word must
        match); a query without letters or digits filters nothing.

        Raises:
            ValueError: a query for registrations or consent events, which have no text of
                their own to match (list them by person or webinar with ``filters``).
        """
        return self._index.rows(
            kind,
            match=_text_match(kind, query),
            where=self._where(kind, filters),
            order="starts_at DESC, id" if kind == "webinar" else "sort_key, id",
            offset=offset,
            limit=limit,
            fields_of=self._fields_of,
        )

    def search(self, query: str, *, kinds: list[str] | None = None, limit: int = 20) -> list[Hit]:
        """Best matches across kinds, best first (title matches weigh most); [] for no words.

        A record whose whole title is what was typed comes first (bm25 alone prefers a short
        record that merely starts with it). ``kinds=None`` searches ``SEARCH_KINDS``.
        Registrations and consent events (whose title is a person's name) have no text rows
        (``index_rows.TEXT_KINDS``): they are reached through their person, never found here.
        """
        match = match_expression(query)
        if match is None:
            return []
        wanted = SEARCH_KINDS if kinds is None else [k for k in kinds if k in KINDS]
        hits = self._index.search(match, kinds=list(wanted), limit=limit)
        typed = query_terms(query)
        hits.sort(key=lambda hit: query_terms(hit.title) != typed)  # stable: rank order kept
        return hits

    def _children(self, kind: str, column: str, parent_id: str) -> list[Row]:
        return self._index.rows(
            kind, where=[(f"{column} = ?", parent_id)], limit=None, fields_of=self._fields_of
        )

    def _fields_of(self, wanted: Iterable[tuple[str, str]]) -> dict[str, dict[str, Any]]:
        return fields_by_id(self.replica, wanted)

    def people_of(self, org_id: str) -> list[Row]:
        """The organisation's people, in Finnish order."""
        return self._children("person", "organization", org_id)

    def stories_of(self, org_id: str) -> list[Row]:
        """The organisation's stories, in Finnish order of title."""
        return self._children("story", "organization", org_id)

    def _referenced(self, kind: str, value: Any) -> dict[str, Any] | None:
        """The live record a stored reference points to (None when unreadable or gone)."""
        target = read_id(value)
        return self.replica.get(kind, target) if isinstance(target, str) else None

    def registrations_of(
        self, webinar_id: str
    ) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
        """(registration id, its fields, the person's fields) in Finnish order of name."""
        rows = self._children("registration", "webinar", webinar_id)
        return [(r.id, r.fields, self._referenced("person", r.fields.get("person"))) for r in rows]

    def registrations_of_person(
        self, person_id: str
    ) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
        """(registration id, its fields, the webinar's fields), newest webinar first.

        Webinars whose start cannot be read come last.
        """
        rows = self._children("registration", "person", person_id)
        found = [
            (r.id, r.fields, self._referenced("webinar", r.fields.get("webinar"))) for r in rows
        ]

        def start(item: tuple[str, dict[str, Any], dict[str, Any] | None]) -> str:
            moment = read_moment((item[2] or {}).get("starts_at"))
            return moment_text(moment) if isinstance(moment, datetime) else ""

        found.sort(key=start, reverse=True)
        return found

    def indicators_of(self, story_id: str) -> list[tuple[str, dict[str, Any]]]:
        """The story's indicators (id, fields), in Finnish order of name."""
        return [(r.id, r.fields) for r in self._children("indicator", "story", story_id)]

    def newsletter_of(self, webinar_id: str) -> tuple[str, dict[str, Any]] | None:
        """The newsletter documenting a webinar (the lowest number if several), or None."""
        rows = self._children("newsletter", "webinar", webinar_id)

        def number(row: Row) -> tuple[int, str]:
            value = read_int(row.fields.get("number"))
            return (value if isinstance(value, int) else 0, row.id)

        rows.sort(key=number)
        return (rows[0].id, rows[0].fields) if rows else None

    def recent_changes(self, limit: int = 10) -> list[Row]:
        """The most recently changed live records, newest first."""
        return self._index.recent(limit, fields_of=self._fields_of)


def _text_match(kind: str, query: str) -> str | None:
    """The FTS5 expression of ``query`` for a list of ``kind`` (None: no words typed)."""
    match = match_expression(query)
    if match is not None and kind not in TEXT_KINDS:
        raise ValueError(f"{kind} records have no text to match: filter them by person or webinar")
    return match
