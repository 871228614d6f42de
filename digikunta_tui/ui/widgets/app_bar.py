"""The bar at the top of every view: the view tabs and the sync indicator."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget

from digikunta_tui.i18n import t
from digikunta_tui.ui.widgets.sync_indicator import SyncIndicator
from digikunta_tui.ui.widgets.work_progress import WorkProgress

VIEWS: tuple[str, ...] = ("dashboard", "members", "webinars", "stories", "sync")
"""The views in tab order; keys 1–5 choose them."""


class ViewBar(Widget):
    """The views as one line of labels, the current one marked; click a label to switch.

    Drawn by one widget rather than Textual's ``Tabs`` (a widget per tab plus an animated
    underline): the bar is on every first frame, and ``Tabs`` cost about a third of the
    app's first paint. Keys 1–5 switch views; the bar itself takes no focus.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {"view-bar--active", "view-bar--underline"}
    DEFAULT_CSS = """
    ViewBar { height: 2; width: 1fr; color: $text-muted; }
    ViewBar > .view-bar--active { color: $text; background: $primary 40%; text-style: bold; }
    ViewBar > .view-bar--underline { color: $primary; }
    """

    def __init__(self, active: str) -> None:
        """Args: active: the view whose screen holds this bar."""
        super().__init__()
        self.view = active
        """The view this bar belongs to."""

    @staticmethod
    def tab_label(index: int, view: str) -> str:
        """ "1 Yleiskatsaus" etc."""
        return f"{index + 1} {t(f'view.{view}')}"

    def labels(self) -> list[str]:
        """Each view's label as shown at the bar's width: all in full when they fit on one
        line, else the current view in full and the others by their number only."""
        full = [self.tab_label(index, view) for index, view in enumerate(VIEWS)]
        if self.size.width and self._width_of(full) > self.size.width:
            return [
                label if view == self.view else str(index + 1)
                for index, (view, label) in enumerate(zip(VIEWS, full, strict=True))
            ]
        return full

    @staticmethod
    def _width_of(labels: list[str]) -> int:
        return 1 + sum(len(label) + 3 for label in labels)

    def spans(self) -> list[tuple[str, int, int]]:
        """(view, first column, end column) of each label."""
        out, x = [], 1
        for view, label in zip(VIEWS, self.labels(), strict=True):
            width = len(label) + 2
            out.append((view, x, x + width))
            x += width + 1
        return out

    def render(self) -> Text:
        """Labels on the first line, a rule under the current one on the second."""
        active = self.get_component_rich_style("view-bar--active")
        rule = self.get_component_rich_style("view-bar--underline")
        labels, underline = Text(" ", no_wrap=True), Text(" ", no_wrap=True)
        for (view, start, end), label in zip(self.spans(), self.labels(), strict=True):
            labels.append(f" {label} ", style=active if view == self.view else "")
            labels.append(" ")
            underline.append("━" * (end - start) if view == self.view else " " * (end - start))
            underline.append(" ")
        underline.stylize(rule)
        return Text("\n").join([labels, underline])

    def relabel(self) -> None:
        """Re-translate the labels."""
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        """Switch to the view whose label was clicked."""
        for view, start, end in self.spans():
            if start <= event.x < end and view != self.view:
                event.stop()
                self.app.switch_mode(view)
                return


class AppBar(Horizontal):
    """Tabs on the left; on the right the sync state and, while it runs, long work's progress."""

    DEFAULT_CSS = """
    AppBar { height: 2; dock: top; background: $panel; }
    AppBar > ViewBar { width: 1fr; }
    AppBar > .status-area { width: auto; height: 2; align-horizontal: right; }
    AppBar SyncIndicator { height: auto; max-width: 34; text-align: right; }
    AppBar SyncIndicator.-working { width: 100%; }
    """

    def __init__(self, view: str) -> None:
        """Args: view: the view this bar is shown in."""
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        """Tabs and indicator."""
        yield ViewBar(self.view)
        with Vertical(classes="status-area"):
            yield SyncIndicator()
            yield WorkProgress()

    def relabel(self) -> None:
        """Re-translate after a language switch."""
        self.query_one(ViewBar).relabel()
