"""An indicator's measurements: an editable list of value / date / method rows."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Select

from digikunta_tui.i18n import t
from digikunta_tui.ui.forms.spec import METHOD_VALUES, date_text, editable_text
from digikunta_tui.ui.text import choice_label, literal


class MeasurementRow(Horizontal):
    """One measurement: value, date, method and a remove button."""

    DEFAULT_CSS = """
    MeasurementRow { height: auto; }
    MeasurementRow > Input { width: 1fr; }
    MeasurementRow > Select { width: 1fr; }
    MeasurementRow > Button { min-width: 5; width: auto; }
    """

    def __init__(self, item: dict[str, Any] | None = None) -> None:
        """Args: item: ``{value, date, method}`` as stored (None: an empty row)."""
        super().__init__(classes="measurement-row")
        self.item = item or {}

    def compose(self) -> ComposeResult:
        """Value, date, method, remove."""
        method = self.item.get("method")
        yield Input(
            literal(editable_text(self.item.get("value"))),
            placeholder=t("forms.measurement_value"),
            classes="measurement-value",
        )
        yield Input(
            date_text(self.item.get("date")),
            placeholder=t("forms.measurement_date"),
            classes="measurement-date",
        )
        yield Select(
            [(choice_label("measurement_method", m), m) for m in METHOD_VALUES],
            value=method if method in METHOD_VALUES else Select.NULL,
            prompt=t("forms.measurement_method"),
            classes="measurement-method",
        )
        yield Button("✕", classes="measurement-remove", tooltip=t("forms.remove_row"))

    @property
    def value(self) -> dict[str, Any] | None:
        """The row as ``{value, date, method}`` (None when left empty)."""
        value = self.query_one(".measurement-value", Input).value.strip()
        day = self.query_one(".measurement-date", Input).value.strip()
        method = self.query_one(".measurement-method", Select).value
        if not value and not day:
            return None
        item: dict[str, Any] = {"value": value, "date": day}
        if isinstance(method, str):
            item["method"] = method
        return item


class MeasurementsEditor(Vertical):
    """Rows of measurements and an "add row" button."""

    DEFAULT_CSS = """
    MeasurementsEditor { height: auto; }
    MeasurementsEditor > .measurement-rows { height: auto; }
    MeasurementsEditor > Button { width: auto; }
    """

    class Edited(Message):
        """A row was added or removed."""

    def __init__(self, items: list[dict[str, Any]], *, id: str | None = None) -> None:
        """Args: items: the stored measurements."""
        super().__init__(id=id)
        self._items = items

    def compose(self) -> ComposeResult:
        """The rows and the add button."""
        with Vertical(classes="measurement-rows"):
            for item in self._items:
                yield MeasurementRow(item)
        yield Button(t("forms.add_row"), classes="measurement-add")

    @property
    def value(self) -> list[dict[str, Any]]:
        """The measurements entered (empty rows left out)."""
        rows = (row.value for row in self.query(MeasurementRow))
        return [row for row in rows if row is not None]

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        """Add a row, or remove the row whose button was pressed."""
        event.stop()
        if event.button.has_class("measurement-add"):
            row = MeasurementRow()
            await self.query_one(".measurement-rows").mount(row)
            row.query_one(Input).focus()
        else:
            parent = event.button.parent
            if isinstance(parent, MeasurementRow):
                await parent.remove()
        self.post_message(self.Edited())
