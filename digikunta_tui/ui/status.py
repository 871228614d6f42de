"""The sync state shown at all times: a small value computed from the replica (no textual)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from digikunta_tui.domain.display import when_text
from digikunta_tui.i18n import get_language, t

if TYPE_CHECKING:
    from sync import Replica


@dataclass(frozen=True)
class SyncStatus:
    """What the sync indicator shows.

    Attributes:
        syncing: a sync runs right now.
        failure: ``offline``, ``auth``, ``document`` or ``error`` after a failed sync, else "".
        message: why the last sync failed (the library's or the exception's words), or "".
        finishing: the app is quitting and waits for the running sync to stop.
        pending: local changes not yet synced.
        conflicts: open conflicts.
        last_sync: ISO time of the last successful sync, or None.
        has_remote: a remote is configured.
    """

    syncing: bool = False
    failure: str = ""
    message: str = ""
    finishing: bool = False
    pending: int = 0
    conflicts: int = 0
    last_sync: str | None = None
    has_remote: bool = True

    @property
    def state(self) -> str:
        """One word: finishing, syncing, offline, auth, document, error, conflicts, pending,
        synced, unsynced (a remote, but never synced yet) or local (no remote)."""
        if self.syncing:
            return "finishing" if self.finishing else "syncing"
        if self.failure:
            return self.failure
        if self.conflicts:
            return "conflicts"
        if self.pending:
            return "pending"
        if not self.has_remote:
            return "local"
        # A new replica has synced nothing yet: not "synced" (green) beside "never synced".
        return "synced" if self.last_sync else "unsynced"

    def label(self) -> str:
        """The translated state with counts, e.g. "3 pending" / "3 muutosta odottaa"."""
        return t(f"status.{self.state}", pending=self.pending, conflicts=self.conflicts)

    def detail(self) -> str:
        """The label with the reason of a failure: "sync failed: MemoryError: …"."""
        if self.state == self.failure and self.message:
            return t("status.failed_because", state=self.label(), message=self.message)
        return self.label()

    def last_sync_label(self) -> str:
        """ "last sync 7.11.2017 klo 12.00", "never synced", or (a new replica, where the state
        says "never synced" already) how to sync."""
        if self.state == "unsynced":
            return t("status.unsynced_hint")
        if not self.last_sync:
            return t("status.never_synced")
        return t("status.last_sync", when=when_text(self.last_sync, get_language()))


def read_status(
    replica: Replica,
    *,
    syncing: bool = False,
    failure: str = "",
    message: str = "",
    finishing: bool = False,
    has_remote: bool = True,
) -> SyncStatus:
    """Compute the status from the replica's pending count, open conflicts and last sync."""
    return SyncStatus(
        syncing=syncing,
        failure=failure,
        message=message,
        finishing=finishing,
        pending=replica.pending(),
        conflicts=len(replica.conflicts()),
        last_sync=replica.last_sync,
        has_remote=has_remote,
    )


@dataclass(frozen=True)
class Activity:
    """Long work running in a worker, shown with a progress bar in the status area.

    Attributes:
        kind: ``indexing``, ``reading``, ``merging``, ``writing``, ``committing`` (the phases
            of a sync), ``erasing`` or ``undoing``.
        done: how much is done.
        total: how much there is (0: unknown, the bar then only shows that work goes on).
    """

    kind: str
    done: int = 0
    total: int = 0

    @property
    def percent(self) -> int | None:
        """Whole percent done, or None when the total is unknown."""
        if self.total <= 0:
            return None
        return max(0, min(100, self.done * 100 // self.total))

    def label(self) -> str:
        """ "indexing… 42 %" (the percent only when known)."""
        label = t(f"work.{self.kind}")
        percent = self.percent
        return label if percent is None else t("work.percent", label=label, percent=percent)


WORK_ORDER: tuple[str, ...] = ("sync", "erase", "undo", "index")
"""The app's kinds of background work, in the order the status area prefers them."""


def shown_activity(running: dict[str, Activity]) -> Activity | None:
    """The activity to show of those running (by :data:`WORK_ORDER`: a sync before an index)."""
    for work in WORK_ORDER:
        if work in running:
            return running[work]
    return None
