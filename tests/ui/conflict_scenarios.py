"""Two replicas sharing one file, and the conflicts they run into (for the conflict/undo tests)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from digikunta_tui.domain.repository import Repository
from sync import ConflictEntry, FileRemote, sync

PERSON = {"given_name": "Maija", "family_name": "Meikäläinen", "notes": "first"}


@dataclass
class Pair:
    """Replica A and replica B sharing ``remote``."""

    a: Repository
    b: Repository
    remote: FileRemote

    def sync(self, *which: Repository) -> None:
        """Sync the given repositories one after the other (refreshing their indexes)."""
        for repo in which:
            sync(repo.replica, self.remote)
            repo.refresh()

    def close(self) -> None:
        """Close both repositories."""
        self.a.close()
        self.b.close()


def open_pair(tmp_path: Path) -> Pair:
    """Two fresh replicas ("A" and "B") syncing through one shared file in ``tmp_path``."""
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir(parents=True, exist_ok=True)
    return Pair(
        Repository.open(tmp_path / "a", replica_name="A"),
        Repository.open(tmp_path / "b", replica_name="B"),
        FileRemote(shared),
    )


def shared_person(pair: Pair) -> str:
    """A person created in A and synced to B; returns its id."""
    person_id = pair.a.create("person", dict(PERSON))
    pair.sync(pair.a, pair.b)
    assert pair.b.get("person", person_id) is not None
    return person_id


def field_conflict(
    pair: Pair, field: str = "notes", a_value: Any = "from A", b_value: Any = "from B"
) -> tuple[str, ConflictEntry]:
    """Both replicas edit ``field`` of one person; after A, B, A syncs both know the conflict."""
    person_id = shared_person(pair)
    pair.a.update("person", person_id, {field: a_value})
    pair.b.update("person", person_id, {field: b_value})
    pair.sync(pair.a, pair.b, pair.a)
    return person_id, _the_conflict(pair)


def delete_conflict(pair: Pair) -> tuple[str, ConflictEntry]:
    """A deletes a person that B edits; after A, B, A syncs both know the conflict."""
    person_id = shared_person(pair)
    pair.a.delete("person", person_id)
    pair.b.update("person", person_id, {"notes": "edited in B"})
    pair.sync(pair.a, pair.b, pair.a)
    entry = _the_conflict(pair)
    assert entry.is_delete_conflict
    return person_id, entry


def _the_conflict(pair: Pair) -> ConflictEntry:
    on_a, on_b = pair.a.replica.conflicts(), pair.b.replica.conflicts()
    assert len(on_a) == 1 and [e.id for e in on_b] == [on_a[0].id]
    return on_a[0]


def insert_conflict(repo: Repository, entry: dict[str, Any]) -> None:
    """Store a hand-made conflict entry (fixed stamps and times, for snapshots)."""
    with repo.replica.write() as conn:
        conn.execute(
            "INSERT INTO conflicts (id, record, data, resolved) VALUES (?, ?, ?, NULL)",
            (entry["id"], entry["record"], json.dumps(entry)),
        )
