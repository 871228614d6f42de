"""A virtual list of records that fetches rows page by page as the user scrolls.

Only the rows on screen are rendered (Line API ``render_line``) and only the pages they fall in
are fetched from the repository (a small LRU cache of pages), so 50 000 records scroll as
smoothly as 50.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from digikunta_tui.ui.text import literal

FetchPage = Callable[[int, int], list[Any]]
"""(offset, limit) → rows; each row has ``kind``, ``id``, ``title`` and ``subtitle``."""

_NOT_ANNOUNCED = object()
PAGE_SIZE = 100
MAX_PAGES = 32
JUMP_SCAN = 500
"""How far down the list :meth:`RecordList.go_to` looks for a record (five pages)."""


def _key_of(row: Any | None) -> tuple[str, str] | None:
    return (row.kind, row.id) if row is not None else None


class RecordList(ScrollView, can_focus=True):
    """A scrolling list of repository rows with a cursor."""

    DEFAULT_CSS = """
    RecordList { height: 1fr; }
    RecordList > .record-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
    }
    RecordList:blur > .record-list--cursor { background: $block-cursor-blurred-background; }
    RecordList > .record-list--subtitle { color: $text-muted; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {"record-list--cursor", "record-list--subtitle"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("pageup", "page(-1)", show=False),
        Binding("pagedown", "page(1)", show=False),
        Binding("home", "jump(0)", show=False),
        Binding("end", "jump(-1)", show=False),
        Binding("enter", "select", show=False),
    ]

    cursor: reactive[int] = reactive(0)
    """Index of the highlighted row."""

    class Highlighted(Message):
        """The cursor moved to another row (``row`` is None when the list is empty).

        ``moved`` is True when the cursor was moved (keys, a click, Enter, or the view putting
        it on a record), False when the list was (re)loaded under it (a sync, an edit, a new
        filter): a view that shows another record than the cursor's (a palette jump to one the
        list does not show at once) keeps it then.
        """

        def __init__(self, record_list: RecordList, row: Any | None, *, moved: bool = True) -> None:
            super().__init__()
            self.record_list = record_list
            self.row = row
            self.moved = moved

        @property
        def control(self) -> RecordList:
            """The list that sent the message."""
            return self.record_list

    def __init__(
        self,
        fetch: FetchPage | None = None,
        count: Callable[[], int] | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Args: fetch: returns rows by (offset, limit); count: returns how many rows exist."""
        super().__init__(name=name, id=id, classes=classes)
        self._fetch = fetch
        self._count = count
        self._total = 0
        self._pages: OrderedDict[int, list[Any]] = OrderedDict()
        self._last_highlighted: object = _NOT_ANNOUNCED
        self._told: object = None
        self._placeholder = ""

    @property
    def placeholder(self) -> str:
        """What an empty list shows on its first line ("indexing…"), or ""."""
        return self._placeholder

    @placeholder.setter
    def placeholder(self, text: str) -> None:
        if text != self._placeholder:
            self._placeholder = text
            self.refresh()

    @property
    def total(self) -> int:
        """How many rows the list holds."""
        return self._total

    def set_source(self, fetch: FetchPage, count: Callable[[], int]) -> None:
        """Show another data source (a new query or filter) from the top."""
        self._fetch, self._count = fetch, count
        self.reload(keep_cursor=False)

    def reload(self, *, keep_cursor: bool = True) -> None:
        """Forget cached pages and fetch again (after a sync or an edit)."""
        self._pages.clear()
        self._total = self._count() if self._count else 0
        self.virtual_size = Size(self.size.width, self._total)
        cursor = min(self.cursor, max(self._total - 1, 0)) if keep_cursor else 0
        if not keep_cursor:
            self.scroll_to(y=0, animate=False, immediate=True)
        # A reload always announces, even "nothing highlighted" when the list became empty:
        # otherwise the view would keep acting on a row that is no longer shown.
        self._last_highlighted = _NOT_ANNOUNCED
        self.set_reactive(RecordList.cursor, cursor)
        # Announce from this widget's own queue: a message posted while a parent handles its
        # own message would carry the parent as sender and stop bubbling there.
        self.call_later(self._announce, False)
        self.refresh()

    def row_at(self, index: int) -> Any | None:
        """The row at ``index`` (fetching its page when needed), or None past the end."""
        if index < 0 or index >= self._total or self._fetch is None:
            return None
        page_no, offset = divmod(index, PAGE_SIZE)
        page = self._pages.get(page_no)
        if page is None:
            page = self._fetch(page_no * PAGE_SIZE, PAGE_SIZE)
            self._pages[page_no] = page
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page[offset] if offset < len(page) else None

    def go_to(self, kind: str, record_id: str, *, scan: int = JUMP_SCAN) -> bool:
        """Put the cursor on the record when it is among the first ``scan`` rows.

        Returns:
            True when the cursor is on it now.
        """
        for index in range(min(self._total, scan)):
            row = self.row_at(index)
            if row is not None and (row.kind, row.id) == (kind, record_id):
                self.cursor = index
                return True
        return False

    @property
    def highlighted(self) -> Any | None:
        """The row under the cursor."""
        return self.row_at(self.cursor)

    @property
    def unannounced(self) -> bool:
        """True when the view has not yet handled a ``Highlighted`` for the row under the cursor.

        A command typed right after a filter or a cursor move (keys typed ahead) then acts on
        :attr:`highlighted`, the row shown, not on the view's older selection.
        """
        return self._told != _key_of(self.highlighted)

    def told(self, row: Any | None) -> None:
        """The view has handled the ``Highlighted`` of ``row`` (see :attr:`unannounced`)."""
        self._told = _key_of(row)

    def on_resize(self) -> None:
        """Keep the virtual width in step with the widget."""
        self.virtual_size = Size(self.size.width, self._total)

    def render_line(self, y: int) -> Strip:
        """Render one visible line from the cached pages."""
        index = self.scroll_offset.y + y
        width = self.size.width
        row = self.row_at(index)
        if row is None:
            if index == 0 and self.placeholder and not self._total:
                muted = self.rich_style + Style(dim=True)
                return Strip([Segment(" " + self.placeholder, muted)]).crop_extend(0, width, muted)
            return Strip.blank(width, self.rich_style)
        base = self.rich_style
        if index == self.cursor:
            base = base + self.get_component_rich_style("record-list--cursor")
        title = literal(row.title)
        subtitle = literal(row.subtitle or "")
        segments = [Segment(" " + title, base)]
        if subtitle:
            muted = base + Style(dim=True) if index != self.cursor else base
            segments.append(Segment("  " + subtitle, muted))
        return Strip(segments).crop_extend(0, width, base)

    def watch_cursor(self, old: int, new: int) -> None:
        """Scroll the cursor into view, repaint the two rows, and announce the new row."""
        self._scroll_to_row(new)
        self.refresh_line(old - self.scroll_offset.y)
        self.refresh_line(new - self.scroll_offset.y)
        self._announce(moved=True)

    def _scroll_to_row(self, index: int) -> None:
        """Scroll so that row ``index`` is visible."""
        top = self.scroll_offset.y
        height = max(self.scrollable_content_region.height, 1)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)

    def _announce(self, moved: bool = True) -> None:
        row = self.highlighted
        key = _key_of(row)
        if key != self._last_highlighted:
            self._last_highlighted = key
            self.post_message(self.Highlighted(self, row, moved=moved))

    def action_move(self, delta: int) -> None:
        """Move the cursor by ``delta`` rows."""
        if self._total:
            self.cursor = max(0, min(self._total - 1, self.cursor + delta))

    def action_page(self, direction: int) -> None:
        """Move the cursor by one screenful."""
        self.action_move(direction * max(self.scrollable_content_region.height - 1, 1))

    def action_jump(self, index: int) -> None:
        """Move the cursor to the first (0) or last (-1) row."""
        if self._total:
            self.cursor = self._total - 1 if index < 0 else index

    def action_select(self) -> None:
        """Re-announce the highlighted row (Enter)."""
        self._last_highlighted = None
        self._announce(moved=True)

    def on_click(self, event: Any) -> None:
        """Move the cursor to the clicked row."""
        index = self.scroll_offset.y + event.y
        if 0 <= index < self._total:
            self.cursor = index
