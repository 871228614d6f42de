"""Dashboard: next webinar, counts, impact totals and chart, recent changes, sync backlog.

The data is read in a thread worker (:func:`load_dashboard`); until it arrives the panels show
placeholders, so the first paint does not wait for the repository.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from decimal import Decimal
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Grid
from textual.message import Message
from textual.widgets import Static

from digikunta_tui.domain.finnish import format_money, format_number
from digikunta_tui.i18n import get_language, t
from digikunta_tui.ui.collector import full_collections_held
from digikunta_tui.ui.screens.base import ViewScreen
from digikunta_tui.ui.screens.dashboard_data import DashboardData, load_dashboard
from digikunta_tui.ui.text import conflict_summary, field_lines, kind_label, safe, webinar_when
from digikunta_tui.ui.widgets.bar_chart import bar_chart

_COUNTED_KINDS = ("organization", "person", "webinar", "registration", "story", "indicator")
CHART_ROWS = 8
"""Organisations the savings chart shows at most: the largest savings, in the order of name (as
many as the panel shows in a 120 × 36 terminal; a network of thousands made a chart of
thousands of lines, tens of thousands of objects for every full garbage collection to walk)."""

_PANELS = ("next-webinar", "impact", "counts", "recent", "backlog")


class DashboardLoaded(Message):
    """The dashboard worker finished reading (``data`` is None when it failed)."""

    def __init__(self, generation: int, data: DashboardData | None, error: str = "") -> None:
        """Args: generation: which load this answers; data: the snapshot; error: why not."""
        super().__init__()
        self.generation = generation
        """The load this answers (older answers are ignored)."""
        self.data = data
        """The snapshot, or None."""
        self.error = error
        """The failure (may contain paths: shown literally)."""


class DashboardScreen(ViewScreen):
    """The first view: the state of the network at a glance."""

    VIEW = "dashboard"
    CSS_PATH = "dashboard.tcss"
    PANEL_TITLES: ClassVar[dict[str, str]] = {
        "next-webinar": "dashboard.next_webinar",
        "counts": "dashboard.counts",
        "impact": "dashboard.impact",
        "recent": "dashboard.recent",
        "backlog": "dashboard.backlog",
    }

    def __init__(self) -> None:
        super().__init__()
        self.data: DashboardData | None = None
        """The snapshot shown (None until the first load finishes)."""
        self._generation = 0

    def compose_body(self) -> ComposeResult:
        """Five panels in a grid, with placeholders until the data arrives."""
        loading = Text(t("dashboard.loading"), style="dim")
        with Grid(id="dashboard"):
            for panel in _PANELS:
                yield Static(loading, id=panel, markup=False)

    def relabel(self) -> None:
        """Panel titles."""
        for panel, key in self.PANEL_TITLES.items():
            self.query_one(f"#{panel}").border_title = t(key)

    def refresh_view(self) -> None:
        """Read the data again in the background; the panels update when it arrives.

        The worker starts after the next repaint, so the first frame (placeholders) is not
        held up by the worker competing for the interpreter.
        """
        self._generation += 1
        self.call_after_refresh(self.load, self._generation)

    def on_screen_resume(self) -> None:
        """Reload on every return: edits in other views change counts and recent changes."""
        if self.data is None:
            super().on_screen_resume()
        else:
            self.update_view()

    @work(thread=True, exclusive=True, exit_on_error=False, group="dashboard")
    def load(self, generation: int) -> None:
        """Read the dashboard's data in a thread and post it (never touch widgets here)."""
        try:
            with full_collections_held():
                data = load_dashboard(self.repo, self.digikunta.now())
        except Exception as exc:  # shown in the panels, never a traceback
            self.post_message(DashboardLoaded(generation, None, f"{type(exc).__name__}: {exc}"))
        else:
            self.post_message(DashboardLoaded(generation, data))

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        """Show the newest snapshot."""
        if message.generation != self._generation:
            return
        if message.data is None:
            failed = Text(t("dashboard.failed", error=message.error), style="red")
            for panel in _PANELS:
                self.query_one(f"#{panel}", Static).update(failed)
            return
        self.data = message.data
        self.render_panels()

    def on_resize(self) -> None:
        """The chart follows the panel width."""
        if self.data is not None:
            self.render_panels()

    def render_panels(self) -> None:
        """Render every panel from :attr:`data` in the current language."""
        data = self.data
        if data is None:
            return
        lang = get_language()
        self.query_one("#next-webinar", Static).update(self._next_webinar(data, lang))
        self.query_one("#counts", Static).update(self._counts(data, lang))
        self.query_one("#impact", Static).update(self._impact(data, lang))
        self.query_one("#recent", Static).update(self._recent(data))
        self.query_one("#backlog", Static).update(self._backlog(data, lang))

    def _next_webinar(self, data: DashboardData, lang: str) -> Text:
        if not data.indexed:
            return Text(t("dashboard.indexing"), style="dim")
        if data.webinar is None:
            return Text(t("dashboard.no_webinar"), style="dim")
        _webinar_id, fields = data.webinar
        out = Text()
        if not data.webinar_is_next:  # none planned: the latest one, so the panel is useful
            out.append(t("dashboard.no_webinar") + "\n", style="dim")
            out.append(t("dashboard.latest_webinar") + ": ", style="dim")
        out.append_text(safe(fields.get("title"), "bold"))
        details = field_lines(
            [
                (t("dashboard.when"), webinar_when(fields, lang)),
                (t("field.webinar.join_link"), fields.get("join_link")),
                (t("dashboard.registrations"), format_number(data.registrations, lang=lang)),
            ]
        )
        return out.append("\n").append_text(details)

    def _counts(self, data: DashboardData, lang: str) -> Text:
        return field_lines(
            (kind_label(kind), format_number(data.counts.get(kind, 0), lang=lang))
            for kind in _COUNTED_KINDS
        )

    def _impact(self, data: DashboardData, lang: str) -> Text:
        impact = data.impact
        out = field_lines(
            [
                (t("dashboard.savings"), format_money(impact.total_savings_eur, lang)),
                (t("dashboard.hours"), format_number(impact.total_hours_saved, lang=lang)),
            ]
        )
        savings = [(name, Decimal(eur)) for _org, name, eur, _h in impact.per_organization]
        hours = [(name, Decimal(h)) for _org, name, _eur, h in impact.per_organization]
        self._chart(out, savings, "savings", lambda v: format_money(v, lang), "green", lang)
        self._chart(out, hours, "hours", lambda v: format_number(v, lang=lang), "cyan", lang)
        return out

    def _chart(
        self,
        out: Text,
        values: list[tuple[str, Decimal]],
        what: str,
        fmt: Callable[[Decimal], str],
        style: str,
        lang: str,
    ) -> None:
        """Append a bar chart per organisation of ``what`` (``savings`` or ``hours``): the
        :data:`CHART_ROWS` largest, in the order of name; nothing when none is above 0."""
        rows = [(name, value) for name, value in values if value > 0]
        if not rows:
            return
        shown = largest(rows, CHART_ROWS)
        title = (
            t(f"dashboard.{what}_per_org")
            if len(shown) == len(rows)
            else t(f"dashboard.{what}_per_org_top", shown=len(shown))
        )
        out.append("\n\n" + title + "\n", style="bold")
        # The panel's width (an 80-column terminal gives it 35 cells): lines never wrap.
        width = max(self.query_one("#impact").content_region.width, 24)
        out.append_text(
            bar_chart(
                shown,
                width=width,
                label_width=min(18, max(8, width // 3)),
                fmt=fmt,
                style=style,
            )
        )
        if len(shown) < len(rows):
            more = format_number(len(rows) - len(shown), lang=lang)
            out.append("\n" + t("dashboard.savings_more", more=more), style="dim")

    def _recent(self, data: DashboardData) -> Text:
        if not data.indexed:
            return Text(t("dashboard.indexing"), style="dim")
        out = Text()
        for row in data.recent:
            if out:
                out.append("\n")
            out.append(kind_label(row.kind) + ": ", style="dim")
            out.append_text(safe(row.title))
        return out or Text(t("dashboard.nothing"), style="dim")

    def _backlog(self, data: DashboardData, lang: str) -> Text:
        out = field_lines(
            [
                (t("dashboard.pending"), format_number(data.pending, lang=lang)),
                (t("dashboard.conflicts"), format_number(data.conflict_count, lang=lang)),
            ]
        )
        for entry in data.conflicts:
            out.append("\n• ")
            out.append(kind_label(entry.kind) + " ")
            out.append_text(safe(conflict_summary(entry)))
        return out


def largest(rows: list[tuple[str, Decimal]], limit: int) -> list[tuple[str, Decimal]]:
    """The ``limit`` rows of largest value, in their given order (ties: the earlier first)."""
    if len(rows) <= limit:
        return rows
    keep = set(heapq.nsmallest(limit, range(len(rows)), key=lambda i: (-rows[i][1], i)))
    return [row for i, row in enumerate(rows) if i in keep]
