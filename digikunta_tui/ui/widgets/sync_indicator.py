"""The sync state, always visible: synced / N pending / syncing… / offline / N conflicts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from digikunta_tui.ui.status import SyncStatus

if TYPE_CHECKING:
    from textual import getters

    from digikunta_tui.ui.app import DigikuntaApp

_STYLES = {
    "synced": "green",
    "local": "",
    "unsynced": "yellow",
    "pending": "yellow",
    "syncing": "cyan",
    "finishing": "cyan",
    "conflicts": "bold red",
    "offline": "red",
    "auth": "red",
    "document": "red",
    "error": "red",
}


class SyncIndicator(Static):
    """Shows the app's ``sync_status``; updates itself whenever it changes."""

    if TYPE_CHECKING:  # the app, typed (type-only: ``textual.getters.app``)
        app = getters.app(DigikuntaApp)

    DEFAULT_CSS = """
    SyncIndicator { width: auto; padding: 0 1; }
    """

    def on_mount(self) -> None:
        """Follow the app's status (and its activity: the progress line replaces the time)."""
        self.watch(self.app, "sync_status", self.show_status)
        self.watch(self.app, "activity", self._activity_changed, init=False)

    def _activity_changed(self, activity: object) -> None:
        if (activity is not None) != self.has_class("-working"):  # started or ended
            self.show_status()

    def show_status(self, status: SyncStatus | None = None) -> None:
        """Render ``status``: state (coloured) and, unless long work shows its progress below,
        the last sync time."""
        app = self.app
        status = status if status is not None else app.sync_status
        text = Text()
        text.append("● " + status.label(), style=_STYLES.get(status.state, ""))
        working = getattr(app, "activity", None) is not None
        if not working:
            text.append("\n" + status.last_sync_label(), style="dim")
        self.set_class(working, "-working")  # one line, right-aligned over the progress
        for state in _STYLES:
            self.set_class(state == status.state, f"-{state}")
        self.update(text)
