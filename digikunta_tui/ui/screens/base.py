"""What every view screen shares: the top bar, the footer, and re-rendering on demand."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input

from digikunta_tui.i18n import get_language
from digikunta_tui.ui.bindings import bind, localize
from digikunta_tui.ui.widgets.app_bar import AppBar
from digikunta_tui.ui.widgets.filtered_list import FilteredList

if TYPE_CHECKING:
    from digikunta_tui.ui.app import DigikuntaApp


class ViewScreen(Screen[None]):
    """A view (dashboard, members …): subclasses compose the body and render the data."""

    VIEW: ClassVar[str] = ""
    """The view name (mode name), e.g. ``"members"``."""

    AUTO_FOCUS: ClassVar[str | None] = "RecordList"
    """A view opens with its list focused (keys act on it; typing a letter starts the filter)."""

    BINDINGS: ClassVar[list[Binding]] = [
        bind("slash", "focus_filter", "focus-filter", show=False, key_display="/")
    ]

    def __init__(self) -> None:
        super().__init__()
        localize(self)
        self._localized_language = get_language()
        """The language of the bindings' descriptions and (composed from it) the tab labels."""
        self._shown_version = -1
        self._shown_language = ""

    @property
    def digikunta(self) -> DigikuntaApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    @property
    def repo(self) -> Any:
        """The repository the app shows."""
        return self.digikunta.repo

    def compose(self) -> ComposeResult:
        """Top bar, body, footer."""
        yield AppBar(self.VIEW)
        yield from self.compose_body()
        yield Footer()

    def compose_body(self) -> ComposeResult:
        """The view's own widgets."""
        yield from ()

    def on_mount(self) -> None:
        """Render the data once the widgets exist."""
        self.update_view()

    def on_screen_resume(self) -> None:
        """Catch up with syncs and language switches that happened while hidden."""
        if (
            self._shown_version != self.digikunta.data_version
            or self._shown_language != get_language()
        ):
            self.update_view()

    def update_view(self) -> None:
        """Re-translate labels and re-render the data."""
        language = get_language()
        if self._shown_language != language:
            if self._localized_language != language:  # not on the first render: done already
                localize(self)
                self.query_one(AppBar).relabel()
                self.refresh_bindings()
                self._localized_language = language
            self.relabel()
        self._shown_version = self.digikunta.data_version
        self._shown_language = language
        self.refresh_view()

    def _filtered_list(self) -> FilteredList | None:
        lists = self.query(FilteredList)
        return lists.first() if lists else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``/`` (filter) only where there is a list."""
        if action == "focus_filter":
            return self._filtered_list() is not None
        return True

    def action_focus_filter(self) -> None:
        """Move to the list's filter box."""
        listing = self._filtered_list()
        if listing is not None:
            listing.start_filter()

    def on_key(self, event: events.Key) -> None:
        """A letter that no key binding claims starts filtering the list (type to filter)."""
        if not event.is_printable or isinstance(self.focused, Input):
            return
        from textual.widgets import TextArea  # not at import time: it is heavy, first paint

        if isinstance(self.focused, TextArea):
            return
        if not event.character or event.key in self.app.active_bindings:
            return
        listing = self._filtered_list()
        if listing is not None:
            event.stop()
            listing.start_filter(event.character)

    def relabel(self) -> None:
        """Re-translate fixed labels (placeholders, titles) after a language switch."""

    def refresh_view(self) -> None:
        """Render the data from the repository."""

    def show_record(self, kind: str, record_id: str) -> None:
        """Show one record in the detail pane (palette jumps)."""

    def selected_contact(self) -> str | None:
        """The email address or link of the selected record, for copying."""
        return None
