"""The rows the search index holds for records: one record's, and every live record's in batches.

A record's ``items`` row holds no copy of its fields: only the language-neutral title and
subtitle (:mod:`listing`), the Finnish sort key, and the few columns lists filter and join on;
its ``fts`` row the folded text search matches. Registrations and consent events have no
``fts`` row (:data:`TEXT_KINDS`): their title is their person's name, and they are reached
through their person or webinar, never by typing — at 50 000 people they are seven in ten
records, and leaving their text out makes a build a third faster and a rename of a person
cheaper. :func:`read_batches` makes the rows of a whole
replica in the order a new index file is written, from a connection to the replica file: in
the process that builds the file, or in a second one (:mod:`index_process`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from digikunta_tui.domain.finnish import sort_key
from digikunta_tui.domain.kinds import KINDS
from digikunta_tui.domain.listing import (
    SORT_SEPARATOR,
    TEXT_FIELDS,
    NameLookup,
    choice_token,
    listing,
    person_title,
    primary_key,
)
from digikunta_tui.domain.replica_reads import decode_fields
from digikunta_tui.domain.search import index_text
from digikunta_tui.domain.stored import ID_PATTERN, items_of, moment_text, read_moment
from sync import Replica

# Parents first, so that a build finds every referenced title already made.
KIND_ORDER: tuple[str, ...] = tuple(
    dict.fromkeys(("organization", "person", "webinar", "story", *KINDS))
)
TEXT_KINDS: frozenset[str] = frozenset(KINDS) - {"registration", "consent"}
"""The kinds whose records have full-text rows (search and text filters reach only these)."""

PARENT_COLUMNS = ("organization", "person", "webinar", "story")
"""Reference columns whose target's title shows in the referring record's title or subtitle."""

FILTERS = (
    "organization",
    "unit",
    "stage",
    "status",
    "starts_at",
    "roles",
    "themes",
    "webinar",
    "person",
    "story",
    "email",
)
"""The filter columns, in the order :func:`filter_values` gives them."""

# --- one record -------------------------------------------------------------------------------


def _listed(value: Any) -> str | None:
    """A list field as ``|a|b|`` so ``instr(column, '|a|')`` tests membership exactly."""
    if value is None:
        return None
    items = items_of(value)
    return "|" + "|".join(items) + "|" if items else None


def _word(value: Any) -> str | None:
    """A text or choice column (None when the stored value is not text, or blank)."""
    return value if type(value) is str and value and not value.isspace() else None


def _ref(value: Any) -> str | None:
    """A reference column (None when the stored value is no record id)."""
    return value if type(value) is str and ID_PATTERN.fullmatch(value) else None


def _moment(value: Any) -> str | None:
    """An instant column in the stored form (None when unreadable: it sorts last, matches none)."""
    if value is None:
        return None
    moment = read_moment(value)
    return moment_text(moment) if isinstance(moment, datetime) else None


def _email(value: Any) -> str | None:
    """The e-mail column: in lower case, for the uniqueness check."""
    word = _word(value)
    return word.lower() if word else None


_READERS: dict[str, Callable[[Any], str | None]] = {
    "organization": _ref,
    "unit": _word,
    "stage": _word,
    "status": _word,
    "starts_at": _moment,
    "roles": _listed,
    "themes": _listed,
    "webinar": _ref,
    "person": _ref,
    "story": _ref,
    "email": _email,
}
assert tuple(_READERS) == FILTERS

KIND_FILTERS: dict[str, tuple[str, ...]] = {
    "person": ("organization", "roles", "email"),
    "story": ("organization", "unit", "stage", "themes"),
    "webinar": ("status", "starts_at"),
    "registration": ("webinar", "person"),
    "consent": ("person",),
    "indicator": ("story",),
    "newsletter": ("webinar", "status"),
}
"""The filter columns each kind fills (lists filter and join on these; the rest stay NULL)."""

_COLUMN_READERS = {
    kind: tuple((FILTERS.index(name), name, _READERS[name]) for name in names)
    for kind, names in KIND_FILTERS.items()
}
_EMPTY = (None,) * len(FILTERS)
_KIND_READERS = {kind: _COLUMN_READERS.get(kind, ()) for kind in KINDS}


def filter_values(kind: str, fields: Mapping[str, Any]) -> tuple[str | None, ...]:
    """The filter columns of one record, in ``FILTERS`` order (values read leniently)."""
    readers = _COLUMN_READERS.get(kind)
    if readers is None:
        return _EMPTY
    values: list[str | None] = [None] * len(FILTERS)
    get = fields.get
    for position, name, read in readers:
        if (value := get(name)) is not None:
            values[position] = read(value)
    return tuple(values)


def index_rows(
    rowid: int, kind: str, rid: str, fields: Mapping[str, Any], seq: int, name_of: NameLookup
) -> tuple[tuple[Any, ...], tuple[Any, ...] | None]:
    """One record's row of ``items`` (``ITEM_COLUMNS``) and of ``fts`` (``INSERT_TEXT``; None
    for a kind not in :data:`TEXT_KINDS`)."""
    title, subtitle, key, more = listing(kind, fields, name_of)
    text = None
    if kind in TEXT_KINDS:
        body = f"{subtitle} {more}" if more else subtitle
        text = (rowid, _title_text(title), index_text(body), kind)
    return (rowid, rid, kind, title, subtitle, key, seq, *filter_values(kind, fields)), text


def compact_rows(
    rowid: int, kind: str, rid: str, fields: Mapping[str, Any], name_of: NameLookup
) -> tuple[tuple[Any, ...], tuple[Any, ...] | None]:
    """:func:`index_rows` without the values a build writes into its statements (the kind, the
    sequence number and the filter columns the kind leaves NULL: see
    :func:`~digikunta_tui.domain.index_build.kind_inserts`)."""
    title, subtitle, key, more = listing(kind, fields, name_of)
    get = fields.get
    filters = [
        None if (v := get(name)) is None else read(v) for _, name, read in _KIND_READERS[kind]
    ]
    text = None
    if kind in TEXT_KINDS:
        body = f"{subtitle} {more}" if more else subtitle
        text = (rowid, _title_text(title), index_text(body))
    return (rowid, rid, title, subtitle, key, *filters), text


# --- the three largest kinds, the short way -----------------------------------------------------
# People, registrations and consent events are 98 % of the records at 50 000 people. When their
# fields hold what the models allow (an id or nothing, a text or nothing), their rows are made
# here in a few steps; any other value takes :func:`compact_rows`, so the rows are the same
# either way (a test compares the two on any values).

Rows = tuple[tuple[Any, ...], tuple[Any, ...] | None]
"""A record's ``items`` row and its ``fts`` row (None for a kind without text rows)."""
RowMaker = Callable[[int, str, Mapping[str, Any], NameLookup], Rows]
"""(rowid, id, fields, name_of) → :func:`compact_rows` of one kind."""

