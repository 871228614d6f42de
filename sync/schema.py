"""The replica's SQLite schema and connection settings."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .errors import ReplicaError
from .hlc import new_replica_id

SCHEMA_VERSION = 1
BUSY_TIMEOUT = 30.0
"""Seconds a connection waits for another one's lock before it gives up."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Current records (tombstones too) and, per record, the base: its state at the last sync.
CREATE TABLE IF NOT EXISTS records (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    fields TEXT NOT NULL,          -- JSON object of visible fields ({} for tombstones)
    stamps TEXT NOT NULL,          -- JSON object field -> HLC stamp
    deleted TEXT,                  -- HLC stamp of the deletion, or NULL
    erased INTEGER NOT NULL DEFAULT 0,
    alive INTEGER NOT NULL,
    dirty INTEGER NOT NULL DEFAULT 0,   -- changed locally since the last sync
    seq INTEGER NOT NULL,               -- bumped on every visible change (change feed)
    base_hash INTEGER,                  -- hash of the record's line at the last sync
    base_stamps TEXT,                   -- JSON stamps at the last sync (NULL: not in base)
    base_deleted TEXT
);
CREATE INDEX IF NOT EXISTS records_kind ON records (kind, alive);
CREATE INDEX IF NOT EXISTS records_dirty ON records (dirty) WHERE dirty = 1;
CREATE INDEX IF NOT EXISTS records_seq ON records (seq);
CREATE INDEX IF NOT EXISTS records_erased ON records (erased) WHERE erased = 1;
CREATE TABLE IF NOT EXISTS conflicts (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    data TEXT NOT NULL,
    resolved TEXT
);
CREATE INDEX IF NOT EXISTS conflicts_record ON conflicts (record);
-- What the last sync learned about the shared document's lines (sync/layout.py): a cache,
-- valid only for the replica and the base generation it names.
CREATE TABLE IF NOT EXISTS sync_layout (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    replica TEXT NOT NULL,
    generation TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_log (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    transport TEXT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL,         -- ok, offline, error
    pulled INTEGER NOT NULL DEFAULT 0,
    pushed INTEGER NOT NULL DEFAULT 0,
    conflicts INTEGER NOT NULL DEFAULT 0,
    fast_path INTEGER NOT NULL DEFAULT 0,
    duration_ms REAL NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT ''
);
"""


def connect(path: Path) -> sqlite3.Connection:
    """Open a connection in autocommit mode (transactions are explicit), WAL, full sync.

    ``secure_delete`` makes SQLite overwrite deleted content with zeros, so a value that is
    replaced or erased does not linger in free space of the file's pages (GDPR erasure; the
    WAL is dealt with by :meth:`sync.Replica.scrub`).
    """
    # Each connection is used by one thread only; check_same_thread=False lets the owner of
    # the Replica close them all from whichever thread it is in.
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
    )
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA secure_delete=ON")
    # temp_store stays FILE: any temporary table spills to a file SQLite deletes as it creates
    # it, so it never has a name in any folder. (A sync keeps no stage table: it stages the
    # merged records' JSON lines, which it holds anyway, and writes them once at the commit.)
    return conn


def prepare_file(conn: sqlite3.Connection, path: Path, name: str | None) -> dict[str, str]:
    """Create the tables (and, in a new file, the replica id) and return the meta values.

    ``name`` (if given) is stored as the replica's human name.

    Raises:
        ReplicaError: the file was made by a newer Digikunta.
        sqlite3.DatabaseError: the file is not a SQLite database.
    """
    conn.executescript(SCHEMA)
    conn.execute("BEGIN IMMEDIATE")
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        if "replica_id" not in meta:
            meta["replica_id"] = new_replica_id()
            conn.execute("INSERT INTO meta VALUES ('replica_id', ?)", (meta["replica_id"],))
            conn.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif int(meta.get("schema", "1")) > SCHEMA_VERSION:
            raise ReplicaError(f"{path}: made by a newer Digikunta; update to open it")
        if "erasures" not in meta:  # made before erasures were counted: scrub once
            held = conn.execute("SELECT 1 FROM records WHERE erased = 1 LIMIT 1").fetchone()
            conn.execute("INSERT INTO meta VALUES ('erasures', ?)", ("1" if held else "0",))
        if name is not None and name != meta.get("name"):
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('name', ?)", (name,))
            meta["name"] = name
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return meta
