"""The report as one self-contained HTML file (jinja2; inline CSS and SVG, no script).

Autoescape is on for the whole template: every text from the records reaches the page escaped,
and only the SVG that :func:`charts.bar_chart` wrote (its labels escaped by pygal's XML writer,
its script removed) is marked safe. The page's Content-Security-Policy allows no request at all
(inline style only), so a browser opening it offline or on a board member's laptop loads nothing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import cache, partial
from typing import Any

from digikunta_tui.domain.finnish import format_date, format_money, format_number
from digikunta_tui.domain.report import charts
from digikunta_tui.domain.report.data import GroupRow, Report, Series
from digikunta_tui.i18n import catalogue_keys, t_in

CHART_ROWS = 12
"""Organisations or themes a bar chart shows at most (the largest; the table has them all)."""


@cache
def _environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("digikunta_tui.domain.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def _largest(rows: list[GroupRow], value: str) -> list[tuple[str, Decimal]]:
    """The ``CHART_ROWS`` rows of largest ``value`` (> 0), in the table's order."""
    found = [(row.label, getattr(row, value)) for row in rows if getattr(row, value) > 0]
    if len(found) <= CHART_ROWS:
        return found
    keep = sorted(range(len(found)), key=lambda i: (-found[i][1], i))[:CHART_ROWS]
    return [found[i] for i in sorted(keep)]


@cache
def _labels(lang: str) -> dict[str, str]:
    """The report's fixed words in ``lang`` (``report.*`` and ``choice.*``), looked up once:
    a report of thousands of stories asks for each of them thousands of times."""
    keys = catalogue_keys("en") | catalogue_keys(lang)
    return {k: t_in(lang, k) for k in keys if k.startswith(("report.", "choice."))}


def render_report(report: Report, *, lang: str) -> str:
    """The report as HTML in ``lang`` (``fi`` or ``en``): Finnish formats in Finnish."""
    from markupsafe import Markup

    from sync.engine import collector_paused

    text = partial(t_in, lang)
    money = partial(format_money, lang=lang)

    def number(value: Decimal | int) -> str:
        return format_number(value, lang=lang)

    def hours(value: Decimal) -> str:
        return format_number(value, 1, lang=lang)

    def day(value: date | None) -> str:
        return format_date(value, lang) if value is not None else "–"

    def percent(value: Decimal | None) -> str:
        return "–" if value is None else f"{format_number(round(value * 100), lang=lang)} %"

    def figure(series: Series, value: Decimal | None) -> str:
        if value is None:
            return "–"
        if series.category == "savings_eur":
            return money(value)
        shown = format_number(value, lang=lang)
        return f"{shown} {series.unit}".strip()

    def bars(rows: list[GroupRow], value: str, title: str, colour: str) -> Markup:
        shown = _largest(rows, value)
        if not shown:
            return Markup("")
        fmt = money if value == "first_year" else hours
        svg = charts.bar_chart(shown, title=title, value_text=fmt, colour=colour)
        return Markup('<p class="chart-title">{}</p>{}').format(title, Markup(svg))

    def chart(series: Series) -> charts.SeriesChart | None:
        return charts.series_chart(series, number, day)

    template = _environment().get_template("report.html.j2")
    with collector_paused():  # a report's objects live until it is written (see sync.engine)
        return str(
            template.render(
                r=report,
                lang=lang,
                t=text,
                L=_labels(lang),
                money=money,
                number=number,
                hours=hours,
                day=day,
                percent=percent,
                figure=figure,
                bars=bars,
                chart=chart,
            )
        )
