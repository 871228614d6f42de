"""The repository's sync side: syncing, the pending count, history, and conflicts.

A part of :class:`~digikunta_tui.domain.repository.Repository` (a base class of it), kept apart
because it is the side that talks to the sync engine and resolves what a sync left open. The UI
and the CLI read conflicts and sync state here instead of reaching for the replica.

Resolving a conflict is an ordinary edit that syncs like any other. A merged (or the other
side's) value is validated like any write: field rules *and* the rules across records (a unique
e-mail, live references), see :meth:`SyncSide.resolve_field`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from digikunta_tui.domain.index import SearchIndex
from digikunta_tui.errors import ConflictNotOpen
from digikunta_tui.i18n import t
from sync import Replica

if TYPE_CHECKING:
    from digikunta_tui.domain.repository_parts import RepositoryParts as _Parts
    from sync import ConflictEntry, Remote, SyncLogEntry, SyncReport
    from sync.engine import Progress as SyncProgress
else:
    _Parts = object


class SyncSide(_Parts):
    """Sync, sync state and conflict resolution, through the repository."""

    replica: Replica
    _index: SearchIndex

    # ------------------------------------------------------------------ state
    def pending(self) -> int:
        """How many records changed on this laptop since the last sync."""
        return self.replica.pending()

    @property
    def last_sync(self) -> str | None:
        """ISO time (UTC) of the last successful sync, or None before the first one."""
        return self.replica.last_sync

    @property
    def replica_name(self) -> str:
        """This laptop's replica name ("Ville, laptop"), or its id when it has none."""
        return self.replica.name or self.replica.replica_id

    def sync_history(self, limit: int = 20) -> list[SyncLogEntry]:
        """The most recent syncs, newest first."""
        return self.replica.history(limit=limit)

    def title_of(self, record_id: str) -> str | None:
        """The display title of a live record, or None (also while the index is not ready)."""
        return self._index.title_of(record_id)

    def writer_name(self, stamp: str) -> str:
        """Who wrote ``stamp``, translated: "this laptop (name)" or "laptop <replica id>".

        An unreadable stamp (odd synced data) is returned as it is (show it literally).
        """
        from sync.hlc import parse_stamp

        try:
            _, _, replica_id = parse_stamp(stamp)
        except (TypeError, ValueError):
            return str(stamp)
        if replica_id == self.replica.replica_id:
            return t("conflict.this_laptop", name=self.replica.name or replica_id)
        return t("conflict.laptop", id=replica_id)

    # ------------------------------------------------------------------ sync
    def sync(
        self,
        remote: Remote,
        *,
        cancel: threading.Event | None = None,
        progress: SyncProgress | None = None,
        full_every_syncs: int | None = None,
        full_every: timedelta | None = None,
    ) -> SyncReport:
        """Sync this replica with ``remote`` (see :func:`sync.sync`), then refresh the index.

        The refresh right after is the cheap one of a write: a few changes are indexed at once;
        a large pull is left to :meth:`prepare_index` (:attr:`index_behind` says so), which
        the app runs in its index worker and the CLI calls with a progress line.

        Raises:
            The sync engine's errors (``RemoteOffline``, ``AuthError``, ``DocumentError``,
            ``SyncError``, ``SyncCancelled``); nothing was committed then.
        """
        from sync import sync as run_sync

        options: dict[str, Any] = {}
        if full_every_syncs is not None:
            options["full_every_syncs"] = full_every_syncs
        if full_every is not None:
            options["full_every"] = full_every
        report = run_sync(self.replica, remote, cancel=cancel, progress=progress, **options)
        self._reindex()
        return report

    # ------------------------------------------------------------------ conflicts
    def conflicts(self) -> list[ConflictEntry]:
        """The open conflicts, oldest first."""
        return self.replica.conflicts()

    def conflict(self, conflict_id: str) -> ConflictEntry | None:
        """One conflict by id (open or resolved), or None."""
        return self.replica.conflict(conflict_id)

    def _open_conflict(self, conflict_id: str) -> ConflictEntry:
        entry = self.replica.conflict(conflict_id)
        if entry is None or entry.resolved is not None:
            raise ConflictNotOpen(conflict_id)
        return entry

    def _resolve(self, conflict_id: str, resolve: Callable[[str], None]) -> None:
        from sync import ReplicaError

        try:
            resolve(conflict_id)
        except ReplicaError:
            if self.replica.conflict(conflict_id) is None or self._is_resolved(conflict_id):
                raise ConflictNotOpen(conflict_id) from None
            raise
        self._reindex()

    def _is_resolved(self, conflict_id: str) -> bool:
        entry = self.replica.conflict(conflict_id)
        return entry is not None and entry.resolved is not None

    def resolve_field(self, conflict_id: str, value: Any) -> Any:
        """Resolve a field conflict with ``value`` (the kept one, the other one, or merged).

        The value is validated as the record would be stored with it: the field's own rules
        and the rules across records (a unique e-mail, live references, no double
        registration). The kept value is what is stored, so it always passes.

        Returns:
            The value written (normalised, e.g. an e-mail in lower case).

        Raises:
            ConflictNotOpen: no open conflict with that id.
            ValidationFailed: the value is refused (translated messages); nothing changed.
            ValueError: the conflict is not about a field (see :meth:`restore`, :meth:`keep`).
        """
        entry = self._open_conflict(conflict_id)
        if entry.field is None:
            raise ValueError("not a field conflict: use restore(), confirm_delete() or keep()")
        name = entry.field
        current = self.get(entry.kind, entry.record)
        written = value
        if current is not None:
            from digikunta_tui.domain.validation import KIND_FIELDS

            known = set(KIND_FIELDS.get(entry.kind, ()))
            merged = {k: v for k, v in current.items() if k in known and not _blank(v)}
            merged[name] = value
            normalised = self.validate(entry.kind, merged, entry.record, stored=current)
            written = normalised.get(name)
        self._resolve(conflict_id, lambda cid: self.replica.resolve_field(cid, written))
        return written

    def restore(self, conflict_id: str) -> None:
        """Resolve a delete-versus-edit conflict by keeping the (edited) record.

        Raises:
            ConflictNotOpen: no open conflict with that id.
            ValueError: the conflict is not a delete-versus-edit one.
        """
        entry = self._open_conflict(conflict_id)
        if not entry.is_delete_conflict:
            raise ValueError("not a delete-versus-edit conflict")
        self._resolve(conflict_id, self.replica.restore_record)

    def confirm_delete(self, conflict_id: str) -> None:
        """Resolve a delete-versus-edit conflict by deleting the record after all.

        What depends on the record goes with it, as with :meth:`Repository.delete`: its
        registrations (person, webinar), indicators (story), the newsletter's link (webinar),
        the people's link (organisation).

        Raises:
            ConflictNotOpen: no open conflict with that id.
            ValueError: the conflict is not a delete-versus-edit one.
        """
        entry = self._open_conflict(conflict_id)
        if not entry.is_delete_conflict:
            raise ValueError("not a delete-versus-edit conflict")
        puts: list[tuple[str, str, dict[str, Any]]] = []
        deletes: list[tuple[str, str]] = []
        if self.get(entry.kind, entry.record) is not None:
            puts, deletes = self.cascade_of(entry.kind, entry.record)
        self._resolve(conflict_id, self.replica.confirm_delete)
        if puts or deletes:
            live = [(k, rid) for k, rid in deletes if self.get(k, rid) is not None]
            self.replica.apply(puts=_live_puts(self, puts), deletes=live)
            self._reindex()

    def keep(self, conflict_id: str) -> None:
        """Acknowledge an id collision (two records of two kinds met under one id; both stay).

        Raises:
            ConflictNotOpen: no open conflict with that id.
            ValueError: the conflict is not an id collision.
        """
        entry = self._open_conflict(conflict_id)
        if not entry.is_id_collision:
            raise ValueError("not an id collision")
        self._resolve(conflict_id, self.replica.keep_both)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def _live_puts(
    side: SyncSide, puts: Iterable[tuple[str, str, dict[str, Any]]]
) -> list[tuple[str, str, dict[str, Any]]]:
    return [(k, rid, f) for k, rid, f in puts if side.get(k, rid) is not None]
