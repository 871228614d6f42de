"""An indicator's measurements over time as a small terminal chart (Rich text, no widget).

The layout is the report's (:func:`digikunta_tui.domain.report.charts.series_chart`), scaled
from SVG units to character cells: ``●`` a measurement, ``■`` the baseline, a dashed red row
the target, the value range on the left and the first and last date below. No dependency: a
plotting widget would add a library for a chart of a handful of points.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rich.text import Text

from digikunta_tui.domain.finnish import format_date, format_number
from digikunta_tui.domain.report.charts import SeriesChart, series_chart
from digikunta_tui.domain.report.data import Series

MEASUREMENT = "●"
BASELINE = "■"
TARGET = "┄"


def _cell(chart: SeriesChart, x: float, y: float, width: int, height: int) -> tuple[int, int]:
    column = round((x - chart.left) / (chart.right - chart.left) * (width - 1))
    row = round((y - chart.top) / (chart.bottom - chart.top) * (height - 1))
    return min(max(row, 0), height - 1), min(max(column, 0), width - 1)


def series_text(series: Series, *, width: int = 36, height: int = 5, lang: str = "fi") -> Text:
    """The chart of ``series`` in ``width`` × ``height`` cells plus its labels (empty Text when
    there is nothing to draw)."""

    def number(value: Decimal) -> str:
        return format_number(value, lang=lang)

    def day(value: date) -> str:
        return format_date(value, lang)

    chart = series_chart(series, number, day)
    if chart is None:
        return Text()
    grid = [[" "] * width for _ in range(height)]
    styles: dict[tuple[int, int], str] = {}
    target_row = None
    if chart.target_y is not None:
        target_row, _ = _cell(chart, chart.left, chart.target_y, width, height)
        for column in range(width):
            grid[target_row][column] = TARGET
            styles[(target_row, column)] = "red"
    if chart.baseline is not None:
        row, column = _cell(chart, chart.baseline.x, chart.baseline.y, width, height)
        grid[row][column] = BASELINE
        styles[(row, column)] = "dim"
    for dot in chart.measurements:
        row, column = _cell(chart, dot.x, dot.y, width, height)
        grid[row][column] = MEASUREMENT
        styles[(row, column)] = "bold cyan"
    low, high = chart.y_labels
    pad = max(len(low), len(high))
    out = Text()
    for row in range(height):
        label = high if row == 0 else low if row == height - 1 else ""
        out.append(label.rjust(pad) + " │", style="dim")
        for column in range(width):
            out.append(grid[row][column], style=styles.get((row, column), ""))
        if row == target_row:
            out.append(f" {chart.target_label}", style="red")
        out.append("\n")
    first, last = chart.x_labels
    out.append(" " * (pad + 2) + first + last.rjust(max(width - len(first), 1)), style="dim")
    return out
