"""Building the search index: its tables, one record's rows, and a whole new index file.

A new file is written the fast way SQLite allows for derived data — no journal, no syncing
(a crash leaves a half-written file that is deleted and built again), a large page cache —
with only the tables' primary keys while the rows stream in, and the secondary indexes
created after the load (sorting once is far cheaper than keeping nine B-trees in order row by
row). Each kind is inserted with its own statements, which bind only the values that differ
from row to row (binding a parameter costs about as much as SQLite's storing it). It is built
beside the live index, which readers keep using until
:class:`~digikunta_tui.domain.index.SearchIndex` swaps the new file in.

The rows hold no copy of a record's fields: only the language-neutral title and subtitle
(:mod:`listing`), the Finnish sort key, and the few columns lists filter and join on.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from digikunta_tui.domain.kinds import KINDS
from digikunta_tui.domain.listing import NameLookup, listing
from digikunta_tui.domain.replica_reads import decode_fields, live_rows
from digikunta_tui.domain.search import TOKENIZER, index_text
from digikunta_tui.domain.stored import ID_PATTERN, items_of, moment_text, read_moment
from sync import Replica

Progress = Callable[[int, int], None]
"""progress(done, total): called from the thread doing the work; total may be 0 (unknown)."""

SCHEMA_VERSION = 5
"""Bump when the tables or what goes in them change: old index files are then rebuilt."""

# Parents first, so that a build finds every referenced title already made.
KIND_ORDER: tuple[str, ...] = tuple(
    dict.fromkeys(("organization", "person", "webinar", "story", *KINDS))
)
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

# No FTS5 prefix indexes: at 50 000 people they made the file 20 MB larger and the build 1.5 s
# longer, and typing "v", "vi", "vir" … was no faster with them (FTS5 scans the term list).
TABLES = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS items (
    rowid INTEGER PRIMARY KEY,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    subtitle TEXT NOT NULL,
    sort_key TEXT NOT NULL,
    seq INTEGER NOT NULL,
    {", ".join(f"{name} TEXT" for name in FILTERS)}
);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    title, body, kind, tokenize = "{TOKENIZER}"
);
"""

INDEXES = """
CREATE UNIQUE INDEX IF NOT EXISTS items_id ON items (id);
CREATE INDEX IF NOT EXISTS items_sort ON items (kind, sort_key, id);
CREATE INDEX IF NOT EXISTS items_seq ON items (seq);
CREATE INDEX IF NOT EXISTS items_starts ON items (kind, starts_at) WHERE starts_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_organization ON items (organization, kind, sort_key)
    WHERE organization IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_person ON items (person) WHERE person IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_webinar ON items (webinar) WHERE webinar IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_story ON items (story) WHERE story IS NOT NULL;
CREATE INDEX IF NOT EXISTS items_email ON items (email) WHERE email IS NOT NULL;
"""

ITEM_COLUMNS = ("rowid", "id", "kind", "title", "subtitle", "sort_key", "seq", *FILTERS)
INSERT_ITEM = (
    f"INSERT INTO items ({', '.join(ITEM_COLUMNS)}) VALUES ({', '.join('?' * len(ITEM_COLUMNS))})"
)
INSERT_TEXT = "INSERT INTO fts (rowid, title, body, kind) VALUES (?, ?, ?, ?)"

BATCH = 2000
"""Records per insert batch (and between progress reports and cancel checks) in a build."""

BUILD_CACHE_KIB = 64 * 1024
"""Page cache of the connection building a new file (the default is 2 MiB)."""

_BUILD_SUFFIX = ".build-"


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
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """One record's row of ``items`` (``ITEM_COLUMNS``) and of ``fts`` (``INSERT_TEXT``)."""
    title, subtitle, key, more = listing(kind, fields, name_of)
    body = f"{subtitle} {more}" if more else subtitle
    text = (rowid, _title_text(title), index_text(body), kind)
    return (rowid, rid, kind, title, subtitle, key, seq, *filter_values(kind, fields)), text


def _kind_inserts(kind: str, seq: int) -> tuple[str, str]:
    """A build's two INSERT statements for the records of one kind (see :func:`_compact_rows`).

    The kind and the sequence number are the same for every row of a build's kind, and most
    filter columns are NULL for a kind: they are written into the statements, not bound per
    row (binding a parameter costs as much as SQLite's storing it). ``kind`` is one of
    ``KIND_ORDER`` (a plain word from the code), ``seq`` an int.
    """
    if not (kind.replace("_", "").isalpha() and kind.isascii()):
        raise ValueError(f"not a record kind: {kind!r}")
    names = KIND_FILTERS.get(kind, ())
    columns = ", ".join(("rowid", "id", "title", "subtitle", "sort_key", *names, "kind", "seq"))
    marks = ", ".join("?" * (5 + len(names)))
    item = f"INSERT INTO items ({columns}) VALUES ({marks}, '{kind}', {int(seq)})"
    text = f"INSERT INTO fts (rowid, title, body, kind) VALUES (?, ?, ?, '{kind}')"
    return item, text


