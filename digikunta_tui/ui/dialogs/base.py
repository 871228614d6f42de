"""What every dialog shares: a centred box, its stylesheet, Escape to close."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen

from digikunta_tui.ui.bindings import bind, localize

ResultType = TypeVar("ResultType")


class Dialog(ModalScreen[ResultType]):
    """A modal dialog; Escape dismisses it with None."""

    CSS_PATH = Path(__file__).with_name("dialogs.tcss")
    BINDINGS: ClassVar[list[Binding]] = [bind("escape", "close", "dialog-close")]

    def __init__(self) -> None:
        super().__init__()
        localize(self)

    def action_close(self) -> None:
        """Close without an answer."""
        self.dismiss(None)
