"""One labelled field of a form: the right input for the field type and its error line."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label, Markdown, Select, SelectionList, Static, Switch, TextArea
from textual.widgets.selection_list import Selection

from digikunta_tui.domain.stored import (
    Invalid,
    objects_of,
    read_bool,
    read_choice,
    read_id,
    read_ids,
    read_list,
)
from digikunta_tui.i18n import t
from digikunta_tui.ui.forms import spec as S
from digikunta_tui.ui.forms.measurements import MeasurementsEditor
from digikunta_tui.ui.forms.references import RefSelect, RefsList
from digikunta_tui.ui.text import choice_label, field_label, literal
from digikunta_tui.ui.widgets.check_list import CheckList

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository


def _shown(field: S.FieldSpec, stored: Any, names: dict[str, str]) -> tuple[Any, str]:
    """The stored value as the input shows it, and a note when the input cannot show it.

    Text inputs show an unreadable stored value as its text (JSON for non-text), so that the
    user sees it and can correct it; choices, switches, lists of references and measurements
    cannot hold such a value, so they start empty and the note says what is stored now.
    """
    widget = field.widget
    if widget == S.DATE:
        return S.date_text(stored), ""
    if widget == S.DATETIME:
        return S.datetime_text(stored), ""
    if widget == S.WORDS:
        items = read_list(stored)
        if isinstance(items, Invalid):
            return items.text, ""
        return S.words_text(names.get(v, v) for v in items or []), ""
    if widget in (S.ROLES, S.REFS, S.MEASUREMENTS):
        readers = {S.ROLES: read_list, S.REFS: read_ids, S.MEASUREMENTS: objects_of}
        found = readers[widget](stored)
        if isinstance(found, Invalid):
            return [], found.label()
        return list(found or []), ""
    if widget == S.FLAG:
        flag = read_bool(stored)
        default = field.name == "active"
        if isinstance(flag, Invalid):
            return default, flag.label()
        return default if flag is None else flag, ""
    if widget == S.DATED:
        if stored is None or isinstance(stored, dict):
            return dict(stored or {}), ""
        return {}, Invalid(stored, "number").label()
    if widget == S.CHOICE:
        choice = read_choice(stored, field.values)
        if isinstance(choice, Invalid):
            return None, choice.label()
        return choice, ""
    if widget == S.REF:
        target = read_id(stored)
        if isinstance(target, Invalid):
            return None, target.label()
        return target, ""
    if stored is None:
        return "", ""
    return literal(S.editable_text(stored), multiline=widget in (S.TEXT, S.MARKDOWN)), ""


class FieldEditor(Vertical):
    """Label, input and error message of one field."""

    DEFAULT_CSS = """
    FieldEditor { height: auto; margin-bottom: 1; }
    FieldEditor > .field-label { text-style: bold; }
    FieldEditor > .field-error { color: $error; height: auto; display: none; }
    FieldEditor > .field-note { color: $warning; height: auto; }
    FieldEditor.-invalid > .field-error { display: block; }
    FieldEditor.-invalid > .field-control { border: tall $error; }
    FieldEditor > .markdown-pair { height: 12; }
    FieldEditor > .markdown-pair > TextArea { width: 1fr; }
    FieldEditor > .markdown-pair > .markdown-preview { width: 1fr; border: round $panel; }
    FieldEditor TextArea.field-control { height: 6; }
    FieldEditor > .dated { height: auto; }
    FieldEditor > .dated > Input { width: 1fr; }
    """

    class Edited(Message):
        """The user changed the field."""

        def __init__(self, editor: FieldEditor) -> None:
            super().__init__()
            self.editor = editor

    def __init__(
        self, field: S.FieldSpec, repo: Repository, stored: Any, names: dict[str, str] | None = None
    ) -> None:
        """Args:
        field: what the field is; repo: the Repository (for references);
        stored: the stored value (None for a new record);
        names: id → display name, for free-text lists that may hold person ids (presenters).
        """
        super().__init__(id=f"field-{field.name}")
        self.field = field
        """What the field is."""
        self.repo = repo
        self.names = names or {}
        self.initial, self.note = _shown(field, stored, self.names)
        """The value shown when the form opened (to tell whether it changed), and what is
        stored when the input cannot show it (odd data from a sync; "" normally)."""
        self.baseline: Any = None
        """The widget's own value right after mounting (set by :meth:`remember`)."""
        self.remembered = False
        self.touched = False
        """True once the user edited it or tried to save (errors are shown from then on)."""

    # ------------------------------------------------------------------ building
    def compose(self) -> ComposeResult:
        """Label, the input for the field type, the error line."""
        field = self.field
        label = field_label(field.kind, field.name)
        if field.name in S.required_fields(field.kind):
            label += " *"
        yield Label(label, classes="field-label", markup=False)
        if self.note:
            yield Static(t("stored.note", value=self.note), classes="field-note", markup=False)
        yield from self._control()
        yield Static("", classes="field-error", markup=False)

    def _control(self) -> ComposeResult:
        field, value = self.field, self.initial
        widget = field.widget
        if widget == S.CHOICE:
            options = [(choice_label(field.enum, v), v) for v in field.values]
            yield Select(
                options,
                value=value if value in field.values else Select.NULL,
                prompt=t("forms.choose"),
                classes="field-control",
            )
        elif widget == S.FLAG:
            yield Switch(value=bool(value), classes="field-control")
        elif widget == S.ROLES:
            yield CheckList(
                *(Selection(choice_label("role", r), r, r in value) for r in S.ROLE_VALUES),
                classes="field-control",
            )
        elif widget == S.REF:
            yield RefSelect(self.repo, field.ref_kind, value, id=None)
        elif widget == S.REFS:
            yield RefsList(self.repo, field.ref_kind, value)
        elif widget == S.MEASUREMENTS:
            yield MeasurementsEditor(value)
        elif widget == S.DATED:
            with Horizontal(classes="dated"):
                yield Input(
                    literal(S.editable_text(value.get("value"))),
                    placeholder=t("forms.measurement_value"),
                    classes="dated-value",
                )
                yield Input(
                    S.date_text(value.get("date")),
                    placeholder=t("forms.measurement_date"),
                    classes="dated-date",
                )
        elif widget == S.MARKDOWN:
            with Horizontal(classes="markdown-pair"):
                yield TextArea(value, classes="field-control", soft_wrap=True)
                yield Markdown(value, classes="markdown-preview", open_links=False)
        elif widget == S.TEXT:
            yield TextArea(value, classes="field-control", soft_wrap=True)
        else:
            yield Input(value, placeholder=self._placeholder(), classes="field-control")

    def _placeholder(self) -> str:
        return {
            S.DATE: t("forms.date_placeholder"),
            S.DATETIME: t("forms.datetime_placeholder"),
            S.WORDS: t("forms.words_placeholder"),
        }.get(self.field.widget, "")

    # ------------------------------------------------------------------ values
    @property
    def value(self) -> Any:
        """What the field holds now, in the form's representation."""
        widget = self.field.widget
        if widget == S.CHOICE:
            chosen = self.query_one(Select).value
            return chosen if isinstance(chosen, str) else None
        if widget == S.FLAG:
            return self.query_one(Switch).value
        if widget in (S.ROLES, S.REFS):
            selected = list(self.query_one(SelectionList).selected)
            kept = [v for v in self.initial if v in selected]
            return kept + [v for v in selected if v not in kept]
        if widget == S.REF:
            return self.query_one(RefSelect).value
        if widget == S.MEASUREMENTS:
            return self.query_one(MeasurementsEditor).value
        if widget == S.DATED:
            amount = self.query_one(".dated-value", Input).value.strip()
            day = self.query_one(".dated-date", Input).value.strip()
            return {"value": amount, "date": day} if amount or day else {}
        if widget in (S.MARKDOWN, S.TEXT):
            return self.query_one(TextArea).text
        return self.query_one(Input).value

    def remember(self) -> None:
        """Take the current value as the unchanged one (after the widgets are mounted)."""
        self.baseline = self.value
        self.remembered = True

    @property
    def changed(self) -> bool:
        """True when the value differs from the one shown at first."""
        if not self.remembered:
            return False
        value, initial = self.value, self.baseline
        if self.field.widget == S.WORDS:
            return bool(S.words_value(value) != S.words_value(initial))
        if isinstance(value, str) and isinstance(initial, str):
            return value.strip() != initial.strip()
        return bool((value or None) != (initial or None))

    def stored_value(self) -> Any:
        """The value to hand to the repository (None for blank: the field is cleared)."""
        value = self.value
        widget = self.field.widget
        if widget == S.WORDS:
            reverse = {name: rid for rid, name in self.names.items()}
            value = [reverse.get(word, word) for word in S.words_value(value)]
        elif widget == S.DATED and value:
            value = {k: v for k, v in value.items() if v}
        elif isinstance(value, str):
            value = value.strip()
        return None if S.is_blank(value) else value

    # ------------------------------------------------------------------ errors
    def show_error(self, message: str | None) -> None:
        """Show (or clear, with None) the message under the field."""
        self.query_one(".field-error", Static).update(message or "")
        self.set_class(bool(message), "-invalid")

    @property
    def invalid(self) -> bool:
        """True while an error is shown."""
        return self.has_class("-invalid")

    def focus_control(self) -> None:
        """Focus the field's input."""
        for widget in self.query(Widget):
            if widget.focusable:
                widget.focus()
                return

    # ------------------------------------------------------------------ events
    def _edited(self) -> None:
        self.post_message(self.Edited(self))

    def on_input_changed(self, event: Input.Changed) -> None:
        """Typing in any of the field's boxes (not a reference search box)."""
        if not event.input.has_class("ref-search"):
            self._edited()

    def on_select_changed(self, event: Select.Changed) -> None:
        """A choice."""
        self._edited()

    def on_switch_changed(self, event: Switch.Changed) -> None:
        """A yes/no."""
        self._edited()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        """Roles or references ticked."""
        self._edited()

    def on_measurements_editor_edited(self, event: MeasurementsEditor.Edited) -> None:
        """A measurement row added or removed."""
        self._edited()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Text edited; Markdown fields update their preview."""
        if self.field.widget == S.MARKDOWN:
            self.query_one(".markdown-preview", Markdown).update(event.text_area.text)
        self._edited()

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """Links in the preview do nothing (the text is the user's own, but never an action)."""
        event.stop()
