"""GDPR from the app: everything held about a person, export as JSON, erase for good."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from digikunta_tui.domain.display import person_name
from digikunta_tui.i18n import t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.dialogs.base import Dialog
from digikunta_tui.ui.dialogs.confirm import confirm_dialog
from digikunta_tui.ui.text import literal


def export_text(data: dict[str, Any]) -> str:
    """The export as indented JSON (what the dialog shows and the file holds)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_export(data: dict[str, Any], person_id: str, folder: Path) -> Path:
    """Write the export to ``folder/gdpr-<id prefix>.json`` (no name in the file name)."""
    path = folder / f"gdpr-{person_id[:8]}.json"
    path.write_text(export_text(data), encoding="utf-8")
    return path


def erase_message(data: dict[str, Any]) -> str:
    """What erasing removes, for the confirmation (counts from the export)."""
    return t(
        "gdpr.erase_message",
        name=literal(person_name(data.get("person") or {})),
        consents=len(data.get("consents") or []),
        registrations=len(data.get("registrations") or []),
        stories=len(data.get("stories") or []),
        webinars=len(data.get("webinars") or []),
    )


class GdprDialog(Dialog[str]):
    """Shows ``repo.gdpr_export``; Export JSON writes a file; Erase (confirmed) erases.

    Dismisses with ``"erased"`` after an erasure, None otherwise.
    """

    def __init__(self, repo: Any, person_id: str) -> None:
        """Args: repo: the Repository; person_id: the person shown."""
        super().__init__()
        self.repo = repo
        self.person_id = person_id
        self.data: dict[str, Any] = repo.gdpr_export(person_id)
        """The export shown."""

    def compose(self) -> ComposeResult:
        """Title, the export, buttons."""
        name = person_name(self.data.get("person") or {})
        with Vertical(classes="dialog-box -tall"):
            yield Label(t("gdpr.title", name=literal(name)), classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                yield Static(literal(export_text(self.data), multiline=True), markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("gdpr.export"), variant="primary", id="gdpr-export")
                yield Button(t("gdpr.erase"), variant="error", id="gdpr-erase")
                yield Button(t("forms.close"), id="gdpr-close")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Export, erase or close."""
        event.stop()
        if event.button.id == "gdpr-export":
            self.export()
        elif event.button.id == "gdpr-erase":
            self.ask_erase()
        else:
            self.dismiss(None)

    def export(self) -> None:
        """Write the JSON file to the current folder and say where."""
        try:
            path = write_export(self.data, self.person_id, Path.cwd())
        except OSError as exc:
            self.app.notify(
                t("chores.write_failed", error=str(exc)), severity="error", markup=False
            )
            return
        self.app.notify(t("gdpr.exported", path=str(path)), markup=False)

    def ask_erase(self) -> None:
        """Confirm (listing what goes), then erase."""

        def answered(answer: str | None) -> None:
            from digikunta_tui.domain.repository import ValidationFailed

            if answer != "confirm":
                return
            try:
                self.repo.gdpr_erase(self.person_id)
            except ValidationFailed as exc:  # a record that mentions them refused the unlink
                message = "\n".join(exc.errors.values())
                self.app.notify(message, severity="error", markup=False)
                return
            self.app.notify(t("gdpr.erased"), markup=False)
            self.dismiss("erased")

        self.app.push_screen(
            confirm_dialog(t("gdpr.erase_title"), erase_message(self.data), t("gdpr.erase")),
            answered,
        )


GDPR_BINDINGS = [bind("g", "gdpr", "gdpr", show=False)]
"""Add to the Members view's ``BINDINGS`` together with :class:`GdprActions`."""


class GdprActions:
    """Mixin for the Members view: ``g`` opens the GDPR dialog of the selected person."""

    app: Any
    current: Any

    def action_gdpr(self) -> None:
        """Everything held about the selected person; export or erase."""
        from digikunta_tui.ui.forms.flows import after_write

        if not self.current or self.current[0] != "person":
            self.app.notify(t("gdpr.select_person"), severity="warning", markup=False)
            return
        if self.app.repo.get("person", self.current[1]) is None:
            return

        def closed(result: str | None) -> None:
            if result == "erased":
                self.current = None
                after_write(self.app, self)

        self.app.push_screen(GdprDialog(self.app.repo, self.current[1]), closed)