_fullmatch_id = ID_PATTERN.fullmatch


def _registration_rows(
    rowid: int, rid: str, fields: Mapping[str, Any], name_of: NameLookup
) -> Rows:
    get = fields.get
    person, webinar = get("person"), get("webinar")
    if person is not None and not (type(person) is str and _fullmatch_id(person)):
        return compact_rows(rowid, "registration", rid, fields, name_of)
    if webinar is not None and not (type(webinar) is str and _fullmatch_id(webinar)):
        return compact_rows(rowid, "registration", rid, fields, name_of)
    title = (name_of(person) or "") if person is not None else ""
    subtitle = (name_of(webinar) or "") if webinar is not None else ""
    return (rowid, rid, title, subtitle, primary_key(title), webinar, person), None


_consent_subtitles: dict[tuple[str | None, str | None], str] = {}


def _consent_rows(rowid: int, rid: str, fields: Mapping[str, Any], name_of: NameLookup) -> Rows:
    get = fields.get
    person, purpose, action, at = get("person"), get("purpose"), get("action"), get("at")
    if (
        (person is not None and not (type(person) is str and _fullmatch_id(person)))
        or (purpose is not None and type(purpose) is not str)
        or (action is not None and type(action) is not str)
        or (at is not None and type(at) is not str)
    ):
        return compact_rows(rowid, "consent", rid, fields, name_of)
    subtitle = _consent_subtitles.get((purpose, action))
    if subtitle is None:
        purpose_text = choice_token("consent_purpose", purpose)
        subtitle = f"{purpose_text}: {choice_token('consent_action', action)}"
        _consent_subtitles[purpose, action] = subtitle
    title = (name_of(person) or "") if person is not None else ""
    key = f"{primary_key(title)}{SORT_SEPARATOR}{sort_key(at)[0] if at else ''}"
    return (rowid, rid, title, subtitle, key, person), None


_TEXT_OR_NONE = frozenset((str, type(None)))
_ONLY_TEXT = frozenset((str,))
assert TEXT_FIELDS["person"] == ("job_title", "email", "phone", "notes")  # read one by one below


