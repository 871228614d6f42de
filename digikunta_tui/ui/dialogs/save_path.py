"""Where to write an export: a path box with the export folder and a file name filled in."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from digikunta_tui.i18n import t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.dialogs.base import Dialog
from digikunta_tui.ui.text import literal


def chosen_path(text: str, folder: Path) -> Path:
    """The path typed: ``~`` expanded; a relative path is inside ``folder``."""
    path = Path(text.strip()).expanduser()
    return path if path.is_absolute() else folder / path


def path_problem(path: Path) -> str | None:
    """Why the file cannot be written there (a folder, no such folder), or None."""
    if path.is_dir():
        return t("exports.path_is_folder", path=str(path))
    if not path.parent.is_dir():
        return t("exports.no_folder", path=str(path.parent))
    return None


class SavePathDialog(Dialog[Path]):
    """Asks for the file to write; dismisses with its path (None: cancelled).

    ``Enter`` or ``ctrl+o`` saves. An existing file is replaced only after a second ``Enter``
    on the same path (the dialog says so first).
    """

    BINDINGS: ClassVar[list[BindingType]] = [bind("ctrl+o", "save", "save-path-save")]

    def __init__(self, title: str, folder: Path, name: str) -> None:
        """Args: title; folder: the export folder (relative paths go there); name: the
        suggested file name."""
        super().__init__()
        self.title_text = title
        self.folder = folder
        self.suggested = folder / name
        self._replace_ok: Path | None = None

    def compose(self) -> ComposeResult:
        """Title, the path box, a line for problems, buttons."""
        with Vertical(classes="dialog-box"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Static(t("exports.path_prompt"), classes="dialog-message", markup=False)
            yield Input(value=str(self.suggested), id="save-path")
            yield Static("", id="save-path-error", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("exports.save"), variant="primary", id="save-path-ok")
                yield Button(t("forms.cancel"), id="save-path-cancel")

    def on_mount(self) -> None:
        """Focus the path, the cursor at its end."""
        box = self.query_one("#save-path", Input)
        box.focus()
        box.cursor_position = len(box.value)

    def _error(self, text: str) -> None:
        self.query_one("#save-path-error", Static).update(literal(text))

    def action_save(self) -> None:
        """Check the path and answer with it."""
        text = self.query_one("#save-path", Input).value
        if not text.strip():
            self._error(t("exports.path_empty"))
            return
        path = chosen_path(text, self.folder)
        problem = path_problem(path)
        if problem:
            self._error(problem)
            return
        if path.exists() and self._replace_ok != path:
            self._replace_ok = path
            self._error(t("exports.path_exists", path=str(path)))
            return
        self.dismiss(path)

    def on_input_changed(self, event: Input.Changed) -> None:
        """A changed path is checked afresh."""
        event.stop()
        self._replace_ok = None
        self._error("")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter saves."""
        event.stop()
        self.action_save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save / Cancel."""
        event.stop()
        if event.button.id == "save-path-ok":
            self.action_save()
        else:
            self.dismiss(None)
