"""A record list with a filter box above it: typing filters the list through the repository."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Label

from digikunta_tui.domain.finnish import format_number
from digikunta_tui.i18n import get_language, t
from digikunta_tui.ui.keys import focus_now
from digikunta_tui.ui.widgets.record_list import RecordList

if TYPE_CHECKING:
    from textual import getters

    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp


class FilteredList(Vertical):
    """Filter box, row count and a :class:`RecordList` of one record kind.

    Escape or Enter in the filter box goes back to the list (the view screen sends ``/`` and
    stray letters here: see :meth:`start_filter`). Those keys, like ``/``, act as they arrive
    (priority bindings), so the keys typed right after them reach the list (ui/keys.py).
    """

    if TYPE_CHECKING:  # the app, typed (type-only: ``textual.getters.app``)
        app = getters.app(DigikuntaApp)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "to_list", show=False, priority=True),
        Binding("enter", "to_list", show=False, priority=True),
    ]

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
        self.waiting = False
        """True while the search index is being built: nothing can be listed yet."""

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
        """Load the first page (and follow the index build's progress while it runs)."""
        self.load()
        self.watch(self.app, "activity", self._activity_changed, init=False)

    def load(self) -> None:
        """(Re)load the list for the current kind, query and filters, from the top.

        While the search index is being built there is nothing to list yet: the list shows
        "indexing…" (:attr:`waiting`) until the app re-renders the view when it is ready.
        """
        from digikunta_tui.domain.index import IndexNotReady  # not for the first paint

        repo: Repository = self.app.repo
        kind, query, filters = self.kind, self.query_text, dict(self.filters)

        def fetch(offset: int, limit: int) -> list[Any]:
            try:
                return repo.page(kind, query=query, filters=filters, offset=offset, limit=limit)
            except IndexNotReady:
                return []

        def count() -> int:
            try:
                found = repo.count(kind, query, filters)
            except IndexNotReady:
                self.waiting = True
                return 0
            self.waiting = False
            return int(found)

        self.records.set_source(fetch, count)
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
        label = self.query_one(".filtered-list--count", Label)
        if self.waiting:
            percent = getattr(self.app, "index_percent", "…")  # "42 %", or "…" (not known yet)
            known = percent != "…"
            label.update(
                t("list.indexing_percent", percent=percent) if known else t("list.indexing")
            )
            self.records.placeholder = t("list.indexing")
            return
        self.records.placeholder = ""
        count = format_number(self.records.total, lang=get_language())
        label.update(t("list.count", count=count))

    def _activity_changed(self, _activity: object) -> None:
        if self.waiting:
            self._show_count()

    def on_input_changed(self, event: Input.Changed) -> None:
        """Filter as the user types.

        By the box's value now, not the message's: the list may have caught up already (see
        :meth:`action_to_list`), and a late message must not move it back to a shorter query.
        """
        event.stop()
        self._follow_box()

    def _follow_box(self) -> None:
        value = self.query_one(Input).value
        if value != self.query_text:
            self.query_text = value
            self.load()

    def filter_has_focus(self) -> bool:
        """True when the filter box has the focus."""
        return self.app.focused is self.query_one(Input)

    def type_now(self, event: events.Key) -> bool:
        """Type a printable key into the filter box now, as the box itself would.

        The app calls this as the key arrives (keys typed ahead: ``ui/keys.py``), so the box
        holds every character typed before an Enter or Escape that comes after them.

        Returns:
            True when the key was typed.
        """
        if not event.is_printable or not event.character:
            return False
        box = self.query_one(Input)
        selection = box.selection
        if selection.is_empty:
            box.insert_text_at_cursor(event.character)
        else:
            box.replace(event.character, *selection)
        return True

    def start_filter(self, text: str = "") -> None:
        """Move to the filter box, typing ``text`` into it."""
        box = self.query_one(Input)
        focus_now(box)  # before the next key is read: it goes to the box
        if text:
            box.insert_text_at_cursor(text)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape and Enter go back to the list only from this list's filter box."""
        if action == "to_list":
            return self.app.focused is self.query_one(Input)
        return True

    def action_to_list(self) -> None:
        """Back to the list (Escape or Enter in the filter box), before the next key is read.

        The list first catches up with the box, so a command typed right after acts on the
        rows the filter shows.
        """
        self._follow_box()
        focus_now(self.records)
