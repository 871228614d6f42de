"""The footer of every screen: the keys that act here, in the UI's language, on one line.

Textual's ``Footer`` shows every binding marked ``show`` in the order they are found and cuts
the line off at the right edge, where help and quit were (at 80 columns the members view lost
both). This footer instead

* shows a screen's own keys in the order of its ``FOOTER_KEYS`` (binding ids, most useful
  first), then the other bindings marked ``show``;
* always keeps help, quit and the command palette at the right (:data:`PINNED`), dropping the
  least useful keys on the left when the line is too narrow (``?`` lists them all);
* hides one-character keys while a text box has the focus (they are text there);
* describes a binding by its id's catalogue entry (``key.<id>``), and Textual's own bindings
  ("Dismiss menu" …) in the UI's language too (:data:`TEXTUAL_DESCRIPTIONS`).

Only public Textual API: ``Screen.active_bindings``, ``bindings_updated_signal``,
``App.get_key_display`` and ``App.simulate_key`` (a click acts as the key).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widget import Widget

from digikunta_tui.i18n import t
from digikunta_tui.ui.keys import edits_text

PINNED: tuple[str, ...] = ("help", "quit")
"""Binding ids always shown at the right end, in this order (when they are active here)."""

LAST: tuple[str, ...] = ("switch-language", "palette")
"""Binding ids shown after all others (the first to go when the line is narrow)."""

TEXTUAL_DESCRIPTIONS: dict[str, str] = {
    "Dismiss menu": "textual.dismiss_menu",
    "Show menu": "textual.show_menu",
    "Exit the command palette": "textual.exit_palette",
    "palette": "key.palette",
    "Quit": "key.quit",
}
"""Textual's own English binding descriptions → our catalogue keys."""


def describe(binding: Binding) -> str:
    """A binding's description in the UI's language."""
    if binding.id:
        text = t(f"key.{binding.id}")
        if text != f"key.{binding.id}":
            return text
    key = TEXTUAL_DESCRIPTIONS.get(binding.description)
    return t(key) if key else binding.description


@dataclass(frozen=True)
class FooterItem:
    """One key shown: what is displayed, the key to simulate on a click, and its state."""

    key: str
    display: str
    description: str
    enabled: bool

    def width(self, gap: int = 1) -> int:
        """Cells taken: `` k description`` and ``gap`` spaces after it."""
        return len(self.display) + len(self.description) + 2 + gap


class KeyFooter(Widget):
    """One line of keys for the screen it is on (see the module docstring)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "key-footer--key",
        "key-footer--description",
        "key-footer--disabled",
    }
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-foreground;
    }
    KeyFooter > .key-footer--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyFooter > .key-footer--description {
        color: $footer-description-foreground;
        background: $footer-description-background;
    }
    KeyFooter > .key-footer--disabled { text-style: dim; }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str]] = []

    def on_mount(self) -> None:
        """Follow the screen's bindings (focus changes, ``refresh_bindings``)."""
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        """Stop following the screen."""
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, _screen: Any) -> None:
        self.refresh()

    def items(self) -> tuple[list[FooterItem], list[FooterItem]]:
        """(left, right): the screen's keys in order, and the pinned ones."""
        screen = self.screen
        typing = edits_text(screen.focused)
        app = self.app
        by_id: dict[str, FooterItem] = {}
        shown: list[str] = []
        for key, active in screen.active_bindings.items():
            binding = active.binding
            display = app.get_key_display(binding)
            if typing and len(display) == 1 and display.isprintable():
                continue  # a character in a text box is text
            name = binding.id or f"{binding.action}@{key}"
            if name in by_id:
                continue
            by_id[name] = FooterItem(key, display, describe(binding), active.enabled)
            if binding.show or binding.id in PINNED:
                shown.append(name)
        first = [name for name in getattr(screen, "FOOTER_KEYS", ()) if name not in LAST]
        order = [*first, *(name for name in shown if name not in LAST), *LAST]
        left: list[FooterItem] = []
        seen: set[str] = set(PINNED)
        for name in order:
            if name in by_id and name not in seen:
                seen.add(name)
                left.append(by_id[name])
        right = [by_id[name] for name in PINNED if name in by_id]
        return left, right

    def render(self) -> Text:
        """The keys that fit, then the pinned ones right-aligned.

        When not every key fits, the keys are packed closer (one space between them instead
        of two) if that shows more of them.
        """
        left, right = self.items()
        fitted: list[FooterItem] = []
        gap = 1
        for spacing in (1, 0):
            room = self.size.width - sum(item.width(spacing) for item in right)
            shown = _fit(left, room, spacing)
            if len(shown) > len(fitted):
                fitted, gap = shown, spacing
            if len(shown) == len(left):
                break
        room = self.size.width - sum(item.width(gap) for item in right + fitted)
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        self._spans = []
        for item in fitted:
            self._append(text, item, gap)
        text.append(" " * max(room, 0))
        for item in right:
            self._append(text, item, gap)
        return text

    def _append(self, text: Text, item: FooterItem, gap: int) -> None:
        key_style = self.get_component_rich_style("key-footer--key")
        description_style = self.get_component_rich_style("key-footer--description")
        if not item.enabled:
            dim = self.get_component_rich_style("key-footer--disabled")
            key_style, description_style = key_style + dim, description_style + dim
        start = text.cell_len
        text.append(f" {item.display} ", key_style)
        text.append(item.description, description_style)
        text.append(" " * gap)
        self._spans.append((start, text.cell_len, item.key))

    def on_click(self, event: events.Click) -> None:
        """A click on a key acts as pressing it."""
        for start, end, key in self._spans:
            if start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return


def _fit(items: list[FooterItem], room: int, gap: int) -> list[FooterItem]:
    """The first items that fit in ``room`` cells."""
    fitted: list[FooterItem] = []
    for item in items:
        room -= item.width(gap)
        if room < 0:
            break
        fitted.append(item)
    return fitted
