"""Undo of the last local edits that have not been synced yet (no textual here).

The repository records one :class:`UndoStep` right after each successful ``create``,
``update`` and ``delete``; :func:`undo_last` puts the record back the way it was with an
ordinary write (which syncs like any edit). An edit that a sync has already carried to the
shared document cannot be taken back this way: other laptops may have seen it, so undoing is
refused and the steps recorded before that sync are forgotten.

Whether a sync happened is read from the replica's ``base_generation`` (bumped by every sync
commit), which also covers syncs that ran in another process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from digikunta_tui.errors import UndoRefused
from digikunta_tui.i18n import t

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository
    from sync import Replica

Action = Literal["create", "update", "delete"]
MAX_STEPS = 100
"""How many edits are remembered (older ones drop off)."""


@dataclass(frozen=True, slots=True)
class UndoStep:
    """One local edit that can be taken back.

    Attributes:
        action: what the edit was: ``create``, ``update`` or ``delete``.
        kind: the record's kind.
        record_id: the record's id.
        previous: the record's fields before the edit; None when it did not exist.
        mark: the replica's sync generation when the edit was made.
        cascade: (kind, id, fields before) of the records a delete changed with it (the
            registrations, indicators and links that went with it); put back with it.
    """

    action: Action
    kind: str
    record_id: str
    previous: dict[str, Any] | None
    mark: str
    cascade: tuple[tuple[str, str, dict[str, Any]], ...] = ()


class UndoLog:
    """The edits of one repository session, newest last."""

    def __init__(self, sync_mark: Callable[[], str], limit: int = MAX_STEPS) -> None:
        """Args:
        sync_mark: returns a value that changes whenever a sync is committed.
        limit: how many steps to keep.
        """
        self._sync_mark = sync_mark
        self._limit = limit
        self._steps: list[UndoStep] = []

    def record(
        self,
        action: Action,
        kind: str,
        record_id: str,
        previous: dict[str, Any] | None,
        *,
        cascade: Iterable[tuple[str, str, dict[str, Any]]] = (),
    ) -> None:
        """Remember an edit that was just written (``previous``: fields before it, or None;
        ``cascade``: the other records a delete changed, with their fields before it)."""
        prior = dict(previous) if previous is not None else None
        others = tuple((k, rid, dict(fields)) for k, rid, fields in cascade)
        self._steps.append(
            UndoStep(action, kind, record_id, prior, self._sync_mark(), cascade=others)
        )
        del self._steps[: -self._limit]

    def peek(self) -> UndoStep | None:
        """The newest step, or None."""
        return self._steps[-1] if self._steps else None

    def pop(self) -> UndoStep | None:
        """Remove and return the newest step, or None."""
        return self._steps.pop() if self._steps else None

    def clear(self) -> None:
        """Forget every step (after a sync, after an erasure)."""
        self._steps.clear()

    def synced_since(self, step: UndoStep) -> bool:
        """True when a sync was committed after ``step`` was recorded."""
        return step.mark != self._sync_mark()

    def __len__(self) -> int:
        return len(self._steps)


def restore_changes(current: dict[str, Any], previous: dict[str, Any]) -> dict[str, Any]:
    """The partial update that turns ``current`` back into ``previous`` (None clears)."""
    names = dict.fromkeys([*previous, *current])
    return {name: previous.get(name) for name in names if current.get(name) != previous.get(name)}


def undo_last(repo: Repository) -> str | None:
    """Take back the newest unsynced local edit of ``repo``.

    Returns:
        A sentence saying what was undone, or None when there is nothing to undo.

    Raises:
        UndoRefused: the edit has already been synced, or the record changed in a way that
            makes putting it back impossible (e.g. it was erased); the steps are forgotten.
        ValidationFailed: the old version is no longer valid (a record it points to is gone);
            the step stays so that the user can fix the cause and try again.
    """
    log = repo.undo
    step = log.peek()
    if step is None:
        return None
    if log.synced_since(step):
        log.clear()
        raise UndoRefused(t("undo.already_synced"))
    replica = repo.replica
    label = t(f"repository.kind.{step.kind}")
    if step.action == "create":
        title = repo.index.title_of(step.record_id) or step.record_id
        if replica.get(step.kind, step.record_id) is not None:
            replica.delete(step.kind, step.record_id)
        message = t("undo.undid_create", kind=label, title=title)
    else:
        assert step.previous is not None
        current = replica.get(step.kind, step.record_id)
        # Values stored right now stay as they are (even odd ones that arrived by sync); what
        # is put back must validate again (a record it points to may be gone, the e-mail taken).
        previous = repo.validate(step.kind, step.previous, step.record_id, stored=current)
        if current is None:
            stored = replica.record(step.record_id)
            if stored is None or stored.get("erased"):
                log.clear()
                raise UndoRefused(t("undo.gone"))
            puts = [(step.kind, step.record_id, previous)]
            puts += _cascade_back(replica, step.cascade)
            replica.put_many(puts)  # the record and what went with it, in one transaction
        else:
            changes = restore_changes(current, previous)
            if changes:
                replica.put(step.kind, step.record_id, changes)
        repo.refresh()
        title = repo.index.title_of(step.record_id) or step.record_id
        message = t(f"undo.undid_{step.action}", kind=label, title=title)
    log.pop()
    repo.refresh()
    return message


def _cascade_back(
    replica: Replica, cascade: Iterable[tuple[str, str, Mapping[str, Any]]]
) -> list[tuple[str, str, dict[str, Any]]]:
    """The writes that put a delete's cascade back: deleted records whole, cleared links
    set again. A record erased (or brought back) meanwhile is left as it is."""
    puts: list[tuple[str, str, dict[str, Any]]] = []
    for kind, rid, before in cascade:
        now = replica.get(kind, rid)
        if now is None:
            stored = replica.record(rid)
            if stored is not None and not stored.get("erased") and stored["kind"] == kind:
                puts.append((kind, rid, dict(before)))
        elif changes := restore_changes(now, dict(before)):
            puts.append((kind, rid, changes))
    return puts
