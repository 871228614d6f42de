"""Reading an index file's content in tests, independent of how its rows were numbered."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any


def indexed(path: Path) -> list[tuple[Any, ...]]:
    """Every row of the index file by record id: its columns (but rowid, seq) and its text
    (None for the kinds without text rows)."""
    conn = sqlite3.connect(path)
    try:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(items)")]
        shown = [c for c in columns if c not in ("rowid", "seq")]
        sql = (
            f"SELECT {', '.join('items.' + c for c in shown)}, fts.title, fts.body, fts.kind"
            " FROM items LEFT JOIN fts ON fts.rowid = items.rowid ORDER BY items.id"
        )
        return conn.execute(sql).fetchall()
    finally:
        conn.close()
