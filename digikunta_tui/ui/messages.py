"""Messages the sync worker posts to the app (workers never touch widgets)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
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

    def __init__(self, kind: str, message: str) -> None:
        """Args: kind: ``offline``, ``auth``, ``document``, ``error`` or ``cancelled``;
        message: the reason.
        """
        super().__init__()
        self.kind = kind
        """Why it failed: ``offline``, ``auth``, ``document``, ``error`` (anything unexpected,
        named in ``message``) or ``cancelled`` (the app is quitting; nothing was committed)."""
        self.message = message
        """The library's explanation (may contain paths: show with markup off)."""
