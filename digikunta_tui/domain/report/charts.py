"""The report's charts as inline SVG, drawn without a browser.

- The overview bar charts (€ and hours per organisation, per theme) are **pygal** charts: a few
  per report, where a library's axes, labels and layout serve. Its inline ``<script>`` (the
  tooltips) is removed — the report runs no script — and labels are escaped by its XML writer.
- Each indicator's series (baseline, measurements, target line) is laid out here
  (:func:`series_chart`, which the app's terminal chart shares) and written as SVG text by
  :func:`series_svg` (its name escaped): a report of 5 000 stories has 10 000 of them, and a
  pygal chart took 17 ms and 17 kB each (measured: 170 s and 170 MB for those), where this
  takes some 20 µs and about 1 kB. Written by plain string joins rather than a template macro:
  a macro's ~45 escaped values a chart were a third of the report's rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

from digikunta_tui.domain.report.data import Series
from digikunta_tui.domain.report.formats import escaped

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


def series_chart(
    series: Series, number: Callable[[Decimal], str], day: Callable[[date], str]
) -> SeriesChart | None:
    """Lay out ``series``; None when there is nothing to draw (no measurement, no baseline)."""
    if not series.points and series.baseline is None:
        return None
    dates = [p.when for p in series.points]
    if series.baseline is not None and series.baseline_date is not None:
        dates.append(series.baseline_date)
    if series.target is not None and series.target_date is not None:
        dates.append(series.target_date)
    values = [p.value for p in series.points]
    values += [v for v in (series.baseline, series.target) if v is not None]
    low, high = min(values), max(values)
    if low == high:
        low, high = low - 1, high + 1
    first, last = (min(dates), max(dates)) if dates else (None, None)
    span = (last - first).days if first is not None and last is not None else 0
    count = len(series.points) + 1
    scale = high - low

    def x_of(when: date | None, index: int) -> float:
        if first is not None and span > 0 and when is not None:
            return LEFT + _PLOT_WIDTH * (when - first).days / span
        return LEFT + _PLOT_WIDTH * (index + 1) / (count + 1)

    def y_of(value: Decimal) -> float:
        return round(_PLOT_BOTTOM - _PLOT_HEIGHT * float((value - low) / scale), 2)

    dots = []
    for i, p in enumerate(series.points, start=1):
        shown = f"{number(p.value)} · {day(p.when)}"
        dots.append(Dot(round(x_of(p.when, i), 2), y_of(p.value), shown))
    base = None
    line = [f"{d.x},{d.y}" for d in dots]
    if series.baseline is not None:
        x = LEFT if series.baseline_date is None else x_of(series.baseline_date, 0)
        label = number(series.baseline)
        if series.baseline_date is not None:
            label += f" · {day(series.baseline_date)}"
        base = Dot(round(x, 2), y_of(series.baseline), label)
        line.insert(0, f"{base.x},{base.y}")
    target_y = y_of(series.target) if series.target is not None else None
    target_label = number(series.target) if series.target is not None else ""
    return SeriesChart(
        measurements=dots,
        baseline=base,
        target_y=target_y,
        target_label=target_label,
        line=" ".join(line),
        y_labels=(number(low), number(high)),
        x_labels=(day(first), day(last)) if first and last else ("", ""),
    )


def series_svg(chart: SeriesChart | None, name: str, words: Mapping[str, str]) -> str:
    """``chart`` as inline SVG named ``name`` (untrusted: escaped here), or the words saying
    there is nothing to draw.

    Args:
        words: the escaped ``report.target``, ``report.baseline`` and
            ``report.no_measurements`` of the report's language.
    """
    if chart is None:
        return f'<p class="none">{words["report.no_measurements"]}</p>'
    c, label = chart, escaped(name)
    parts = [
        f'<svg class="series" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {c.width}'
        f' {c.height}" width="{c.width}" height="{c.height}" role="img" aria-label="{label}">\n'
        f"<title>{label}</title>\n"
        f'<line class="axis" x1="{c.left}" y1="{c.bottom}" x2="{c.right}" y2="{c.bottom}"/>\n'
        f'<line class="axis" x1="{c.left}" y1="{c.top}" x2="{c.left}" y2="{c.bottom}"/>\n'
        f'<text class="tick" x="{c.left - 4}" y="{c.bottom}" text-anchor="end">'
        f"{escaped(c.y_labels[0])}</text>\n"
        f'<text class="tick" x="{c.left - 4}" y="{c.top + 8}" text-anchor="end">'
        f"{escaped(c.y_labels[1])}</text>\n"
        f'<text class="tick" x="{c.left}" y="{c.height - 4}">{escaped(c.x_labels[0])}</text>\n'
        f'<text class="tick" x="{c.right}" y="{c.height - 4}" text-anchor="end">'
        f"{escaped(c.x_labels[1])}</text>\n"
    ]
    if c.target_y is not None:
        target = f"{words['report.target']} {escaped(c.target_label)}"
        y = c.target_y - 3 if c.target_y > c.top + 10 else c.target_y + 9
        parts.append(
            f'<line class="target" x1="{c.left}" y1="{c.target_y}" x2="{c.right}"'
            f' y2="{c.target_y}"><title>{target}</title></line>\n'
            f'<text class="target-label" x="{c.left + 4}" y="{y}">{target}</text>\n'
        )
    if c.line:
        parts.append(f'<polyline class="trend" points="{c.line}"/>')
    if c.baseline:
        b = c.baseline
        parts.append(
            f'<rect class="baseline" x="{b.x - 3}" y="{b.y - 3}" width="6" height="6">'
            f"<title>{words['report.baseline']} {escaped(b.label)}</title></rect>"
        )
    for d in c.measurements:
        parts.append(
            f'<circle class="measurement" cx="{d.x}" cy="{d.y}" r="3.5">'
            f"<title>{escaped(d.label)}</title></circle>\n"
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