def _compact_rows(
    rowid: int, kind: str, rid: str, fields: Mapping[str, Any], name_of: NameLookup
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """:func:`index_rows` for :func:`_kind_inserts`: the same values, those of the row only."""
    title, subtitle, key, more = listing(kind, fields, name_of)
    body = f"{subtitle} {more}" if more else subtitle
    get = fields.get
    filters = [
        None if (v := get(name)) is None else read(v) for _, name, read in _KIND_READERS[kind]
    ]
    text = (rowid, _title_text(title), index_text(body))
    return (rowid, rid, title, subtitle, key, *filters), text


@lru_cache(maxsize=1 << 16)
def _title_text(title: str) -> str:
    # A person's name is the title of each of their registrations and consents too: cached.
    return index_text(title)


# --- a new file -------------------------------------------------------------------------------


class Cancelled(Exception):
    """The build was asked to stop; nothing of it is left."""


@dataclass(frozen=True, slots=True)
class Built:
    """A finished index file, not yet in use."""

    path: Path
    records: int
    seq: int
    """The replica change sequence number the file reflects."""
    erasures: int
    """The replica's erasure count when it was read: the new file holds none of them."""


def work_path(target: Path) -> Path:
    """A fresh name beside ``target`` for a file being built by this process."""
    return target.with_name(f"{target.name}{_BUILD_SUFFIX}{os.getpid()}-{secrets.token_hex(4)}")


def remove_files(path: Path) -> None:
    """Delete an SQLite file with its journal, write-ahead log and shared-memory file."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


def remove_abandoned_builds(target: Path) -> None:
    """Delete files a build left behind when its process died (they may hold erased data)."""
    for path in target.parent.glob(f"{target.name}{_BUILD_SUFFIX}*"):
        pid_text = path.name[len(target.name) + len(_BUILD_SUFFIX) :].split("-", 1)[0]
        if pid_text.isdigit() and not _alive(int(pid_text)):
            with suppress(OSError):
                path.unlink()


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours to signal
        return True
    return True


def build_file(
    target: Path,
    replica: Replica,
    identity: Mapping[str, str],
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Built:
    """Write a complete index of ``replica`` into a new file beside ``target``.

    The replica is read in one read transaction (a consistent snapshot, however long the build
    takes, while other connections write). ``progress`` is called every ``BATCH`` records, with
    a total that includes the finishing steps; ``cancel`` is checked as often.

    Raises:
        Cancelled: ``cancel`` was set; the new file is deleted.
    """
    path = work_path(target)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        for pragma in (
            "journal_mode = OFF",
            "synchronous = OFF",
            "locking_mode = EXCLUSIVE",
            f"cache_size = -{BUILD_CACHE_KIB}",
        ):
            conn.execute(f"PRAGMA {pragma}")
        conn.executescript(TABLES)
        conn.execute("BEGIN")
        records, seq, erasures = _load(conn, replica, progress, cancel)
        _finish(conn, records, progress, cancel)
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [*identity.items(), ("seq", str(seq)), ("erasures", str(erasures))],
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA locking_mode = NORMAL")
        conn.execute("PRAGMA journal_mode = WAL")
    except BaseException:
        conn.close()
        remove_files(path)
        raise
    conn.close()
    return Built(path, records, seq, erasures)


def _finish_steps(records: int) -> int:
    """How much of a build's progress total the steps after the load make up (a fifth)."""
    return max(records // 5, 1)


def _load(
    conn: sqlite3.Connection,
    replica: Replica,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> tuple[int, int, int]:
    """Stream every live record into the new file; returns (records, seq, erasures)."""
    source = replica.conn
    own = not source.in_transaction
    if own:
        source.execute("BEGIN")  # deferred: the first read below fixes the snapshot
    try:
        seq = Replica.next_seq(source) - 1
        erasures = replica.erasures
        known = sum(replica.count(kind) for kind in KIND_ORDER)
        total = known + _finish_steps(known)
        titles: dict[str, str] = {}
        rowid = 0
        for kind in KIND_ORDER:
            keep = titles if kind in PARENT_COLUMNS else None
            rowid = _load_kind(
                conn,
                live_rows(replica, kind),
                (kind, seq),
                rowid,
                titles,
                keep,
                lambda done: report_progress(progress, cancel, done, total),
            )
    finally:
        if own:
            source.execute("COMMIT")
    return rowid, seq, erasures


def _load_kind(
    conn: sqlite3.Connection,
    records: Iterable[tuple[str, str]],
    kind_seq: tuple[str, int],
    rowid: int,
    titles: dict[str, str],
    keep: dict[str, str] | None,
    report: Callable[[int], None],
) -> int:
    kind, seq = kind_seq
    insert_item, insert_text = _kind_inserts(kind, seq)
    items: list[tuple[Any, ...]] = []
    texts: list[tuple[Any, ...]] = []
    name_of = titles.get
    decode = decode_fields
    for rid, stored in records:
        rowid += 1
        item, text = _compact_rows(rowid, kind, rid, decode(stored)[0], name_of)
        if keep is not None:  # the parent kinds share their titles with their children
            keep[rid] = item[2]
        items.append(item)
        texts.append(text)
        if len(items) >= BATCH:
            conn.executemany(insert_item, items)
            conn.executemany(insert_text, texts)
            items, texts = [], []
            report(rowid)
    if items:
        conn.executemany(insert_item, items)
        conn.executemany(insert_text, texts)
        report(rowid)
    return rowid


def report_progress(
    progress: Progress | None, cancel: threading.Event | None, done: int, total: int
) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled
    if progress is not None:
        progress(done, total)


def _finish(
    conn: sqlite3.Connection,
    records: int,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    """The secondary indexes, the planner's statistics; progress over the last fifth."""
    steps = [s.strip() for s in INDEXES.split(";") if s.strip()]
    steps += ["PRAGMA analysis_limit = 1000", "ANALYZE"]
    extra = _finish_steps(records)
    for n, statement in enumerate(steps, 1):
        conn.execute(statement)
        report_progress(progress, cancel, records + extra * n // len(steps), records + extra)
