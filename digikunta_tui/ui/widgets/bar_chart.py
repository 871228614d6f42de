"""A horizontal bar chart drawn with block characters (labels are untrusted text)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from rich.text import Text

from digikunta_tui.ui.text import literal

_EIGHTHS = " ▏▎▍▌▋▊▉"


def bar(value: Decimal, maximum: Decimal, width: int) -> str:
    """A bar of ``width`` cells at most, in eighths of a cell, for ``value`` out of ``maximum``."""
    if maximum <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = int(value / maximum * width * 8)
    full, rest = divmod(min(eighths, width * 8), 8)
    return "█" * full + (_EIGHTHS[rest] if rest else "")


def bar_chart(
    rows: Sequence[tuple[str, Decimal]],
    *,
    width: int = 60,
    label_width: int = 18,
    fmt: Callable[[Decimal], str] = str,
    style: str = "",
) -> Text:
    """Render ``(label, value)`` rows as one line each: label, bar, formatted value.

    Args:
        rows: labels (shown literally, cut to ``label_width``) and non-negative values.
        width: total width in cells.
        label_width: cells for the label column.
        fmt: formats a value for the end of its line.
        style: style of the bars.
    """
    out = Text()
    if not rows:
        return out
    maximum = max((value for _, value in rows), default=Decimal(0))
    values = [fmt(value) for _, value in rows]
    value_width = max(len(text) for text in values)
    bar_width = max(width - label_width - value_width - 3, 4)
    for index, ((label, value), shown) in enumerate(zip(rows, values, strict=True)):
        if index:
            out.append("\n")
        name = literal(label)
        name = name if len(name) <= label_width else name[: label_width - 1] + "…"
        out.append(name.ljust(label_width) + " ")
        out.append(bar(value, maximum, bar_width).ljust(bar_width), style=style)
        out.append(" " + shown.rjust(value_width))
    return out
