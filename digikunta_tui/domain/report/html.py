"""The report as one self-contained HTML file (jinja2; inline CSS and SVG, no script).

Autoescape is on for the whole template: every text from the records reaches the page escaped.
Marked safe are only the SVG that :func:`charts.bar_chart` wrote (its labels escaped by pygal's
XML writer, its script removed) and what is written in Python because it is most of the page:
the story pages (:mod:`.story_pages`) and the long tables (:mod:`.tables`), which escape
every record text as autoescape does (:func:`.formats.escaped`). A report of 5 000 stories was
~700 000 escaped template values, 2.5 s; written so, the same bytes take a quarter of that.
The page's Content-Security-Policy allows no request at all (inline style only), so a browser
opening it offline or on a board member's laptop loads nothing.
"""

from __future__ import annotations

import secrets
from decimal import Decimal
from functools import cache, partial
from typing import Any

from digikunta_tui.domain.report import charts
from digikunta_tui.domain.report.data import GroupRow, Report
from digikunta_tui.domain.report.formats import Formats, escaped
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


@cache
def _words(lang: str) -> dict[str, str]:
    """:func:`_labels` escaped for HTML (for the rows written in Python)."""
    return {key: escaped(value) for key, value in _labels(lang).items()}


def render_report(report: Report, *, lang: str) -> str:
    """The report as HTML in ``lang`` (``fi`` or ``en``): Finnish formats in Finnish."""
    from markupsafe import Markup

    from digikunta_tui.domain.report.story_pages import story_pages
    from digikunta_tui.domain.report.tables import group_table, source_rows
    from sync.engine import collector_paused

    text = partial(t_in, lang)
    fmt = Formats(lang)
    labels = _labels(lang)
    words = _words(lang)

    def bars(rows: list[GroupRow], value: str, title: str, colour: str) -> Markup:
        shown = _largest(rows, value)
        if not shown:
            return Markup("")
        value_text = fmt.money if value == "first_year" else fmt.hours
        svg = charts.bar_chart(shown, title=title, value_text=value_text, colour=colour)
        return Markup('<p class="chart-title">{}</p>{}').format(title, Markup(svg))

    template = _environment().get_template("report.html.j2")
    with collector_paused():  # a report's objects live until it is written (see sync.engine)
        pages = story_pages(report, fmt, labels, text)
        # The template marks where the pages go; they are joined in there, not passed through
        # it (autoescape would copy each, 17 MB at 5 000 stories). The mark is made now, so no
        # record text can hold it.
        mark = f"<!-- story pages {secrets.token_hex(16)} -->"
        html = template.render(
            r=report,
            lang=lang,
            t=text,
            L=labels,
            money=fmt.money,
            number=fmt.number,
            hours=fmt.hours,
            day=fmt.day,
            bars=bars,
            story_pages=Markup(mark),
            group_table=partial(group_table, fmt=fmt, words=words),
            source_rows=partial(source_rows, fmt=fmt, words=words),
        )
        head, found, tail = html.partition(mark)
        if not found:  # pragma: no cover - the template writes it once
            raise RuntimeError("report.html.j2 has no place for the story pages")
        return "".join([head, *pages, tail])
