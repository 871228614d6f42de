"""Helpers for the sync library's tests (imported by name: ``from sync_testkit import …``)."""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any

from sync import Remote, Replica, sync

REPO_ROOT = Path(__file__).resolve().parents[2]
PROCS = Path(__file__).parent / "procs"


HEADER = {
    "format": "digikunta-sync",
    "format_version": 1,
    "dataset": "9f2c0000aaaabbbb",
    "generation": 1,
    "written_at": "2026-11-29T12:00:00Z",
    "written_by": "aaaaaaaa",
    "replicas": {},
    "conflicts": [],
}
"""A valid document header (everything but ``records``), for documents made by hand."""


def document_of(lines: list[bytes]) -> bytes:
    """A shared document in our layout (the :data:`HEADER`) holding these record lines as
    they are, for tests that write lines by hand."""
    parts = [b"{\n"]
    for key in sorted([*HEADER, "records"]):
        if key == "records":
            parts.append(b'  "records": [\n    ' + b",\n    ".join(lines) + b"\n  ],\n")
        else:
            parts.append(f"  {json.dumps(key)}: {json.dumps(HEADER[key])},\n".encode())
    parts[-1] = parts[-1].rstrip(b",\n") + b"\n"
    return b"".join(parts) + b"}\n"


def db_content(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The logical content of a replica file: meta, records and conflicts (not the sync log).

    Read through a separate read-only connection, so it sees what is committed on disk.
    """
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {
            table: sorted(conn.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in ("meta", "records", "conflicts")
        }
    finally:
        conn.close()


def replica_snapshot(replica: Replica) -> dict[str, Any]:
    """What a person (and the engine) can see of a replica, plus its raw file content."""
    return {
        "records": list(replica.records()),
        "pending": replica.pending(),
        "conflicts": [c.to_json() for c in replica.conflicts(include_resolved=True)],
        "dataset": replica.dataset,
        "db": db_content(replica.path),
    }


def shared_records(path: Path) -> dict[str, dict[str, Any]]:
    """Every record of a shared document by id (parsed with the library's own parser)."""
    from sync.document import parse_document

    return parse_document(path.read_bytes(), str(path)).all_records()


def live_shared(path: Path) -> dict[str, dict[str, Any]]:
    """The live records of a shared document: id -> fields."""
    from sync.records import is_alive

    return {rid: r["fields"] for rid, r in shared_records(path).items() if is_alive(r)}


def open_conflict_ids(replica: Replica) -> list[str]:
    return sorted(c.id for c in replica.conflicts())


def run_python(args: list[str], **kwargs: Any) -> Any:
    """Run a helper script with this interpreter, the repository importable."""
    import os
    import subprocess

    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, *args], env=env, **kwargs)


def child_env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def home_of(replica: Replica, rid: str, kind: str | None) -> tuple[str, dict[str, Any] | None]:
    """Where the record of ``kind`` written as ``rid`` is now: it moves when a record of another
    kind takes its id (see :func:`sync.merge.moved_id`). Returns (id, record or None)."""
    from sync.merge import moved_id

    for _ in range(8):
        record = replica.record(rid)
        if record is None or kind is None or record["kind"] == kind:
            return rid, record
        rid = moved_id(rid, kind)
    return rid, None


def unaccounted_writes(ledger: list[tuple[Any, ...]], replica: Replica) -> list[tuple[Any, ...]]:
    """Writes that vanished without anyone having seen them: must always be empty.

    ``ledger`` holds (record, field, value, stamp, previous value[, kind]) of every ``put``,
    where the previous value is the field's value in the writer's replica just before the put
    (and the kind, when records of several kinds may share an id: the write is then looked
    for where its record moved). Every written value must be unique (so a value identifies
    its write even after a restore re-stamped it). A write is accounted for when its value is
    the current value, or some later put overwrote it while its replica held it (the writer
    had seen it), or it is the kept or lost value of a conflict entry (open or resolved), or
    its record was deleted after it or erased.
    """
    seen_by_writer = {(entry[0], entry[1], entry[4]) for entry in ledger}
    in_conflicts = set()
    for c in replica.conflicts(include_resolved=True):
        if c.field is not None:
            in_conflicts.add((c.field, json.dumps(c.kept.get("value"))))
            in_conflicts.add((c.field, json.dumps(c.lost.get("value"))))
    missing = []
    for entry in ledger:
        rid, field, value, stamp = entry[:4]
        home, record = home_of(replica, rid, entry[5] if len(entry) > 5 else None)
        if record is None:
            missing.append(entry)
            continue
        deleted = record.get("deleted")
        if record.get("erased") or (deleted is not None and deleted > stamp):
            continue  # deleted (or erased) after the write: not a silent loss
        current = field in record["fields"] and record["fields"][field] == value
        if not (
            current
            or (rid, field, value) in seen_by_writer
            or (home, field, value) in seen_by_writer
            or (field, json.dumps(value)) in in_conflicts  # values are unique
        ):
            missing.append(entry)
    return missing


class BackgroundSync:
    """``sync(replica, remote)`` in a thread of its own; :meth:`finish` joins it and re-raises
    what it raised (a test drives the replica meanwhile, e.g. while a gated write waits)."""

    def __init__(self, replica: Replica, remote: Remote) -> None:
        self.errors: list[BaseException] = []
        self._thread = threading.Thread(target=self._run, args=(replica, remote))
        self._thread.start()

    def _run(self, replica: Replica, remote: Remote) -> None:
        try:
            sync(replica, remote)
        except BaseException as exc:  # pragma: no cover - re-raised by finish()
            self.errors.append(exc)

    def finish(self) -> None:
        self._thread.join()
        if self.errors:
            raise self.errors[0]