def _person_rows(rowid: int, rid: str, fields: Mapping[str, Any], name_of: NameLookup) -> Rows:
    get = fields.get
    given, family, org, roles = (
        get("given_name"),
        get("family_name"),
        get("organization"),
        get("roles"),
    )
    job, email, phone, notes = get("job_title"), get("email"), get("phone"), get("notes")
    texts = _TEXT_OR_NONE
    if (
        type(given) not in texts
        or type(family) not in texts
        or type(job) not in texts
        or type(email) not in texts
        or type(phone) not in texts
        or type(notes) not in texts
        or (org is not None and not (type(org) is str and _fullmatch_id(org)))
        or (roles is not None and not (type(roles) is list and set(map(type, roles)) <= _ONLY_TEXT))
    ):
        return compact_rows(rowid, "person", rid, fields, name_of)
    given = given if given and not given.isspace() else ""
    family = family if family and not family.isspace() else ""
    title = f"{given} {family}".strip()
    subtitle = (name_of(org) or "") if org is not None else ""
    key = f"{primary_key(family)}{SORT_SEPARATOR}{primary_key(given)}"
    more = " ".join(filter(None, (job, email, phone, notes)))
    body = f"{subtitle} {more}" if more else subtitle
    return (
        rowid,
        rid,
        title,
        subtitle,
        key,
        org,
        "|" + "|".join(roles) + "|" if roles else None,
        email.lower() if email and not email.isspace() else None,
    ), (rowid, _title_text(title), index_text(body))


ROW_MAKERS: dict[str, RowMaker] = {
    "registration": _registration_rows,
    "consent": _consent_rows,
    "person": _person_rows,
}
"""The kinds whose build rows have a short way (see above); the rest take
:func:`compact_rows`."""


@lru_cache(maxsize=1 << 16)
def _title_text(title: str) -> str:
    # A person's name is the title of each of their registrations and consents too: cached.
    return index_text(title)


# --- every record -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a build's read of the replica saw, before its rows."""

    seq: int
    """The replica change sequence number the rows reflect."""
    erasures: int
    """The replica's erasure count at the same moment: the rows hold none of those records."""
    records: int
    """How many rows follow (live records of the kinds indexed)."""


Batch = tuple[str, list[tuple[Any, ...]], list[tuple[Any, ...]]]
"""(kind, ``items`` rows, ``fts`` rows) of consecutive records of one kind (see
:func:`compact_rows`; no ``fts`` rows for a kind not in :data:`TEXT_KINDS`)."""


def read_batches(
    conn: sqlite3.Connection,
    batch: int,
    kinds: tuple[str, ...] = KIND_ORDER,
    first_rowid: int = 1,
    titles: dict[str, str] | None = None,
) -> Iterator[Snapshot | Batch]:
    """A :class:`Snapshot`, then the rows of the live records of ``kinds`` in batches.

    ``conn`` is a connection to a replica file inside a read transaction the caller holds, so
    that everything comes from one consistent state however long the reading takes. Rows are
    numbered from ``first_rowid`` in the order of ``kinds`` (``KIND_ORDER``: parents first, so
    that each referenced title is known); the titles of parent kinds not among ``kinds`` are
    read first — or, when ``titles`` is given, taken from it (by id; the caller fills it
    before it asks for the first batch). Plain SQL on the replica's ``records`` and ``meta``
    tables (``sync/schema.py``).
    """
    marks = ", ".join("?" * len(kinds))
    counted = f"SELECT COUNT(*) FROM records WHERE alive = 1 AND kind IN ({marks})"
    erased = conn.execute("SELECT value FROM meta WHERE key = 'erasures'").fetchone()
    yield Snapshot(
        seq=Replica.newest_seq(conn),
        erasures=int(erased[0] or 0) if erased else 0,
        records=conn.execute(counted, kinds).fetchone()[0],
    )
    decode = decode_fields
    given = titles is not None
    if titles is None:
        titles = {}
    for kind in PARENT_COLUMNS:
        if kind not in kinds and not given:
            titles.update(
                (rid, _title_only(kind, decode(stored)[0])) for rid, stored in _live(conn, kind)
            )
    name_of = titles.get
    rowid = first_rowid - 1
    for kind in kinds:
        keep = kind in PARENT_COLUMNS  # the parent kinds share their titles with their children
        items: list[tuple[Any, ...]] = []
        texts: list[tuple[Any, ...]] = []
        make = ROW_MAKERS.get(kind)
        for rid, stored in _live(conn, kind):
            rowid += 1
            if make is not None:
                item, text = make(rowid, rid, decode(stored)[0], name_of)
            else:
                item, text = compact_rows(rowid, kind, rid, decode(stored)[0], name_of)
            if keep:
                titles[rid] = item[2]
            items.append(item)
            if text is not None:
                texts.append(text)
            if len(items) >= batch:
                yield kind, items, texts
                items, texts = [], []
        if items:
            yield kind, items, texts


def _live(conn: sqlite3.Connection, kind: str) -> Iterator[tuple[str, str]]:
    """(id, fields as stored JSON) of the live records of ``kind``, in storage order."""
    return conn.execute("SELECT id, fields FROM records WHERE kind = ? AND alive = 1", (kind,))


def _title_only(kind: str, fields: Mapping[str, Any]) -> str:
    """The title :func:`listing` gives a record of a parent kind (it names no other record)."""
    if kind == "person":
        return person_title(fields)
    return listing(kind, fields, _no_names).title


def _no_names(rid: str) -> None:
    return None
