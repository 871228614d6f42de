"""The bar at the top of every view: the view tabs and the sync indicator."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Tab, Tabs

from digikunta_tui.i18n import t
from digikunta_tui.ui.widgets.sync_indicator import SyncIndicator

VIEWS: tuple[str, ...] = ("dashboard", "members", "webinars", "stories", "sync")
"""The views in tab order; keys 1–5 choose them."""


class ViewTabs(Tabs):
    """One tab per view; activating a tab switches the app's mode."""

    def __init__(self, active: str) -> None:
        """Args: active: the view whose screen holds these tabs."""
        tabs = [Tab(self.tab_label(i, view), id=f"tab-{view}") for i, view in enumerate(VIEWS)]
        super().__init__(*tabs, active=f"tab-{active}")
        self.view = active
        """The view this bar belongs to."""

    @staticmethod
    def tab_label(index: int, view: str) -> str:
        """ "1 Yleiskatsaus" etc."""
        return f"{index + 1} {t(f'view.{view}')}"

    def relabel(self) -> None:
        """Re-translate the tab labels."""
        for index, view in enumerate(VIEWS):
            self.query_one(f"#tab-{view}", Tab).label = self.tab_label(index, view)

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        """Switch view when another tab is chosen (by mouse or keys)."""
        event.stop()
        view = (event.tab.id or "").removeprefix("tab-")
        if view and view != self.view:
            self.app.switch_mode(view)


class AppBar(Horizontal):
    """Tabs on the left, sync state on the right."""

    DEFAULT_CSS = """
    AppBar { height: 2; dock: top; background: $panel; }
    AppBar > ViewTabs { width: 1fr; }
    AppBar > SyncIndicator { height: 2; max-width: 34; text-align: right; }
    """

    def __init__(self, view: str) -> None:
        """Args: view: the view this bar is shown in."""
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        """Tabs and indicator."""
        yield ViewTabs(self.view)
        yield SyncIndicator()

    def relabel(self) -> None:
        """Re-translate after a language switch."""
        self.query_one(ViewTabs).relabel()
