"""Impact reports for decision makers: one self-contained HTML file, or a PDF of it.

``data`` gathers what a report holds (pure), ``charts`` draws its SVG, ``html`` renders it
with jinja2 (``story_pages`` and ``tables`` write its bulk, ``formats`` its figures),
``browser`` prints it with headless Chromium. :func:`make_report` is what the
CLI and the app call; it reads the records through the Repository.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from digikunta_tui.domain.report.data import Report, Scope, build_report

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository

__all__ = ["Report", "Scope", "make_report", "report_html", "resolve_scope"]


def resolve_scope(repo: Repository, text: str | None) -> Scope:
    """The scope a user named: ``network`` (or nothing), an organisation, or a theme.

    An organisation is found by id, id prefix or name (as everywhere in the CLI); a theme by
    its words as written in any story (case and accents ignored).

    Raises:
        UserError: nothing of that name, or both an organisation and a theme are called so.
    """
    from digikunta_tui.domain.finnish import fold
    from digikunta_tui.errors import UserError
    from digikunta_tui.i18n import t

    wanted = (text or "").strip()
    if not wanted or fold(wanted) in ("network", "verkosto", "koko verkosto"):
        return Scope()
    organization = repo.organization_named(wanted)
    theme = repo.theme_named(wanted)
    if organization is not None and theme is not None and organization[0] != wanted:
        raise UserError(t("report.ambiguous_scope", name=wanted))
    if organization is not None:
        return Scope("organization", organization[0], organization[1])
    if theme is not None:
        return Scope("theme", theme, theme)
    raise UserError(t("report.unknown_scope", name=wanted))


def make_report(
    repo: Repository,
    *,
    scope: Scope | None = None,
    start: date | None = None,
    end: date | None = None,
    internal: bool = False,
    today: date | None = None,
) -> Report:
    """Gather a report from the repository's live records (see :mod:`.data` for the rules)."""
    from sync.engine import collector_paused

    scope = scope or Scope()
    with collector_paused():  # hundreds of thousands of objects that live until it returns
        sources = repo.report_sources(people=scope.kind == "organization")
        report = build_report(
            sources,
            scope=scope,
            start=start,
            end=end,
            internal=internal,
            made_on=today or date.today(),
        )
        # The records freed while the collector is still off: its first pass after would
        # otherwise walk every one of them (some 200 000 objects at 50 000 people, 50 ms).
        del sources
    return report


def report_html(report: Report, *, lang: str) -> str:
    """The report as one self-contained HTML file (see :mod:`.html`)."""
    from digikunta_tui.domain.report.html import render_report

    return render_report(report, lang=lang)
