"""Helpers for the form and dialog tests (a uniquely named module, not conftest)."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList, Switch, TextArea

from digikunta_tui.ui.forms.fields import FieldEditor
from digikunta_tui.ui.forms.record_form import RecordForm
from digikunta_tui.ui.forms.references import RefSelect


def form_of(pilot: Pilot[Any]) -> RecordForm:
    """The form on top of the screen stack."""
    screen = pilot.app.screen
    assert isinstance(screen, RecordForm), type(screen).__name__
    return screen


def set_field(form: RecordForm, name: str, value: Any) -> None:
    """Enter ``value`` in field ``name`` as a user would (through the field's widget)."""
    editor: FieldEditor = form.editor(name)
    if editor.query(RefSelect):
        editor.query_one(RefSelect).query_one(Select).value = value
    elif editor.query(Select):
        editor.query_one(Select).value = value
    elif editor.query(Switch):
        editor.query_one(Switch).value = value
    elif editor.query(TextArea):
        editor.query_one(TextArea).text = value
    elif editor.query(SelectionList):
        listing = editor.query_one(SelectionList)
        listing.deselect_all()
        for item in value:
            listing.select(item)
    else:
        editor.query_one(Input).value = value


async def type_into(pilot: Pilot[Any], form: RecordForm, name: str, text: str) -> None:
    """Focus a text field, clear it and type ``text`` key by key."""
    box = form.editor(name).query_one(Input)
    box.value = ""
    box.focus()
    await pilot.pause()
    await pilot.press(*text)
    await pilot.pause()


async def settle(pilot: Pilot[Any]) -> None:
    """Let messages and screen changes finish."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def shown_errors(form: RecordForm) -> dict[str, str]:
    """Field name → message of every error the form shows."""
    return {
        editor.field.name: str(editor.query_one(".field-error").render())
        for editor in form.editors
        if editor.invalid
    } | {"_form": str(form.query_one("#form-error").render())}
