"""A record list with a filter box above it: typing filters the list through the repository."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label

from digikunta_tui.domain.finnish import format_number
from digikunta_tui.i18n import get_language, t
from digikunta_tui.ui.widgets.record_list import RecordList


class FilteredList(Vertical):
    """Filter box, row count and a :class:`RecordList` of one record kind.

    Escape in the filter box goes back to the list (the view screen sends ``/`` and stray
    letters here: see :meth:`start_filter`).
    """

    DEFAULT_CSS = """
    FilteredList { height: 1fr; }
    FilteredList > Input { margin: 0; }
    FilteredList > .filtered-list--count { color: $text-muted; padding: 0 1; }
    """

    def __init__(
        self, kind: str, *, filters: dict[str, str] | None = None, id: str | None = None
    ) -> None:
        """Args: kind: the record kind listed; filters: field filters for ``repo.page``."""
        super().__init__(id=id)
        self.kind = kind
        """The record kind listed."""
        self.filters: dict[str, str] = dict(filters or {})
        """Field filters (e.g. ``{"stage": "running"}``)."""
        self.query_text = ""
        """What is typed in the filter box."""

    def compose(self) -> ComposeResult:
        """Filter box, count line, list."""
        yield Input(placeholder=t("list.filter"), classes="filter", select_on_focus=False)
        yield Label("", classes="filtered-list--count", markup=False)
        yield RecordList()

    @property
    def records(self) -> RecordList:
        """The list widget."""
        return self.query_one(RecordList)

    def on_mount(self) -> None:
        """Load the first page."""
        self.load()

    def load(self) -> None:
        """(Re)load the list for the current kind, query and filters, from the top."""
        repo: Any = self.app.repo  # type: ignore[attr-defined]
        kind, query, filters = self.kind, self.query_text, dict(self.filters)

        def fetch(offset: int, limit: int) -> list[Any]:
            return repo.page(kind, query=query, filters=filters, offset=offset, limit=limit)

        self.records.set_source(fetch, lambda: repo.count(kind, query, filters))
        self._show_count()

    def reload(self) -> None:
        """Fetch again keeping the cursor (after a sync)."""
        self.records.reload()
        self._show_count()

    def set_kind(self, kind: str) -> None:
        """List another kind (clears field filters)."""
        self.kind, self.filters = kind, {}
        self.load()

    def set_filter(self, field: str, value: str | None) -> None:
        """Set (or clear, with None/"") one field filter and reload."""
        if value:
            self.filters[field] = value
        else:
            self.filters.pop(field, None)
        self.load()

    def relabel(self) -> None:
        """Re-translate the placeholder and count after a language switch."""
        self.query_one(Input).placeholder = t("list.filter")
        self._show_count()

    def _show_count(self) -> None:
        count = format_number(self.records.total, lang=get_language())
        self.query_one(".filtered-list--count", Label).update(t("list.count", count=count))

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as the user types."""
        event.stop()
        self.query_text = event.value
        self.load()

    def start_filter(self, text: str = "") -> None:
        """Move to the filter box, typing ``text`` into it."""
        box = self.query_one(Input)
        box.focus()
        if text:
            box.insert_text_at_cursor(text)

    def on_key(self, event: events.Key) -> None:
        """Escape in the filter box goes back to the list."""
        if event.key == "escape" and isinstance(self.app.focused, Input):
            event.stop()
            self.records.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the filter box moves to the list."""
        event.stop()
        self.records.focus()
