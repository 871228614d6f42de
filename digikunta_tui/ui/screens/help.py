"""The help panel: every active key and what it does."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from digikunta_tui.i18n import t
from digikunta_tui.ui.bindings import bind, localize


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the view it was opened from."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[Binding]] = [bind("escape,question_mark,q", "dismiss", "close-help")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        """Args: keys: (key as displayed, description) pairs."""
        super().__init__()
        localize(self)
        self.keys = keys

    def compose(self) -> ComposeResult:
        """A titled panel with one line per key."""
        text = Text()
        width = max((len(key) for key, _ in self.keys), default=4)
        for index, (key, description) in enumerate(self.keys):
            if index:
                text.append("\n")
            text.append(key.ljust(width + 2), style="bold")
            text.append(description)
        text.append("\n\n" + t("help.footer"), style="dim")
        with VerticalScroll(id="help-panel") as panel:
            panel.border_title = t("help.title")
            yield Static(text, markup=False)

    async def action_dismiss(self, result: None = None) -> None:
        """Close the panel."""
        self.dismiss(result)
