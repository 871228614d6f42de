"""What the sync engine keeps in a replica, behind ``replica.state``.

The application edits and reads a :class:`sync.Replica`; the engine (:mod:`sync.engine`,
:mod:`sync.reconcile`, :mod:`sync.commit`) also needs the replica's clock, bases, layout,
dirty marks and sync history. Those live on one :class:`ReplicaState` per replica, so the
replica's own surface is what an application needs. Nothing outside ``sync`` should use it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from . import replica_sql
from .hlc import MAX_STAMP, HybridClock, is_stamp
from .records import Record
from .replica_sql import RECORD_COLUMNS, loads, record_from_row
from .value import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .layout import Layout
    from .replica import Replica

# The largest stamp in range among the records (what a clock must continue after).
_NEWEST_STAMP_SQL = """
SELECT MAX(s) FROM (
    SELECT j.value AS s FROM records, json_each(records.stamps) AS j
    UNION ALL SELECT deleted FROM records WHERE deleted IS NOT NULL
) WHERE typeof(s) = 'text' AND length(s) = 30 AND s <= ?
"""

BaseIndex = dict[int, tuple[str, str]]
"""Line hash -> (kind, id) of every record as of the last sync."""
BaseView = dict[str, "Any"]
"""A record's base as the engine compares it: ``{"stamps", "deleted", "hash"}``."""


class SyncLogEntry(Value):
    """One line of the sync history."""

    __slots__ = (
        "at",
        "conflicts",
        "duration_ms",
        "fast_path",
        "message",
        "outcome",
        "pulled",
        "pushed",
        "target",
        "transport",
    )

    def __init__(
        self, at: str, transport: str, target: str, outcome: str, pulled: int, pushed: int,
        conflicts: int, fast_path: bool, duration_ms: float, message: str,
    ) -> None:  # fmt: skip
        self.at = at
        self.transport = transport
        self.target = target
        self.outcome = outcome
        self.pulled = pulled
        self.pushed = pushed
        self.conflicts = conflicts
        self.fast_path = fast_path
        self.duration_ms = duration_ms
        self.message = message


def read_history(conn: sqlite3.Connection, limit: int) -> list[SyncLogEntry]:
    """The most recent ``limit`` syncs, newest first."""
    rows = conn.execute(
        "SELECT at, transport, target, outcome, pulled, pushed, conflicts, fast_path,"
        " duration_ms, message FROM sync_log ORDER BY n DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [
        SyncLogEntry(at, transport, target, outcome, pulled, pushed, n, bool(fast), ms, message)
        for at, transport, target, outcome, pulled, pushed, n, fast, ms, message in rows
    ]


