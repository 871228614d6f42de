"""A line-by-line comparison of two versions of a long text (``difflib``), shown literally."""

from __future__ import annotations

import difflib
from typing import Literal

from rich.text import Text
from textual.widgets import Static

from digikunta_tui.ui.text import literal

Tag = Literal[" ", "-", "+"]

STYLES: dict[str, str] = {" ": "dim", "-": "red", "+": "green"}
"""How each kind of line is drawn: unchanged, only in the old text, only in the new text."""


def diff_lines(old: str, new: str) -> list[tuple[Tag, str]]:
    """Compare two texts line by line.

    Args:
        old: the first version (shown with ``-``).
        new: the second version (shown with ``+``).

    Returns:
        ``(tag, line)`` pairs in reading order: ``" "`` for a line in both, ``"-"`` for a
        line only in ``old``, ``"+"`` for a line only in ``new`` (removed lines first).
    """
    a, b = old.splitlines(), new.splitlines()
    out: list[tuple[Tag, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.extend((" ", line) for line in a[a1:a2])
            continue
        out.extend(("-", line) for line in a[a1:a2])
        out.extend(("+", line) for line in b[b1:b2])
    return out


def render_diff(old: str, new: str) -> Text:
    """The comparison as a ``Text``: one ``"- "``/``"+ "``/``"  "`` prefixed line each."""
    text = Text()
    for index, (tag, line) in enumerate(diff_lines(old, new)):
        if index:
            text.append("\n")
        text.append(f"{tag} {literal(line)}", style=STYLES[tag])
    return text


class LineDiff(Static):
    """Shows how ``new`` differs from ``old``; untrusted text is never read as markup."""

    DEFAULT_CSS = """
    LineDiff {
        height: auto;
    }
    """

    def __init__(self, old: str, new: str, **kwargs: object) -> None:
        """Args: old: the first version; new: the second version (kwargs go to ``Static``)."""
        super().__init__(render_diff(old, new), markup=False, **kwargs)  # type: ignore[arg-type]
        self.old = old
        """The first version."""
        self.new = new
        """The second version."""
