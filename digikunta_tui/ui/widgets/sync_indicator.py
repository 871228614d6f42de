"""The sync state, always visible: synced / N pending / syncing… / offline / N conflicts."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from digikunta_tui.ui.status import SyncStatus

_STYLES = {
    "synced": "green",
    "local": "",
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

    DEFAULT_CSS = """
    SyncIndicator { width: auto; padding: 0 1; }
    """

    def on_mount(self) -> None:
        """Follow the app's status."""
        self.watch(self.app, "sync_status", self.show_status)

    def show_status(self, status: SyncStatus) -> None:
        """Render ``status``: state (coloured) and last sync time."""
        text = Text()
        text.append("● " + status.label(), style=_STYLES.get(status.state, ""))
        text.append("\n" + status.last_sync_label(), style="dim")
        self.set_class(True, f"-{status.state}")
        self.update(text)
