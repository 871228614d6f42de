"""Messages the sync worker posts to the app (workers never touch widgets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from digikunta_tui.ui.undo_action import UndoOutcome
    from sync import SyncReport


class SyncFinished(Message):
    """A sync completed."""

    def __init__(self, report: SyncReport) -> None:
        """Args: report: what the sync did."""
        super().__init__()
        self.report = report
        """What the sync did."""


class SyncFailed(Message):
    """A sync failed; local changes stay pending."""

    def __init__(self, kind: str, message: str, error: BaseException | None = None) -> None:
        """Args: kind: ``offline``, ``auth``, ``document``, ``error`` or ``cancelled``;
        message: the reason; error: the sync library's error, if it was one.
        """
        super().__init__()
        self.kind = kind
        """Why it failed: ``offline``, ``auth``, ``document``, ``error`` (anything unexpected,
        named in ``message``) or ``cancelled`` (the app is quitting; nothing was committed)."""
        self.message = message
        """The explanation (may contain paths: show with markup off)."""
        self.error = error
        """The sync library's error (its code says it again in another language), or None."""


class WorkProgressed(Message):
    """Long work in a worker moved on (the status area's progress bar follows)."""

    def __init__(self, work: str, kind: str, done: int, total: int) -> None:
        """Args: work: ``sync``, ``index``, ``erase`` or ``undo``; kind: what it does now
        (``indexing``, a sync's phase …); done, total: how far (total 0: unknown)."""
        super().__init__()
        self.work = work
        """Which background work (one bar per kind of work)."""
        self.kind = kind
        """What it does now (the label shown)."""
        self.done = done
        """How much is done."""
        self.total = total
        """How much there is (0: unknown)."""


class IndexFinished(Message):
    """The index worker finished building or refreshing the search index."""

    def __init__(self, changed: int, error: str = "") -> None:
        """Args: changed: records indexed or changed; error: why it failed ("" when not)."""
        super().__init__()
        self.changed = changed
        """How many records were indexed or changed."""
        self.error = error
        """Why it failed, or "" (may contain paths: show with markup off)."""


class UndoFinished(Message):
    """The undo worker ended."""

    def __init__(self, outcome: UndoOutcome) -> None:
        """Args: outcome: what was undone, or why nothing was."""
        super().__init__()
        self.outcome = outcome
        """What was undone, or why nothing was."""


class DataChanged(Message):
    """The data changed: a local write, a resolved conflict, an undo, a sync, an index job.

    The app handles it in one place (``DigikuntaApp.on_data_changed``): the data version goes
    up (hidden views re-render when shown), the sync indicator is recomputed, the index worker
    runs when the index is behind, and the visible view re-renders — with the written record
    selected when ``kind`` and ``record_id`` name it.
    """

    def __init__(self, kind: str | None = None, record_id: str | None = None) -> None:
        """Args: kind, record_id: the record just written (put the cursor on it), if any."""
        super().__init__()
        self.kind = kind
        """The kind of the record written, or None."""
        self.record_id = record_id
        """The id of the record written, or None."""
