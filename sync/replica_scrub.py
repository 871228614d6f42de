"""Scrubbing a replica file after a GDPR erasure: ``VACUUM``, then an empty write-ahead log.

Deleted content is zeroed as it is deleted (``secure_delete``), but not everywhere (older
files, cells copied when pages were rebalanced); ``VACUUM`` rewrites the file from the live
rows only, and a truncating checkpoint empties the write-ahead log, whose old frames hold the
pages as they were before the erasure. The meta counters ``erasures``, ``vacuumed`` and
``scrubbed`` say what is due, so a scrub that could not finish is retried where it stopped.
"""

from __future__ import annotations

import sqlite3

from .errors import ReplicaError
from .replica_sql import meta_in, set_meta
from .schema import BUSY_TIMEOUT


def scrub_due(conn: sqlite3.Connection) -> bool:
    """True when an erasure happened after the last finished scrub."""
    row = conn.execute(
        "SELECT (SELECT value FROM meta WHERE key = 'erasures'),"
        " (SELECT value FROM meta WHERE key = 'scrubbed')"
    ).fetchone()
    return int(row[0] or 0) != int(row[1] or 0)


def scrub(conn: sqlite3.Connection, wait: float) -> bool:
    """Scrub the file ``conn`` is open on, waiting at most ``wait`` seconds for readers.

    A checkpoint cannot pass a reader still open on another connection (another thread's or
    process's): it waits up to ``wait`` seconds, then gives up, and the scrub stays due; a
    retry after a finished ``VACUUM`` only checkpoints.

    Returns:
        True when the file is scrubbed (or nothing was due), False when it must be retried.

    Raises:
        ReplicaError: ``conn`` is inside a transaction.
    """
    if conn.in_transaction:
        raise ReplicaError("a scrub cannot run inside a transaction")
    due = meta_in(conn, "erasures", "0") or "0"
    if due == (meta_in(conn, "scrubbed", "0") or "0"):
        return True
    conn.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
    try:
        if meta_in(conn, "vacuumed", "") != due:
            conn.execute("VACUUM")
            _set_meta_now(conn, "vacuumed", due)
        if not _checkpoint(conn):
            return False
        _set_meta_now(conn, "scrubbed", due)
        _checkpoint(conn)  # the WAL held only the meta page: empty it again
    except sqlite3.OperationalError:  # busy: another connection is writing
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
    return True


def _set_meta_now(conn: sqlite3.Connection, key: str, value: str) -> None:
    """Set a meta value in a write transaction of its own."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        set_meta(conn, key, value)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _checkpoint(conn: sqlite3.Connection) -> bool:
    """Copy the WAL into the file and truncate it to 0 bytes; False if a reader blocked it."""
    busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy
