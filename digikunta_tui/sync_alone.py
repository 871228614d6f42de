"""A sync of the replica alone, for ``digikunta sync``: the domain (its models) is not loaded.

:meth:`Repository.sync <digikunta_tui.domain.repository.Repository.sync>` is the door to sync
for the app, which has the repository open anyway. A one-shot command that finds nothing
changed should cost about as much as starting Python, and opening the repository loads the
domain's models (pydantic) and the search index. So this opens only the replica file, syncs
it, and tells the caller whether the repository must be opened afterwards to bring the index
up to date (:attr:`SyncedAlone.index_behind`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from digikunta_tui.files import INDEX_FILE, REPLICA_FILE
from sync import Replica
from sync.value import Value

TYPE_CHECKING = False
if TYPE_CHECKING:
    from sync import Remote, SyncReport
    from sync.engine import Progress


class SyncedAlone(Value):
    """What a sync of the replica alone did, and what the replica holds after it.

    Attributes:
        report: the sync's report.
        open_conflicts: conflicts waiting for a person.
        pending: local changes not yet in the shared document.
        index_behind: the search index must be updated (the sync changed something, or there
            is no index file yet): open the repository and ``refresh()`` it.
    """

    __slots__ = ("index_behind", "open_conflicts", "pending", "report")

    def __init__(
        self, report: SyncReport, open_conflicts: int, pending: int, index_behind: bool
    ) -> None:
        self.report = report
        self.open_conflicts = open_conflicts
        self.pending = pending
        self.index_behind = index_behind


def sync_replica(
    data_dir: Path,
    replica_name: str,
    remote: Remote,
    *,
    full_every_syncs: int,
    full_every: timedelta,
    progress: Progress | None = None,
) -> SyncedAlone:
    """Sync the replica in ``data_dir`` with ``remote`` once, and close it."""
    from sync import sync

    replica = Replica.open(data_dir / REPLICA_FILE, name=replica_name)
    try:
        report = sync(
            replica,
            remote,
            full_every_syncs=full_every_syncs,
            full_every=full_every,
            progress=progress,
        )
        return SyncedAlone(
            report=report,
            open_conflicts=len(replica.conflicts()),
            pending=replica.pending(),
            index_behind=not report.fast_path or not (data_dir / INDEX_FILE).is_file(),
        )
    finally:
        replica.close()
