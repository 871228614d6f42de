"""The report's long tables as HTML: per organisation and per theme, and the sources' rows.

Written by string joins like the story pages (:mod:`.story_pages`), for the same reason: a
network of 1 000 organisations and 7 000 indicators has some 6 000 rows of six figures each.
The template writes the sources' table around its rows; record text (names, titles, calculations) is
:func:`~.formats.escaped`, ``words`` are the language's fixed words already escaped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from digikunta_tui.domain.report.data import GroupRow, Series, StoryPart
from digikunta_tui.domain.report.formats import Formats, escaped


def group_table(
    rows: Sequence[GroupRow], heading: str, fmt: Formats, words: Mapping[str, str]
) -> Markup:
    """The table of organisations or of themes (``heading``: its first column's word).

    Written here rather than by a template macro: a jinja2 macro holds the template's context
    in a reference cycle, and with it the whole report (some 50 000 objects at 5 000 stories)
    until the collector's next full pass, which then pays for freeing it.
    """
    return Markup(
        '<table class="figures">\n'
        f'<thead><tr><th>{words[heading]}</th><th class="n">{words["report.stories"]}</th>'
        f'<th class="n">{words["report.col_per_year"]}</th>'
        f'<th class="n">{words["report.col_one_off"]}</th>'
        f'<th class="n">{words["report.col_first_year"]}</th>'
        f'<th class="n">{words["report.col_hours"]}</th></tr></thead>\n'
        f"<tbody>\n{group_rows(rows, fmt, words)}</tbody>\n</table>"
    )


def group_rows(rows: Sequence[GroupRow], fmt: Formats, words: Mapping[str, str]) -> Markup:
    """One ``<tr>`` per organisation or theme: stories, € per year, one-off, first year, h."""
    money = fmt.money
    nameless = words["report.no_organization"]
    return Markup(
        "".join(
            f"<tr><td>{escaped(row.label) if row.label else nameless}</td>"
            f'<td class="n">{fmt.number(row.stories)}</td>'
            f'<td class="n">{money(row.per_year)}</td><td class="n">{money(row.one_off)}</td>'
            f'<td class="n">{money(row.first_year)}</td><td class="n">{fmt.hours(row.hours)}</td>'
            "</tr>\n"
            for row in rows
        )
    )


def source_rows(
    sources: Sequence[tuple[StoryPart, Series]], fmt: Formats, words: Mapping[str, str]
) -> Markup:
    """One ``<tr>`` per indicator adding to the totals: its story, its footnote, the amount,
    the method, the baseline date and the € calculation (the provenance of every figure)."""
    per_year = f" / {words['report.year']}"
    not_given, no_method = words["report.not_given"], words["report.no_method"]
    parts = []
    for st, s in sources:
        amount = fmt.amount(s, s.saving) if s.saving is not None else ""
        if s.recurrence == "per_year":
            amount += per_year
        method = words["choice.measurement_method." + s.method] if s.method else no_method
        baseline = fmt.day(s.baseline_date) if s.baseline_date else not_given
        parts.append(
            f"<tr><td>{escaped(st.title)}</td><td>{escaped(s.name)}"
            f' <sup><a href="#n{s.note}">{s.note}</a></sup></td><td class="n">{amount}</td>'
            f"<td>{method}</td><td>{baseline}</td><td>{escaped(s.calculation or '–')}</td></tr>\n"
        )
    return Markup("".join(parts))
