"""Long work in the background (a sync, the search index, an erasure): a label and a bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label

if TYPE_CHECKING:
    from digikunta_tui.ui.status import Activity


class WorkProgress(Horizontal):
    """Shows the app's ``activity`` ("indexing… 42 %" and a ``ProgressBar``); hidden when idle.

    The bar is mounted with the first activity (not for the first paint).
    """

    DEFAULT_CSS = """
    WorkProgress { height: 1; width: 34; display: none; padding: 0 1; }
    WorkProgress.-active { display: block; }
    WorkProgress > Label { width: 1fr; color: $text-muted; }
    WorkProgress > ProgressBar { width: auto; }
    WorkProgress > ProgressBar > Bar { width: 12; }
    """

    def compose(self) -> ComposeResult:
        """The label (the bar comes with the first activity)."""
        yield Label("", markup=False)

    def on_mount(self) -> None:
        """Follow the app's activity."""
        self.watch(self.app, "activity", self.show_activity)

    async def add_bar(self) -> None:
        """Mount the (hidden) bar now, if it is not there yet.

        The app calls this after the first frame and before it starts long work: mounting the
        first ``ProgressBar`` (its styles join the app's) then costs the event loop nothing
        while a worker competes for the interpreter.
        """
        from textual.widgets import ProgressBar

        if not self.query(ProgressBar):  # a total: no animation while hidden
            await self.mount(ProgressBar(total=1, show_percentage=False, show_eta=False))

    def show_activity(self, activity: Activity | None) -> None:
        """Render ``activity``, or hide when there is none (only what changed is redrawn)."""
        self.set_class(activity is not None, "-active")
        if activity is None:  # (no import of the bar's module for the first paint)
            for idle in self.query("ProgressBar"):  # hidden: a total stops its animation
                if idle.total != 1:  # type: ignore[attr-defined]
                    idle.update(total=1, progress=0)  # type: ignore[attr-defined]
            return
        from textual.widgets import ProgressBar

        label = self.query_one(Label)
        text = activity.label()
        if label.content != text:
            label.update(text, layout=False)  # a fixed width: no relayout of the screen
        bars = self.query(ProgressBar)
        if bars:
            bar = bars.first()
        elif not self.is_attached:
            return  # its screen is going away (work started as the app quits): nothing to show
        else:
            bar = ProgressBar(show_percentage=False, show_eta=False)
            self.mount(bar)
        total = activity.total if activity.total > 0 else None
        if bar.total != total or bar.progress != activity.done:
            bar.update(total=total, progress=activity.done)
