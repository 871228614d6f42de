"""What every dialog shares: a centred box, its stylesheet, its own footer, Escape and ctrl+o."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual.binding import BindingType
from textual.screen import ModalScreen
from textual.widgets import Button

from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from textual import getters

    from digikunta_tui.ui.app import DigikuntaApp

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal dialog; Escape dismisses it with None, ctrl+o presses its main button."""

    CSS_PATH = Path(__file__).with_name("dialogs.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("ctrl+o", "submit", "dialog-submit"),
        bind("escape", "close", "dialog-close"),
    ]

    if TYPE_CHECKING:  # typed as Textual types its own (``textual.getters.app``)
        app = getters.app(DigikuntaApp)

    def __init__(self) -> None:
        super().__init__()

    def on_mount(self) -> None:
        """The dialog's own keys along the bottom (the view's footer is behind it)."""
        self.mount(KeyFooter())

    def action_close(self) -> None:
        """Close without an answer."""
        self.dismiss(None)

    def action_submit(self) -> None:
        """ctrl+o: press the main button (the first that is not a plain one: OK, Save …)."""
        buttons = [button for button in self.query(Button) if not button.disabled]
        main = [button for button in buttons if button.variant != "default"]
        if main:
            main[0].press()
