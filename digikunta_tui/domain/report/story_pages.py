"""The report's story pages as HTML: one printed page per story, written by plain string joins.

A report of 5 000 stories is mostly these pages (some 3 500 with publication consent, 7 000
indicators, 17 MB): written by the template, each of their ~700 000 values went through
jinja2's escaping and attribute lookups, which was most of the report's time. Here each is
written once into an f-string, and every text from the records is :func:`~.formats.escaped`
(titles, names, units, themes, texts, calculations, organisations); the fixed words of the
language are escaped once per report. The output is what ``report.html.j2`` wrote for them,
byte for byte, and the template still writes everything else.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from digikunta_tui.domain.report import charts
from digikunta_tui.domain.report.data import Report, Series, StoryPart
from digikunta_tui.domain.report.formats import Formats, escaped

_NONE = '<span class="none">–</span>'
"""A level of the chain without indicators."""


class _Pages:
    """What every story page of one report shares: its formats and its words."""

    def __init__(
        self, report: Report, fmt: Formats, labels: Mapping[str, str], text: Callable[..., str]
    ) -> None:
        self.fmt = fmt
        self.total = len(report.stories)
        self.labels = labels
        self.words = {key: escaped(value) for key, value in labels.items()}
        self.lower = {key: escaped(value.lower()) for key, value in labels.items()}
        self.text = text
        self._counts: dict[int, str] = {}

    def word(self, key: str, fallback: str) -> str:
        """The escaped word of ``key``; an odd stored choice shows as written (escaped)."""
        found = self.words.get(key)
        return found if found is not None else escaped(fallback)

    def measurements(self, count: int) -> str:
        """``3 mittausta`` (escaped), each count written once."""
        found = self._counts.get(count)
        if found is None:
            if count == 1:
                found = self.words["report.measurements_one"]
            else:
                found = escaped(self.text("report.measurements", count=self.fmt.number(count)))
            self._counts[count] = found
        return found

    def page(self, index: int, st: StoryPart) -> str:
        """The page of the ``index``-th story (from 1)."""
        w, day = self.words, self.fmt.day
        consent = "" if st.consent else f" · <strong>{w['report.no_consent']}</strong>"
        meta = [escaped(st.organization or "–")]
        if st.unit:
            meta.append(f" · {escaped(st.unit)}")
        if st.stage:
            meta.append(f" · {self.word('choice.story_stage.' + st.stage, st.stage)}")
        if st.start or st.end:
            began = day(st.start) if st.start else ""
            ended = day(st.end) if st.end else ""
            meta.append(f" · {began} – {ended}")
        if st.themes:
            meta.append(" · " + ", ".join(escaped(theme) for theme in st.themes))
        parts = [
            f'<section class="page story" id="story-{index}">\n'
            f'<p class="kicker">{w["report.experiment"]} {index} / {self.total}{consent}</p>\n'
            f"<h2>{escaped(st.title)}</h2>\n"
            f'<p class="meta">{"".join(meta)}</p>\n'
            '<div class="story-text">\n'
        ]
        for key, value in (
            ("report.problem", st.problem),
            ("report.goal", st.goal),
            ("report.done", st.what_was_done),
        ):
            if value:
                parts.append(f'<h3>{w[key]}</h3><p class="text">{escaped(value)}</p>')
        parts.append(f'</div>\n<h3>{w["report.chain"]}</h3>\n<ol class="chain">\n')
        for level, items in st.chain:
            links = "".join(
                f'<span class="link">{escaped(s.name)}<sup>{s.note}</sup></span>' for s in items
            )
            parts.append(
                f'<li><span class="level">{w["choice.indicator_level." + level]}</span>\n'
                f"{links or _NONE}</li>\n"
            )
        parts.append("</ol>\n")
        if st.series:
            parts.append('<div class="indicators">\n')
            parts.extend(self.figure(s) for s in st.series)
            parts.append("</div>\n")
        if st.lessons:
            parts.append(f'<h3>{w["report.lessons"]}</h3><p class="text">{escaped(st.lessons)}</p>')
        if st.spread_to:
            to = ", ".join(escaped(name) for name in st.spread_to)
            parts.append(f"<p><strong>{w['report.spread_to']}:</strong> {to}</p>")
        if st.series:
            parts.append('<ol class="notes">\n')
            parts.extend(self.note(s) for s in st.series)
            parts.append("</ol>\n")
        parts.append("</section>\n")
        return "".join(parts)

    def figure(self, s: Series) -> str:
        """An indicator: its caption, chart and figures."""
        w, fmt = self.words, self.fmt
        dim = w["choice.indicator_level." + s.level] if s.level else ""
        if s.category:
            dim += f" · {self.word('choice.indicator_category.' + s.category, s.category)}"
        latest = s.points[-1].value if s.points else None
        rows = [
            f'<figure class="indicator" data-indicator="{escaped(s.id)}"'
            f' data-measurements="{len(s.points)}">\n'
            f"<figcaption><strong>{escaped(s.name)}</strong>"
            f'<sup><a href="#n{s.note}">{s.note}</a></sup>\n'
            f'<span class="dim">{dim}</span></figcaption>\n'
            f"{charts.series_svg(s, escaped(s.name), fmt.number, fmt.day, w)}\n"
            '<table class="mini">\n'
            f"<tr><th>{w['report.baseline']}</th><td>{escaped(fmt.figure(s, s.baseline))}</td>"
            f"<th>{w['report.latest']}</th><td>{escaped(fmt.figure(s, latest))}</td></tr>\n"
            f"<tr><th>{w['report.target']}</th><td>{escaped(fmt.figure(s, s.target))}</td>"
            f"<th>{w['report.progress']}</th><td>{fmt.percent(s.progress)}</td></tr>\n"
        ]
        if s.saving is not None:
            how = f" ({self.lower['choice.recurrence.' + s.recurrence]})" if s.recurrence else ""
            rows.append(
                f'<tr><th colspan="3">{w["report.counts_as_" + s.category]}{how}</th>'
                f"<td>{fmt.amount(s, s.saving)}</td></tr>"
            )
        rows.append("</table>\n</figure>\n")
        return "".join(rows)

    def note(self, s: Series) -> str:
        """An indicator's footnote: how it was measured, its baseline date, its calculation."""
        w, lower, day = self.words, self.lower, self.fmt.day
        method = s.method
        how = (
            f" {lower['choice.measurement_method.' + method]}"
            if method
            else f" {w['report.no_method']}"
        )
        parts = [
            f'<li id="n{s.note}" value="{s.note}">{escaped(s.name)}: {w["report.method"]}{how}'
        ]
        if s.points:
            dates = ", ".join(
                f"{day(p.when)} {lower['choice.measurement_method.' + p.method]}"
                if p.method
                else day(p.when)
                for p in s.points
            )
            parts.append(f" ({self.measurements(len(s.points))}: {dates})")
        baseline = day(s.baseline_date) if s.baseline_date else w["report.not_given"]
        parts.append(f";\n{w['report.baseline_date']} {baseline}")
        if s.calculation:
            parts.append(f"; {w['report.calculation']}: {escaped(s.calculation.rstrip('.'))}")
        if s.unreadable:
            parts.append(f"; {w['report.some_unreadable']}")
        parts.append(".</li>\n")
        return "".join(parts)


def story_pages(
    report: Report, fmt: Formats, labels: Mapping[str, str], text: Callable[..., str]
) -> list[str]:
    """Every story page of ``report``, in its order (HTML, each a ``<section>``, escaped).

    Args:
        fmt: the report's formats.
        labels: the report's fixed words in its language (``report.*`` and ``choice.*``).
        text: the language's message lookup (``t_in`` with the language given).
    """
    pages = _Pages(report, fmt, labels, text)
    return [pages.page(index, st) for index, st in enumerate(report.stories, start=1)]