class ReplicaState:
    """The engine's view of one replica: clock, bases, layout, dirty marks, history."""

    set_meta = staticmethod(replica_sql.set_meta)
    meta_in = staticmethod(replica_sql.meta_in)
    next_seq = staticmethod(replica_sql.next_seq)
    erased_ids_in = staticmethod(replica_sql.erased_ids_in)
    note_erasure = staticmethod(replica_sql.note_erasure)

    def __init__(self, replica: Replica) -> None:
        self._replica = replica
        self._base_cache: tuple[str, BaseIndex] | None = None
        self._base_lines: tuple[str, Sequence[int], list[str], list[str]] | None = None
        self._layout_cache: Layout | None = None

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._replica.conn

    def _generation(self) -> str:
        return self._replica.meta("base_generation", "0") or "0"

    # ------------------------------------------------------------------ clock
    def clock(self, conn: sqlite3.Connection) -> HybridClock:
        """The persisted clock, read inside the caller's transaction.

        A stored clock outside the clock's range (left by a version that let a stamp from
        the far future in) is replaced by one continuing after the newest in-range stamp of
        the records; the caller persists it with its next write.
        """
        row = conn.execute("SELECT value FROM meta WHERE key = 'clock'").fetchone()
        last = row[0] if row else None
        if last is not None and not is_stamp(last):
            last = conn.execute(_NEWEST_STAMP_SQL, (MAX_STAMP,)).fetchone()[0]
            if not is_stamp(last):
                last = None
        return HybridClock(self._replica.replica_id, last)

    def advance_clock(self, stamp: str) -> None:
        """Persist that the clock has seen ``stamp`` (so later local edits get larger stamps)."""
        with self._replica.write() as conn:
            clock = self.clock(conn)
            before = clock.last
            clock.observe(stamp)
            if clock.last != before:
                self.set_meta(conn, "clock", clock.last)

    # ---------------------------------------------------------------- history
    def log_sync(self, entry: SyncLogEntry, conn: sqlite3.Connection | None = None) -> None:
        """Append to the sync history (keeps the last 500)."""
        c = conn or self._conn
        c.execute(
            "INSERT INTO sync_log (at, transport, target, outcome, pulled, pushed, conflicts,"
            " fast_path, duration_ms, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                entry.at,
                entry.transport,
                entry.target,
                entry.outcome,
                entry.pulled,
                entry.pushed,
                entry.conflicts,
                int(entry.fast_path),
                entry.duration_ms,
                entry.message,
            ),
        )
        c.execute("DELETE FROM sync_log WHERE n <= (SELECT MAX(n) FROM sync_log) - 500")

    # ------------------------------------------------------------------ bases
    def needs_push(self) -> bool:
        """True when local records or conflict resolutions wait to be synced."""
        if self._replica.meta("conflicts_dirty") == "1":
            return True
        return (
            self._conn.execute("SELECT 1 FROM records WHERE dirty = 1 LIMIT 1").fetchone()
            is not None
        )

    def base_index(self) -> BaseIndex:
        """Line hash -> (kind, id) of every record as of the last sync (cached)."""
        generation = self._generation()
        cached = self._base_cache
        if cached is not None and cached[0] == generation:
            return cached[1]
        lines = self._base_lines
        self._base_lines = None
        if lines is not None and lines[0] == generation:
            index = dict(zip(lines[1], zip(lines[2], lines[3], strict=True), strict=True))
            self._base_cache = (generation, index)
            return index
        rows = self._conn.execute(
            "SELECT base_hash, kind, id FROM records WHERE base_hash IS NOT NULL"
        )
        kinds: dict[str, str] = {}  # one string per kind, not one per row (5 MB at 100 000)
        kind = kinds.setdefault
        index = {h: (kind(k, k), rid) for h, k, rid in rows}
        self._base_cache = (generation, index)
        return index

    def based_ids(self) -> set[str]:
        """Ids of the records that have a base line, without making the base index."""
        cached = self._base_cache
        if cached is not None and cached[0] == self._generation():
            return {rid for _, rid in cached[1].values()}
        rows = self._conn.execute("SELECT id FROM records WHERE base_hash IS NOT NULL")
        return {rid for (rid,) in rows}

    def remember_base_index(self, generation: str, index: BaseIndex) -> None:
        """Cache the base index a sync just committed (saves reading it back)."""
        self._base_cache = (generation, index)
        self._base_lines = None

    def remember_base_lines(
        self, generation: str, hashes: Sequence[int], kinds: list[str], ids: list[str]
    ) -> None:
        """Cache the base a first pull committed as its line hashes, kinds and ids (in line
        order): the index is made of them when a sync asks for it, not while the pull's
        document is still in memory."""
        self._base_cache = None
        self._base_lines = (generation, hashes, kinds, ids)

    def rows(self, ids: Iterable[str]) -> dict[str, tuple[Record, BaseView | None]]:
        """Full records with their base views (``{"stamps", "deleted", "hash"}`` or None) by id.

        ``hash`` is the line hash of the record's base line.
        """
        out: dict[str, tuple[Record, BaseView | None]] = {}
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._conn.execute(
                f"SELECT {RECORD_COLUMNS}, base_stamps, base_deleted,"
                f" base_hash FROM records WHERE id IN ({marks})",
                chunk,
            ):
                base = (
                    {"stamps": loads(row[6]), "deleted": row[7], "hash": row[8]}
                    if row[6] is not None
                    else None
                )
                out[row[0]] = (record_from_row(row), base)
        return out

    def holds_records(self) -> bool:
        """True when the replica holds any record (tombstones too)."""
        return self._conn.execute("SELECT 1 FROM records LIMIT 1").fetchone() is not None

    def dirty_ids(self) -> list[str]:
        """Ids of records changed locally since the last sync."""
        return [r[0] for r in self._conn.execute("SELECT id FROM records WHERE dirty = 1")]

    def dirty_bases(self) -> list[tuple[str, str, int | None]]:
        """(id, kind, line hash of its base line or None) of records changed locally since the
        last sync."""
        rows = self._conn.execute("SELECT id, kind, base_hash FROM records WHERE dirty = 1")
        return [(rid, kind, h) for rid, kind, h in rows]

    def all_ids(self) -> list[str]:
        """Every record id, tombstones included."""
        return [r[0] for r in self._conn.execute("SELECT id FROM records")]

    def stored_conflicts(self) -> list[dict[str, Any]]:
        """Every conflict entry as stored (resolved ones too)."""
        return [loads(d) for (d,) in self._conn.execute("SELECT data FROM conflicts")]

    def max_seq(self) -> int:
        """The newest change-feed sequence number."""
        return replica_sql.newest_seq(self._conn)

    def erased_ids(self) -> set[str]:
        """Ids of every erased record."""
        return self.erased_ids_in(self._conn)

    # ----------------------------------------------------------------- layout
    def layout(self) -> Layout | None:
        """What the last sync learned about the document's lines (:mod:`sync.layout`), or None.

        Only a layout made for the base the replica holds now is returned (cached).
        """
        generation = self._generation()
        cached = self._layout_cache
        if cached is not None and cached.generation == generation:
            return cached
        row = self._conn.execute(
            "SELECT replica, generation, data FROM sync_layout WHERE id = 1"
        ).fetchone()
        if row is None or row[0] != self._replica.replica_id or row[1] != generation:
            return None  # none yet, another replica's, or stale
        from .layout import Layout  # here: only a sync that reads the document uses it

        layout = Layout.from_bytes(generation, row[2])
        self._layout_cache = layout
        return layout

    def remember_layout(self, conn: sqlite3.Connection, layout: Layout | None) -> None:
        """Store (inside the commit's transaction) the layout of the base being committed;
        None forgets any layout (the next sync reads every line)."""
        if layout is None:
            conn.execute("DELETE FROM sync_layout")
        else:  # written in place, piece by piece: no copy of the whole blob in memory
            parts = layout.parts()
            conn.execute(
                "INSERT OR REPLACE INTO sync_layout (id, replica, generation, data)"
                " VALUES (1, ?, ?, zeroblob(?))",
                (self._replica.replica_id, layout.generation, sum(len(p) for p in parts)),
            )
            with conn.blobopen("sync_layout", "data", 1) as blob:
                for part in parts:
                    blob.write(part)
        self._layout_cache = layout

    def forget_base_index(self) -> None:
        """Drop the in-memory base index (a sync that reused chunks did not make it whole)."""
        self._base_cache = None
        self._base_lines = None

    def forget_caches(self) -> None:
        """Drop the in-memory base index and layout (the next sync reads them afresh)."""
        self._base_cache = None
        self._base_lines = None
        self._layout_cache = None
