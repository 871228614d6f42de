"""What every view screen shares: the top bar, the footer, and re-rendering on demand."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.screen import Screen

from digikunta_tui.i18n import get_language
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.keys import edits_text, typing_text
from digikunta_tui.ui.widgets.app_bar import AppBar
from digikunta_tui.ui.widgets.filtered_list import FilteredList
from digikunta_tui.ui.widgets.key_footer import KeyFooter
from digikunta_tui.ui.widgets.record_list import RecordList

if TYPE_CHECKING:
    from textual import getters

    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp


class ViewScreen(Screen[None]):
    """A view (dashboard, members …): subclasses compose the body and render the data."""

    if TYPE_CHECKING:  # the app, typed (type-only: ``textual.getters.app``)
        app = getters.app(DigikuntaApp)

    VIEW: ClassVar[str] = ""
    """The view name (mode name), e.g. ``"members"``."""

    FOOTER_KEYS: ClassVar[tuple[str, ...]] = ("focus-filter", "sync-now", "undo", "copy-contact")
    """Binding ids the footer shows first, most useful first (see :class:`KeyFooter`)."""

    AUTO_FOCUS: ClassVar[str | None] = "RecordList"
    """A view opens with its list focused (keys act on it; typing a letter starts the filter)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: the focus moves before the keys typed after "/" are read (see ui/keys.py).
        bind("slash", "focus_filter", "focus-filter", show=False, key_display="/", priority=True)
    ]

    def __init__(self) -> None:
        super().__init__()
        self._localized_language = get_language()
        """The language of the bindings' descriptions and (composed from it) the tab labels."""
        self._shown_version = -1
        self._shown_language = ""

    @property
    def digikunta(self) -> DigikuntaApp:
        """The app, typed."""
        return self.app

    @property
    def repo(self) -> Repository:
        """The repository the app shows."""
        return self.digikunta.repo

    def compose(self) -> ComposeResult:
        """Top bar, body, footer."""
        yield AppBar(self.VIEW)
        yield from self.compose_body()
        yield KeyFooter()

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
            return self._filtered_list() is not None and not typing_text(self.app)
        return True

    def action_focus_filter(self) -> None:
        """Move to the list's filter box."""
        listing = self._filtered_list()
        if listing is not None:
            listing.start_filter()

    def keys_are_commands(self) -> bool:
        """True when keys are commands here: the list (or nothing) has the focus, no text box.

        The app then runs this view's bindings as a key arrives (see
        :meth:`~digikunta_tui.ui.app.DigikuntaApp.on_event`); other widgets (a table, a
        select, tabs) get their keys first, as usual.
        """
        return self.focused is None or isinstance(self.focused, RecordList)

    def type_to_filter(self, event: events.Key) -> bool:
        """Type a character into the list's filter as the key arrives at the app.

        On the list (keys are commands, no binding claimed the key) it starts the filter, the
        focus moved at once; in the filter box it is typed there at once, so that the filter
        holds it before a command typed after Enter or Escape acts on the list (see
        :mod:`digikunta_tui.ui.keys`).

        Returns:
            True when the key was typed into the filter (the app then drops it).
        """
        listing = self._filtered_list()
        if listing is not None and listing.filter_has_focus():
            return listing.type_now(event)
        return self.keys_are_commands() and self._start_filter_with(event)

    def on_record_list_highlighted(self, event: RecordList.Highlighted) -> None:
        """Remember that the view has seen the list's row (each view's own handler shows it)."""
        event.record_list.told(event.row)

    def on_key(self, event: events.Key) -> None:
        """A letter that no key binding claims starts filtering the list (type to filter)."""
        if self._start_filter_with(event):
            event.stop()

    def _start_filter_with(self, event: events.Key) -> bool:
        if not event.is_printable or not event.character or edits_text(self.focused):
            return False
        if self.app.screen is not self or event.key in self.app.active_bindings:
            return False
        listing = self._filtered_list()
        if listing is None:
            return False
        listing.start_filter(event.character)
        return True

    def relabel(self) -> None:
        """Re-translate fixed labels (placeholders, titles) after a language switch."""

    def refresh_view(self) -> None:
        """Render the data from the repository."""

    def show_record(self, kind: str, record_id: str) -> None:
        """Show one record in the detail pane (palette jumps)."""

    def selected_contact(self) -> str | None:
        """The email address or link of the selected record, for copying."""
        return None
