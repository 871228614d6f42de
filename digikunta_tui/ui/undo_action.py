"""The app's "undo last change" action: the repository undoes (in a worker), the app tells.

Undoing writes through the repository, which brings the index up to date: that waits for a
running index job (a refresh after a large sync), so it runs in a thread worker
(:meth:`~digikunta_tui.ui.app.DigikuntaApp.run_undo`), never on the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from digikunta_tui.errors import UserError
from digikunta_tui.i18n import t

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository


@dataclass(frozen=True)
class UndoOutcome:
    """What an undo did: the text to show, how (``information``, ``warning``, ``error``), and
    whether the data changed."""

    text: str
    severity: str = "information"
    changed: bool = False


def undo_in_worker(repo: Repository) -> UndoOutcome:
    """Take back the newest unsynced edit (in a worker thread); say what was undone or why not."""
    from digikunta_tui.domain.repository import ValidationFailed

    try:
        done = repo.undo_last()
    except ValidationFailed as exc:  # a UserError too: this, more particular, first
        return UndoOutcome(t("undo.failed", error="; ".join(exc.errors.values())), "error")
    except UserError as exc:
        return UndoOutcome(str(exc), "warning")
    if done is None:
        return UndoOutcome(t("undo.nothing"))
    return UndoOutcome(done, changed=True)
