"""Key actions the record views share: new, edit and delete the selected record."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from digikunta_tui.i18n import t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.forms.flows import (
    after_write,
    delete_record,
    new_record,
    open_form,
    selection,
)
from digikunta_tui.ui.index_work import needs_index

if TYPE_CHECKING:
    from digikunta_tui.ui.app import DigikuntaApp

    pass

RECORD_BINDINGS: list[Binding] = [
    bind("n", "record_new", "record-new"),
    bind("e", "record_edit", "record-edit"),
    bind("d", "record_delete", "record-delete"),
]
"""Add these to a view's ``BINDINGS`` together with :class:`RecordActions` as a base."""


class RecordActions:
    """Mixin for views with a ``FilteredList`` and a ``current`` selection."""

    if TYPE_CHECKING:  # provided by the view (ViewScreen) this is mixed into

        @property
        def digikunta(self) -> DigikuntaApp: ...

    current: Any

    def _list_kind(self) -> str:
        from digikunta_tui.ui.widgets.filtered_list import FilteredList

        return self.query_one(FilteredList).kind  # type: ignore[attr-defined,no-any-return]

    @needs_index
    def action_record_new(self) -> None:
        """A new record of the kind the list shows."""
        new_record(self.digikunta, self._list_kind())

    @needs_index
    def action_record_edit(self) -> None:
        """Edit the selected record."""
        selected = selection(self)
        if selected is None or self.digikunta.repo.get(*selected) is None:
            self.digikunta.notify(t("forms.nothing_selected"), severity="warning", markup=False)
            return
        open_form(self.digikunta, selected[0], selected[1], screen=self)

    @needs_index
    def action_record_delete(self) -> None:
        """Delete the selected record (after confirmation)."""
        selected = selection(self)
        if selected is None or self.digikunta.repo.get(*selected) is None:
            self.digikunta.notify(t("forms.nothing_selected"), severity="warning", markup=False)
            return

        def done() -> None:
            self.current = None
            after_write(self.digikunta, self)

        delete_record(self.digikunta, selected[0], selected[1], done)
