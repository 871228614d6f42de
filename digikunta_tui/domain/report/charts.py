"""The report's charts as inline SVG, drawn without a browser.

- The overview bar charts (€ and hours per organisation, per theme) are **pygal** charts: a few
  per report, where a library's axes, labels and layout serve. Its inline ``<script>`` (the
  tooltips) is removed — the report runs no script — and labels are escaped by its XML writer.
- Each indicator's series (baseline, measurements, target line) is laid out here
  (``_layout``: :func:`series_chart` for the app's terminal chart, :func:`series_svg` for the
  report, which writes SVG text straight from it, its name escaped): a report of 5 000
  stories has 10 000 of them, and a pygal chart took 17 ms and 17 kB each (measured: 170 s
  and 170 MB for those), where this takes some 20 µs and about 1 kB. Written by plain string
  joins rather than a template macro: a macro's ~45 escaped values a chart were a third of
  the report's rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from math import floor
from typing import NamedTuple
from xml.etree import ElementTree

from digikunta_tui.domain.report.data import Series

WIDTH, HEIGHT = 300, 110
"""The series chart's size in CSS pixels."""
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 8, 18
"""Room for the value labels (left) and the date labels (below)."""
_PLOT_WIDTH, _PLOT_HEIGHT, _PLOT_BOTTOM = (
    WIDTH - LEFT - RIGHT,
    HEIGHT - BOTTOM - TOP,
    HEIGHT - BOTTOM,
)


@dataclass(frozen=True)
class Dot:
    """A point of a series chart with its label (the value and the date, shown on hover)."""

    x: float
    y: float
    label: str


@dataclass(frozen=True)
class SeriesChart:
    """A series chart's geometry in SVG user units (``WIDTH`` × ``HEIGHT``)."""

    measurements: list[Dot]
    """One dot per measurement, oldest first."""
    baseline: Dot | None
    target_y: float | None
    target_label: str
    line: str
    """``x,y x,y …`` from the baseline through the measurements."""
    y_labels: tuple[str, str]
    x_labels: tuple[str, str]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM
    right: int = WIDTH - RIGHT


class _Layout(NamedTuple):
    """A series chart's geometry (SVG user units), before any label is written."""

    dots: list[tuple[float, float]]
    """(x, y) of each measurement, oldest first."""
    baseline: tuple[float, float] | None
    target_y: float | None
    low: Decimal
    high: Decimal
    first: date | None
    last: date | None


def _exact_y(value: Decimal, low: Decimal, scale: Decimal) -> float:
    """Where ``value`` lies on a chart from ``low`` to ``low + scale`` (to 1/100 of a unit)."""
    return round(_PLOT_BOTTOM - _PLOT_HEIGHT * float((value - low) / scale), 2)


def _y(value: Decimal, low: Decimal, scale: Decimal, float_scale: float) -> float:
    """:func:`_exact_y`, found in binary floating point (``float_scale``: ``float(scale)``).

    ``float()`` of the rule's 28-digit quotient is most of a chart's layout; in floating
    point the same y costs a third and lies within 1e-13 of the rule's, so it rounds to the
    same hundredth unless it lies within 1e-8 of a tie between two, where the rule decides.
    """
    y = _PLOT_BOTTOM - _PLOT_HEIGHT * (float(value - low) / float_scale)
    hundredths = y * 100
    if abs(hundredths - floor(hundredths) - 0.5) > 1e-6:
        return round(y, 2)
    return _exact_y(value, low, scale)


def _layout(series: Series) -> _Layout | None:
    """Where ``series`` is drawn; None when there is nothing to draw."""
    points, baseline, target = series.points, series.baseline, series.target
    if not points and baseline is None:
        return None
    dates = [p.when for p in points]
    if baseline is not None and series.baseline_date is not None:
        dates.append(series.baseline_date)
    if target is not None and series.target_date is not None:
        dates.append(series.target_date)
    values = [p.value for p in points]
    values += [v for v in (baseline, target) if v is not None]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    first, last = (min(dates), max(dates)) if dates else (None, None)
    span = (last - first).days if first is not None and last is not None else 0
    count = len(points) + 1
    scale = high - low

    def x_of(when: date | None, index: int) -> float:
        if first is not None and span > 0 and when is not None:
            return LEFT + _PLOT_WIDTH * (when - first).days / span
        return LEFT + _PLOT_WIDTH * (index + 1) / (count + 1)

    float_scale = float(scale)

    def y_of(value: Decimal) -> float:
        return _y(value, low, scale, float_scale)

    dots = [(round(x_of(p.when, i), 2), y_of(p.value)) for i, p in enumerate(points, start=1)]
    base = None
    if baseline is not None:
        x = LEFT if series.baseline_date is None else x_of(series.baseline_date, 0)
        base = (round(x, 2), y_of(baseline))
    target_y = y_of(target) if target is not None else None
    return _Layout(dots, base, target_y, low, high, first, last)


def series_chart(
    series: Series, number: Callable[[Decimal], str], day: Callable[[date], str]
) -> SeriesChart | None:
    """Lay out ``series``; None when there is nothing to draw (no measurement, no baseline)."""
    layout = _layout(series)
    if layout is None:
        return None
    dots = [
        Dot(x, y, f"{number(p.value)} · {day(p.when)}")
        for (x, y), p in zip(layout.dots, series.points, strict=True)
    ]
    base = None
    if layout.baseline is not None and series.baseline is not None:
        base = Dot(
            *layout.baseline,
            _baseline_label(series.baseline, series.baseline_date, number, day),
        )
    line = " ".join(f"{d.x},{d.y}" for d in ([base] if base else []) + dots)
    first, last = layout.first, layout.last
    return SeriesChart(
        measurements=dots,
        baseline=base,
        target_y=layout.target_y,
        target_label=number(series.target) if series.target is not None else "",
        line=line,
        y_labels=(number(layout.low), number(layout.high)),
        x_labels=(day(first), day(last)) if first and last else ("", ""),
    )


