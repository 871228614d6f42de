"""A ``SelectionList`` whose unticked boxes are empty.

Textual draws every box with an "X" and tells ticked from unticked by colour only; in a
terminal without those colours (or read as text: a screen reader, tmux's capture) every role
looked chosen. Here an unticked box holds a space.
"""

from __future__ import annotations

from typing import Any

from rich.segment import Segment
from textual.strip import Strip
from textual.widgets import SelectionList

BOX_INNER = 1
"""The position of the box's inner cell among a line's segments (after its left edge)."""


class CheckList(SelectionList[Any]):
    """A ``SelectionList`` with empty unticked boxes (see the module docstring)."""

    def render_line(self, y: int) -> Strip:
        """Textual's line, with the box emptied when its option is not ticked."""
        strip = super().render_line(y)
        index = self.scroll_offset.y + y
        if index >= self.option_count:
            return strip
        if self.get_option_at_index(index).value in self.selected:
            return strip
        segments = list(strip)
        if len(segments) <= BOX_INNER:
            return strip
        inner = segments[BOX_INNER]
        segments[BOX_INNER] = Segment(" " * len(inner.text), inner.style, inner.control)
        return Strip(segments, strip.cell_length)
