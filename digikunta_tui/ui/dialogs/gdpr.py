"""GDPR from the app: everything held about a person, export as JSON, erase for good."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Label, Static

from digikunta_tui.domain.display import person_name
from digikunta_tui.i18n import t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.dialogs.base import Dialog
from digikunta_tui.ui.dialogs.confirm import confirm_dialog
from digikunta_tui.ui.index_work import needs_index
from digikunta_tui.ui.text import literal

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp


def export_text(data: dict[str, Any]) -> str:
    """The export as indented JSON (what the dialog shows and the file holds)."""
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def export_file_name(person_id: str) -> str:
    """``gdpr-<id prefix>.json`` (no name in the file name)."""
    return f"gdpr-{person_id[:8]}.json"


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

    def __init__(self, repo: Repository, person_id: str) -> None:
        """Args: repo: the Repository; person_id: the person shown."""
        super().__init__()
        self.repo = repo
        self.person_id = person_id
        self.data: dict[str, Any] = repo.gdpr_export(person_id)
        """The export shown."""
        self.erasing = False
        """An erasure runs in the worker."""

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
        """Ask where (the export folder filled in), write the JSON file and say where."""
        from digikunta_tui.ui.export import save_file

        save_file(
            self.app,
            t("gdpr.export"),
            export_file_name(self.person_id),
            lambda: export_text(self.data),
            lambda path: t("gdpr.exported", path=str(path)),
        )

    def ask_erase(self) -> None:
        """Confirm (listing what goes), then erase."""

        def answered(answer: str | None) -> None:
            if answer == "confirm":
                self.erase()

        self.app.push_screen(
            confirm_dialog(t("gdpr.erase_title"), erase_message(self.data), t("gdpr.erase")),
            answered,
        )

    def erase(self) -> None:
        """Erase in a worker (scrubbing both files takes seconds on a large data set); the
        dialog says so and cannot be closed until it is done."""
        self.erasing = True
        for button in self.query(Button):
            button.disabled = True
        self.query_one(".dialog-title", Label).update(t("gdpr.erasing"))
        starter = getattr(self.app, "work_started", None)
        if starter is not None:
            starter("erase", "erasing")
        self.run_erase()

    @work(thread=True, exit_on_error=False, group="erase", description="Erasing")
    def run_erase(self) -> None:
        """Erase in a thread and post the outcome (never touch widgets here)."""
        from digikunta_tui.domain.repository import ValidationFailed

        try:
            self.repo.gdpr_erase(self.person_id)
        except ValidationFailed as exc:  # a record that mentions them refused the unlink
            self.post_message(self.Erased("\n".join(exc.errors.values())))
        except Exception as exc:  # shown, never a traceback
            self.post_message(self.Erased(f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(self.Erased())

    class Erased(Message):
        """The erasure worker ended (``error`` "" when the person is erased)."""

        def __init__(self, error: str = "") -> None:
            super().__init__()
            self.error = error

    def on_gdpr_dialog_erased(self, message: Erased) -> None:
        """Done: say so and close; refused: say why (nothing was erased) and stay open."""
        self.erasing = False
        ender = getattr(self.app, "work_ended", None)
        if ender is not None:
            ender("erase")
        if message.error:
            self.app.notify(message.error, severity="error", markup=False)
            for button in self.query(Button):
                button.disabled = False
            name = person_name(self.data.get("person") or {})
            self.query_one(".dialog-title", Label).update(t("gdpr.title", name=literal(name)))
            return
        self.app.notify(t("gdpr.erased"), markup=False)
        self.dismiss("erased")

    def action_close(self) -> None:
        """Escape closes, except while erasing (the outcome is shown here)."""
        if not self.erasing:
            super().action_close()


GDPR_BINDINGS = [bind("g", "gdpr", "gdpr", show=False)]
"""Add to the Members view's ``BINDINGS`` together with :class:`GdprActions`."""


class GdprActions:
    """Mixin for the Members view: ``g`` opens the GDPR dialog of the selected person."""

    if TYPE_CHECKING:  # provided by the view (ViewScreen) this is mixed into

        @property
        def digikunta(self) -> DigikuntaApp: ...

    current: tuple[str, str] | None  # (kind, id) shown (MembersScreen)

    @needs_index
    def action_gdpr(self) -> None:
        """Everything held about the selected person; export or erase."""
        from digikunta_tui.ui.forms.flows import after_write

        if not self.current or self.current[0] != "person":
            self.digikunta.notify(t("gdpr.select_person"), severity="warning", markup=False)
            return
        if self.digikunta.repo.get("person", self.current[1]) is None:
            return

        def closed(result: str | None) -> None:
            if result == "erased":
                self.current = None
                after_write(self.digikunta, self)

        self.digikunta.push_screen(GdprDialog(self.digikunta.repo, self.current[1]), closed)
