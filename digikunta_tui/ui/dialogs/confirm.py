"""Yes/no confirmations and the unsaved-changes and delete-organisation questions."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label, Static

from digikunta_tui.i18n import t
from digikunta_tui.ui.dialogs.base import Dialog


class ChoiceDialog(Dialog[str]):
    """A title, a message (shown literally) and buttons; dismisses with the pressed button's id."""

    def __init__(self, title: str, message: str, buttons: list[tuple[str, str, str]]) -> None:
        """Args: title; message (untrusted parts allowed: never markup);
        buttons: (answer id, label, variant) in display order.
        """
        super().__init__()
        self.title_text = title
        self.message = message
        self.buttons = buttons

    def compose(self) -> ComposeResult:
        """Title, message, buttons."""
        with Vertical(classes="dialog-box"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Static(self.message, classes="dialog-message", markup=False)
            with Horizontal(classes="dialog-buttons"):
                for answer, label, variant in self.buttons:
                    yield Button(label, id=f"answer-{answer}", variant=variant)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        """Focus the last (safest) button."""
        self.query(Button).last().focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Answer with the button's id."""
        event.stop()
        self.dismiss((event.button.id or "").removeprefix("answer-"))


def confirm_dialog(title: str, message: str, confirm_label: str) -> ChoiceDialog:
    """A confirmation: answers ``"confirm"`` or ``"cancel"`` (None on Escape)."""
    return ChoiceDialog(
        title,
        message,
        [("confirm", confirm_label, "error"), ("cancel", t("forms.cancel"), "default")],
    )


def unsaved_changes_dialog() -> ChoiceDialog:
    """Leaving a form with changes: ``"save"``, ``"discard"`` or ``"keep"``."""
    return ChoiceDialog(
        t("forms.unsaved_title"),
        t("forms.unsaved_message"),
        [
            ("save", t("forms.save"), "primary"),
            ("discard", t("forms.discard"), "error"),
            ("keep", t("forms.keep_editing"), "default"),
        ],
    )


def delete_organization_dialog(name: str, people: int) -> ChoiceDialog:
    """Deleting an organisation that has people: ``"unlink"`` (then delete) or ``"cancel"``."""
    return ChoiceDialog(
        t("forms.delete_title", kind=t("kind.organization")),
        t("forms.delete_org_people", name=name, count=people),
        [
            ("unlink", t("forms.unlink_and_delete"), "error"),
            ("cancel", t("forms.cancel"), "default"),
        ],
    )
