"""Mark attendance after a webinar: attended minutes per registration."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Static

from digikunta_tui.i18n import t
from digikunta_tui.ui.dialogs.base import Dialog
from digikunta_tui.ui.text import literal

MAX_MINUTES = 24 * 60


class AttendanceDialog(Dialog[dict[str, int | None]]):
    """One minutes box per registration; dismisses with the changed ones (id → minutes/None)."""

    def __init__(self, title: str, rows: list[tuple[str, str, Any]]) -> None:
        """Args: title: the webinar title; rows: (registration id, person name, minutes)."""
        super().__init__()
        self.title_text = title
        self.rows = rows

    def compose(self) -> ComposeResult:
        """Title, the rows, error line, buttons."""
        with Vertical(classes="dialog-box -tall"):
            yield Label(
                t("chores.attendance_title", title=self.title_text),
                classes="dialog-title",
                markup=False,
            )
            with VerticalScroll(classes="dialog-body"):
                if not self.rows:
                    yield Static(t("chores.no_registrations"), markup=False)
                for reg_id, name, minutes in self.rows:
                    with Horizontal(classes="attendance-row"):
                        yield Label(literal(name), markup=False)
                        yield Input(
                            "" if minutes is None else str(minutes),
                            placeholder=t("chores.minutes"),
                            id=f"minutes-{reg_id}",
                            type="integer",
                        )
            yield Static("", classes="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("forms.save"), variant="primary", id="attendance-save")
                yield Button(t("forms.cancel"), id="attendance-cancel")

    def answers(self) -> dict[str, int | None] | None:
        """The changed minutes, or None (with a message shown) when one is not a valid number."""
        changed: dict[str, int | None] = {}
        for reg_id, _name, minutes in self.rows:
            text = self.query_one(f"#minutes-{reg_id}", Input).value.strip()
            value = int(text) if text.isdigit() else None
            if text and (value is None or value > MAX_MINUTES):
                self.query_one(".dialog-error", Static).update(t("chores.bad_minutes"))
                self.query_one(f"#minutes-{reg_id}", Input).focus()
                return None
            if value != minutes:
                changed[reg_id] = value
        return changed

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save / Cancel."""
        event.stop()
        if event.button.id == "attendance-cancel":
            self.dismiss(None)
            return
        answers = self.answers()
        if answers is not None:
            self.dismiss(answers)
