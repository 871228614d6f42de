"""``RecordForm``: create or edit one record of any kind, validated as the user types."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from digikunta_tui.domain.display import person_name
from digikunta_tui.domain.stored import items_of
from digikunta_tui.domain.validation import validate_field
from digikunta_tui.i18n import t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.forms import spec as S
from digikunta_tui.ui.forms.fields import FieldEditor
from digikunta_tui.ui.text import kind_label, literal
from digikunta_tui.ui.widgets.key_footer import KeyFooter

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository

RECORD_ERROR = "_record"


class RecordForm(ModalScreen[str | None]):
    """A form for one record; dismisses with the saved record's id (None when cancelled)."""

    CSS_PATH = Path(__file__).with_name("forms.tcss")
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("ctrl+o", "save", "form-save"),
        bind("escape", "cancel", "form-cancel"),
    ]

    def __init__(
        self,
        repo: Repository,
        kind: str,
        record_id: str | None = None,
        *,
        defaults: dict[str, Any] | None = None,
    ) -> None:
        """Args:
        repo: the Repository; kind: the record kind;
        record_id: the record to edit (None: a new one; consent events are never edited);
        defaults: field values a new record starts with (e.g. the selected person).
        """
        super().__init__()
        if kind == "consent" and record_id is not None:
            raise ValueError("consent events are append-only")
        self.repo = repo
        self.kind = kind
        self.record_id = record_id
        stored = repo.require(kind, record_id) if record_id else dict(defaults or {})
        self.stored: dict[str, Any] = stored
        """The record's fields when the form opened (or the defaults of a new one)."""
        self._names = self._presenter_names(stored) if kind == "webinar" else {}

    def _presenter_names(self, stored: dict[str, Any]) -> dict[str, str]:
        names: dict[str, str] = {}
        for value in items_of(stored.get("presenters")):
            person = self.repo.get("person", value)
            if person:
                names[value] = person_name(person)
        return names

    # ------------------------------------------------------------------ building
    def compose(self) -> ComposeResult:
        """Title, the fields, the record-level error, Save and Cancel."""
        verb = "forms.title_edit" if self.record_id else "forms.title_new"
        with Vertical(id="form-dialog"):
            yield Label(t(verb, kind=kind_label(self.kind)), id="form-title", markup=False)
            with VerticalScroll(id="form-fields"):
                for field in S.field_specs(self.kind):
                    stored = self.stored.get(field.name)
                    yield FieldEditor(field, self.repo, stored, self._names)
            yield Static("", id="form-error", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button(t("forms.save"), variant="primary", id="form-save")
                yield Button(t("forms.cancel"), id="form-cancel")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Focus the first field; remember the values shown (to tell what changed)."""
        editors = self.editors
        if not editors:
            return  # opened as the app quits (keys typed after "q"): nothing was composed
        editors[0].focus_control()
        self.call_after_refresh(self._remember)

    def _remember(self) -> None:
        for editor in self.editors:
            editor.remember()
        # A stored value that does not validate (odd data from a sync) is marked at once, so
        # the user sees what to correct before saving.
        for editor in self.editors:
            stored = self.stored.get(editor.field.name)
            if (
                stored is not None
                and self.record_id is not None
                and (
                    editor.note or validate_field(self.kind, editor.field.name, stored) is not None
                )
            ):
                editor.touched = True
                self._check(editor)

    @property
    def editors(self) -> list[FieldEditor]:
        """The field editors in form order."""
        return list(self.query(FieldEditor))

    def editor(self, name: str) -> FieldEditor:
        """The editor of one field."""
        return self.query_one(f"#field-{name}", FieldEditor)

    # ------------------------------------------------------------------ state
    @property
    def dirty(self) -> bool:
        """True when anything differs from what the form opened with."""
        return any(editor.changed for editor in self.editors)

    def _check(self, editor: FieldEditor) -> str | None:
        message = validate_field(self.kind, editor.field.name, editor.stored_value())
        editor.show_error(message)
        return message

    def on_field_editor_edited(self, event: FieldEditor.Edited) -> None:
        """Validate as the user types (once a field has been changed)."""
        editor = event.editor
        if editor.changed:
            editor.touched = True
        if editor.touched:
            self._check(editor)

    def _payload(self) -> dict[str, Any]:
        if self.record_id is None:
            fields = {e.field.name: e.stored_value() for e in self.editors}
            fields = {name: value for name, value in fields.items() if value is not None}
            if self.kind == "webinar":
                from sync import new_id

                fields["ical_uid"] = f"{new_id()}@digikunta"
            return fields
        # Only what changed: rewriting unchanged fields would stamp them anew and turn other
        # coordinators' concurrent edits of those fields into conflicts.
        return {e.field.name: e.stored_value() for e in self.editors if e.changed}

    def _show_errors(self, errors: dict[str, str]) -> None:
        first: FieldEditor | None = None
        loose: list[str] = []
        for editor in self.editors:
            message = errors.get(editor.field.name)
            editor.touched = True
            editor.show_error(message)
            if message and first is None:
                first = editor
        names = {e.field.name for e in self.editors}
        loose = [literal(msg) for name, msg in errors.items() if name not in names]
        self.query_one("#form-error", Static).update("\n".join(loose))
        if first is not None:
            first.query_one(".field-error").scroll_visible()
            first.focus_control()

    # ------------------------------------------------------------------ actions
    def action_save(self) -> None:
        """Save when every field is valid; otherwise focus the first error and do nothing."""
        from digikunta_tui.domain.repository import ValidationFailed

        errors = {}
        for editor in self.editors:
            editor.touched = True
            message = self._check(editor)
            if message:
                errors[editor.field.name] = message
        if errors:
            self._show_errors(errors)
            return
        fields = self._payload()
        try:
            if self.record_id is None:
                saved = self.repo.create(self.kind, fields)
            else:
                if fields:
                    self.repo.update(self.kind, self.record_id, fields)
                saved = self.record_id
        except ValidationFailed as exc:
            self._show_errors(exc.errors)
            return
        self.app.notify(t("forms.saved", kind=kind_label(self.kind)), markup=False)
        self.dismiss(saved)

    def action_cancel(self) -> None:
        """Leave; with unsaved changes, ask first (save / discard / keep editing)."""
        if not self.dirty:
            self.dismiss(None)
            return
        from digikunta_tui.ui.dialogs.confirm import unsaved_changes_dialog

        def answered(choice: str | None) -> None:
            if choice == "save":
                self.action_save()
            elif choice == "discard":
                self.dismiss(None)

        self.app.push_screen(unsaved_changes_dialog(), answered)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Save / Cancel buttons."""
        if event.button.id == "form-save":
            event.stop()
            self.action_save()
        elif event.button.id == "form-cancel":
            event.stop()
            self.action_cancel()
