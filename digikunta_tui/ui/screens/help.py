"""The help panel: every key that acts in the view it was opened from, searchable."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from digikunta_tui.domain.search import query_terms
from digikunta_tui.i18n import t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.widgets.key_footer import KeyFooter


def matches(query: str, key: str, description: str) -> bool:
    """True when every word typed starts a word of the description, or is the key itself."""
    wanted = query_terms(query)
    if not wanted:
        return True
    words = query_terms(description)
    if query.strip().casefold() == key.casefold():
        return True
    return all(any(word.startswith(w) for word in words) for w in wanted)


class HelpScreen(ModalScreen[None]):
    """Lists the keys of the view it was opened from; typing filters the list."""

    CSS_PATH = "help.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [bind("escape", "dismiss", "close-help")]

    def __init__(self, keys: list[tuple[str, str]]) -> None:
        """Args: keys: (key as displayed, description) pairs."""
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        """A titled panel: the search box, one line per key, and the panel's footer."""
        with Vertical(id="help-panel") as panel:
            panel.border_title = t("help.title")
            yield Input(placeholder=t("help.search"), id="help-search")
            with VerticalScroll(id="help-keys"):
                yield Static(self._rows(""), id="help-rows", markup=False)
        yield KeyFooter()

    def _rows(self, query: str) -> Text:
        text = Text()
        shown = [(key, desc) for key, desc in self.keys if matches(query, key, desc)]
        width = max((len(key) for key, _ in self.keys), default=4)
        for index, (key, description) in enumerate(shown):
            if index:
                text.append("\n")
            text.append(key.ljust(width + 2), style="bold")
            text.append(description)
        if not shown:
            text.append(t("help.no_match"), style="dim")
        text.append("\n\n" + t("help.footer"), style="dim")
        return text

    def on_input_changed(self, event: Input.Changed) -> None:
        """Show only the keys whose description (or key) matches what is typed."""
        event.stop()
        self.query_one("#help-rows", Static).update(self._rows(event.value))

    async def action_dismiss(self, result: None = None) -> None:
        """Close the panel."""
        self.dismiss(result)
