"""Building the search index: its tables and statements, and a whole new index file.

A new file is written the fast way SQLite allows for derived data — no journal, no syncing
(a crash leaves a half-written file that is deleted and built again), a large page cache —
with only the tables' primary keys while the rows stream in, and the secondary indexes
created after the load (sorting once is far cheaper than keeping nine B-trees in order row by
row). Each kind is inserted with its own statements, which bind only the values that differ
from row to row (binding a parameter costs about as much as SQLite's storing it). It is built
beside the live index, which readers keep using until
:class:`~digikunta_tui.domain.index.SearchIndex` swaps the new file in. The rows come from
:mod:`index_rows`; for a large replica they are made in another process
(:mod:`index_process`) while this one writes.
"""

from __future__ import annotations

import logging
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digikunta_tui.domain.index_process import HERE, PROCESS_MIN, batches_from_processes
from digikunta_tui.domain.index_rows import (
    FILTERS,
    KIND_FILTERS,
    PARENT_COLUMNS,
    Batch,
    Snapshot,
    read_batches,
)
from digikunta_tui.domain.search import TOKENIZER
from digikunta_tui.errors import Cancelled, RowsFailed
from sync import Replica

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""progress(done, total): called from the thread doing the work; total may be 0 (unknown)."""

SCHEMA_VERSION = 6
"""Bump when the tables or what goes in them change: old index files are then rebuilt."""

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


# --- the statements of a build --------------------------------------------------------------


def kind_inserts(kind: str, seq: int) -> tuple[str, str]:
    """A build's two INSERT statements for the records of one kind (see
    :func:`~digikunta_tui.domain.index_rows.compact_rows`).

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


# --- a new file -------------------------------------------------------------------------------


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
    rows_elsewhere: bool | None = None,
) -> Built:
    """Write a complete index of ``replica`` into a new file beside ``target``.

    The replica is read in one read transaction (a consistent snapshot, however long the build
    takes, while other connections write). ``progress`` is called every ``BATCH`` records, with
    a total that includes the finishing steps; ``cancel`` is checked as often.
    ``rows_elsewhere`` makes the rows of most kinds in another process and those of ``HERE``
    in this one (:mod:`index_process`; default: from ``PROCESS_MIN`` live records); if the
    other process fails, the build starts again in this one alone.

    Raises:
        Cancelled: ``cancel`` was set; the new file is deleted.
    """
    if rows_elsewhere is None:
        rows_elsewhere = replica.count() >= PROCESS_MIN
    if rows_elsewhere:
        try:
            return _build(target, _batches_shared(replica), identity, progress, cancel)
        except RowsFailed as error:
            log.warning("index rows made in this process instead: %s", error)
    return _build(target, _batches_here(replica), identity, progress, cancel)


@contextmanager
def _batches_here(
    replica: Replica, here: tuple[tuple[str, ...], int] | None = None, **options: Any
) -> Iterator[Iterator[Snapshot | Batch]]:
    """:func:`read_batches` on this thread's connection to the replica (of ``here``'s kinds
    from its first row number; ``options`` as :func:`read_batches` takes them)."""
    source = replica.conn
    own = not source.in_transaction
    if own:
        source.execute("BEGIN")  # deferred: the first read fixes the snapshot
    try:
        if here is None:
            yield read_batches(source, BATCH, **options)
        else:
            yield read_batches(source, BATCH, *here, **options)
    finally:
        if own:
            source.execute("COMMIT")


@contextmanager
def _batches_shared(replica: Replica) -> Iterator[Iterator[Snapshot | Batch]]:
    """The rows of every kind: those of ``HERE`` made on this thread, the rest by another
    process (:func:`batches_from_processes`), with one snapshot first (the older state)."""
    titles: dict[str, str] = {}
    with (
        _batches_here(replica, HERE, titles=titles) as mine,
        batches_from_processes(replica.path, BATCH) as theirs,
    ):
        yield _shared(mine, theirs, titles)


def _shared(
    mine: Iterator[Snapshot | Batch], theirs: Iterator[Snapshot | Batch], titles: dict[str, str]
) -> Iterator[Snapshot | Batch]:
    """Their batches as they come, and this process's own once theirs have given every
    parent kind's titles (``KIND_ORDER`` sends the parent kinds first)."""
    own, other = next(mine), next(theirs)
    if not (isinstance(own, Snapshot) and isinstance(other, Snapshot)):
        raise RowsFailed("the index rows did not start with their snapshot")
    yield Snapshot(
        seq=min(own.seq, other.seq),
        erasures=min(own.erasures, other.erasures),
        records=own.records + other.records,
    )
    waiting: Iterator[Snapshot | Batch] | None = mine
    for item in theirs:
        if not isinstance(item, Snapshot) and item[0] in PARENT_COLUMNS:
            titles.update((row[1], row[2]) for row in item[1])
        elif waiting is not None:
            yield from waiting
            waiting = None
        yield item
    if waiting is not None:
        yield from waiting


def _build(
    target: Path,
    rows: AbstractContextManager[Iterator[Snapshot | Batch]],
    identity: Mapping[str, str],
    progress: Progress | None,
    cancel: threading.Event | None,
) -> Built:
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
        with rows as batches:
            snapshot = _load(conn, batches, progress, cancel)
        _finish(conn, snapshot.records, progress, cancel)
        conn.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [*identity.items(), ("seq", str(snapshot.seq)), ("erasures", str(snapshot.erasures))],
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA locking_mode = NORMAL")
        conn.execute("PRAGMA journal_mode = WAL")
    except BaseException:
        conn.close()
        remove_files(path)
        raise
    conn.close()
    return Built(path, snapshot.records, snapshot.seq, snapshot.erasures)


def _finish_steps(records: int) -> int:
    """How much of a build's progress total the steps after the load make up (a fifth)."""
    return max(records // 5, 1)


def _load(
    conn: sqlite3.Connection,
    batches: Iterator[Snapshot | Batch],
    progress: Progress | None,
    cancel: threading.Event | None,
) -> Snapshot:
    """Write every batch into the new file; returns the snapshot with the rows counted."""
    snapshot = next(batches)
    if not isinstance(snapshot, Snapshot):
        raise RowsFailed("the index rows did not start with their snapshot")
    total = snapshot.records + _finish_steps(snapshot.records)
    statements: dict[str, tuple[str, str]] = {}
    written = 0
    for item in batches:
        if isinstance(item, Snapshot):
            raise RowsFailed("a second snapshot among the index rows")
        kind, items, texts = item
        if kind not in statements:
            statements[kind] = kind_inserts(kind, snapshot.seq)
        insert_item, insert_text = statements[kind]
        conn.executemany(insert_item, items)
        if texts:
            conn.executemany(insert_text, texts)
        written += len(items)
        report_progress(progress, cancel, written, total)
    return Snapshot(snapshot.seq, snapshot.erasures, written)


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
