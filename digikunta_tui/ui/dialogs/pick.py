"""Pick several records (people to register, stories for a newsletter) with a filter box."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, SelectionList
from textual.widgets.selection_list import Selection

from digikunta_tui.i18n import t
from digikunta_tui.ui.dialogs.base import Dialog
from digikunta_tui.ui.text import literal
from digikunta_tui.ui.widgets.check_list import CheckList

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository

PICK_LIMIT = 200
"""Rows shown at once; the filter box (the repository's search) reaches the rest."""


class PickRecordsDialog(Dialog[list[str]]):
    """A filterable multi-select of one kind; dismisses with the chosen ids (None: cancelled)."""

    def __init__(
        self,
        repo: Repository,
        kind: str,
        title: str,
        *,
        chosen: list[str] | None = None,
        exclude: set[str] | None = None,
        confirm_label: str = "",
    ) -> None:
        """Args:
        repo: the Repository; kind: what to pick; title: the dialog title;
        chosen: ids ticked at first; exclude: ids not offered (e.g. already registered);
        confirm_label: the OK button's text.
        """
        super().__init__()
        self.repo = repo
        self.kind = kind
        self.title_text = title
        self.chosen: list[str] = list(chosen or [])
        """Ticked ids, kept across filter changes."""
        self.exclude = exclude or set()
        self.confirm_label = confirm_label or t("forms.ok")

    def compose(self) -> ComposeResult:
        """Title, filter, list, buttons."""
        with Vertical(classes="dialog-box -tall"):
            yield Label(self.title_text, classes="dialog-title", markup=False)
            yield Input(placeholder=t("list.filter"), id="pick-filter")
            yield CheckList(*self._selections(""), id="pick-list", classes="dialog-body")
            yield Label("", id="pick-count", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.confirm_label, variant="primary", id="pick-ok")
                yield Button(t("forms.cancel"), id="pick-cancel")

    def on_mount(self) -> None:
        """Focus the filter box."""
        self._show_count()
        self.query_one("#pick-filter", Input).focus()

    def _selections(self, query: str) -> list[Selection[str]]:
        rows = self.repo.page(self.kind, query=query, limit=PICK_LIMIT + len(self.exclude))
        selections = []
        for row in rows:
            if row.id in self.exclude:
                continue
            label = literal(row.title) + (f" · {literal(row.subtitle)}" if row.subtitle else "")
            selections.append(Selection(label, row.id, row.id in self.chosen))
        return selections[:PICK_LIMIT]

    def _show_count(self) -> None:
        self.query_one("#pick-count", Label).update(t("forms.chosen", count=len(self.chosen)))

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter the list (ticks are kept)."""
        event.stop()
        listing = self.query_one("#pick-list", SelectionList)
        listing.clear_options()
        listing.add_options(self._selections(event.value))
        listing.highlighted = 0 if listing.option_count else None

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        """Remember ticks across filtering (ids not shown now keep their state)."""
        event.stop()
        listing = event.selection_list
        shown = {listing.get_option_at_index(i).value for i in range(listing.option_count)}
        selected = set(listing.selected)
        kept = [v for v in self.chosen if v not in shown or v in selected]
        self.chosen = kept + [v for v in listing.selected if v not in kept]
        self._show_count()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter moves to the list."""
        event.stop()
        self.query_one("#pick-list").focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """OK / Cancel."""
        event.stop()
        self.dismiss(list(self.chosen) if event.button.id == "pick-ok" else None)