def _baseline_label(
    value: Decimal, when: date | None, number: Callable[[Decimal], str], day: Callable[[date], str]
) -> str:
    return f"{number(value)} · {day(when)}" if when is not None else number(value)


_AXES = (
    f'<line class="axis" x1="{LEFT}" y1="{_PLOT_BOTTOM}" x2="{WIDTH - RIGHT}"'
    f' y2="{_PLOT_BOTTOM}"/>\n'
    f'<line class="axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{_PLOT_BOTTOM}"/>\n'
    f'<text class="tick" x="{LEFT - 4}" y="{_PLOT_BOTTOM}" text-anchor="end">'
)
"""The axes of every series chart, up to its lowest value's label."""


def series_svg(
    series: Series,
    name: str,
    number: Callable[[Decimal], str],
    day: Callable[[date], str],
    words: Mapping[str, str],
) -> str:
    """``series`` as inline SVG (:func:`series_chart`'s drawing), or the words saying there
    is nothing to draw. Written straight from the layout: a report writes 10 000 of them.

    Args:
        name: the series' name, already escaped (record text).
        number, day: how values and dates are written (digits and marks: nothing to escape).
        words: the escaped ``report.target``, ``report.baseline`` and
            ``report.no_measurements`` of the report's language.
    """
    layout = _layout(series)
    if layout is None:
        return f'<p class="none">{words["report.no_measurements"]}</p>'
    first, last = layout.first, layout.last
    x_labels = (day(first), day(last)) if first and last else ("", "")
    parts = [
        f'<svg class="series" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH}'
        f' {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{name}">\n'
        f"<title>{name}</title>\n{_AXES}{number(layout.low)}</text>\n"
        f'<text class="tick" x="{LEFT - 4}" y="{TOP + 8}" text-anchor="end">'
        f"{number(layout.high)}</text>\n"
        f'<text class="tick" x="{LEFT}" y="{HEIGHT - 4}">{x_labels[0]}</text>\n'
        f'<text class="tick" x="{WIDTH - RIGHT}" y="{HEIGHT - 4}" text-anchor="end">'
        f"{x_labels[1]}</text>\n"
    ]
    target_y = layout.target_y
    if target_y is not None and series.target is not None:
        target = f"{words['report.target']} {number(series.target)}"
        y = target_y - 3 if target_y > TOP + 10 else target_y + 9
        parts.append(
            f'<line class="target" x1="{LEFT}" y1="{target_y}" x2="{WIDTH - RIGHT}"'
            f' y2="{target_y}"><title>{target}</title></line>\n'
            f'<text class="target-label" x="{LEFT + 4}" y="{y}">{target}</text>\n'
        )
    base = layout.baseline
    # Each coordinate written once (a float's text costs more than the rest of its dot).
    dots = [(str(x), str(y)) for x, y in layout.dots]
    line = [f"{cx},{cy}" for cx, cy in dots]
    if base is not None:
        line.insert(0, f"{base[0]},{base[1]}")
    parts.append(f'<polyline class="trend" points="{" ".join(line)}"/>')
    if base is not None and series.baseline is not None:
        label = _baseline_label(series.baseline, series.baseline_date, number, day)
        parts.append(
            f'<rect class="baseline" x="{base[0] - 3}" y="{base[1] - 3}" width="6" height="6">'
            f"<title>{words['report.baseline']} {label}</title>"
            "</rect>"
        )
    for (cx, cy), p in zip(dots, series.points, strict=True):
        parts.append(
            f'<circle class="measurement" cx="{cx}" cy="{cy}" r="3.5">'
            f"<title>{number(p.value)} · {day(p.when)}</title></circle>\n"
        )
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(
    rows: Sequence[tuple[str, Decimal]],
    *,
    title: str,
    value_text: Callable[[Decimal], str],
    colour: str = "#2e7d32",
) -> str:
    """A horizontal pygal bar chart as inline SVG (no script), rows in the given order.

    Args:
        rows: (label, value) — labels are untrusted text (pygal's XML writer escapes them).
        title: the chart's accessible title.
        value_text: how a value is printed beside its bar.
    """
    import pygal
    from pygal.style import Style

    style = Style(
        background="white",
        plot_background="white",
        foreground="#222",
        foreground_strong="#222",
        foreground_subtle="#bbb",
        colors=(colour,),
        font_family="DejaVu Sans, Arial, sans-serif",
        label_font_size=11,
        value_font_size=10,
        value_label_font_size=10,
        title_font_size=13,
    )
    height = 40 + 22 * max(len(rows), 1)
    chart = pygal.HorizontalBar(
        width=640,
        height=height,
        explicit_size=True,
        show_legend=False,
        print_values=True,
        print_values_position="top",
        disable_xml_declaration=True,
        js=[],
        style=style,
        margin=6,
        truncate_label=40,
        show_y_guides=False,
        show_x_guides=False,
        show_x_labels=False,
        value_formatter=lambda v: value_text(Decimal(str(v))),
    )
    # pygal draws the first row at the bottom: reversed, so the chart reads like the table.
    ordered = list(reversed(rows))
    chart.x_labels = [label or "–" for label, _ in ordered]
    chart.add(title, [float(value) for _, value in ordered])
    tree = chart.render_tree()
    for parent in list(tree.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str) or child.tag.endswith("script"):
                parent.remove(child)  # the tooltips' script and pygal's comments
    tree.set("role", "img")
    tree.set("aria-label", title)
    return ElementTree.tostring(tree, encoding="unicode")
