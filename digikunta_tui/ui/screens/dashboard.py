"""Dashboard: next webinar, counts, impact totals and chart, recent changes, sync backlog."""

from __future__ import annotations

from decimal import Decimal

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Static

from digikunta_tui.domain.finnish import format_money, format_number
from digikunta_tui.i18n import get_language, t
from digikunta_tui.ui.screens.base import ViewScreen
from digikunta_tui.ui.text import field_lines, kind_label, safe, webinar_when
from digikunta_tui.ui.widgets.bar_chart import bar_chart

_COUNTED_KINDS = ("organization", "person", "webinar", "registration", "story", "indicator")


class DashboardScreen(ViewScreen):
    """The first view: the state of the network at a glance."""

    VIEW = "dashboard"
    CSS_PATH = "dashboard.tcss"

    def compose_body(self) -> ComposeResult:
        """Six panels in a grid."""
        with Grid(id="dashboard"):
            yield Static(id="next-webinar", markup=False)
            yield Static(id="impact", markup=False)
            yield Static(id="counts", markup=False)
            yield Static(id="recent", markup=False)
            yield Static(id="backlog", markup=False)

    def relabel(self) -> None:
        """Panel titles."""
        for panel, key in (
            ("next-webinar", "dashboard.next_webinar"),
            ("counts", "dashboard.counts"),
            ("impact", "dashboard.impact"),
            ("recent", "dashboard.recent"),
            ("backlog", "dashboard.backlog"),
        ):
            self.query_one(f"#{panel}").border_title = t(key)

    def refresh_view(self) -> None:
        """Render every panel."""
        lang = get_language()
        self.query_one("#next-webinar", Static).update(self._next_webinar(lang))
        self.query_one("#counts", Static).update(self._counts(lang))
        self.query_one("#impact", Static).update(self._impact(lang))
        self.query_one("#recent", Static).update(self._recent())
        self.query_one("#backlog", Static).update(self._backlog(lang))

    def _next_webinar(self, lang: str) -> Text:
        found = self.repo.next_webinar(self.digikunta.now())
        if found is None:
            return Text(t("dashboard.no_webinar"), style="dim")
        webinar_id, fields = found
        registered = len(self.repo.registrations_of(webinar_id))
        title = safe(fields.get("title"), "bold")
        when = webinar_when(fields, lang)
        details = field_lines(
            [
                (t("dashboard.when"), when),
                (t("field.webinar.join_link"), fields.get("join_link")),
                (t("dashboard.registrations"), format_number(registered, lang=lang)),
            ]
        )
        return Text.assemble(title, "\n", details)

    def _counts(self, lang: str) -> Text:
        counts = self.repo.counts()
        return field_lines(
            (kind_label(kind), format_number(counts.get(kind, 0), lang=lang))
            for kind in _COUNTED_KINDS
        )

    def _impact(self, lang: str) -> Text:
        impact = self.repo.impact()
        out = field_lines(
            [
                (t("dashboard.savings"), format_money(impact.total_savings_eur, lang)),
                (t("dashboard.hours"), format_number(impact.total_hours_saved, lang=lang)),
            ]
        )
        rows = [
            (name, Decimal(savings))
            for _org, name, savings, _hours in impact.per_organization
            if Decimal(savings) > 0
        ]
        if rows:
            out.append("\n\n" + t("dashboard.savings_per_org") + "\n", style="bold")
            width = max(self.query_one("#impact").content_region.width, 40)
            out.append_text(
                bar_chart(rows, width=width, fmt=lambda v: format_money(v, lang), style="green")
            )
        return out

    def _recent(self) -> Text:
        out = Text()
        for row in self.repo.recent_changes(limit=8):
            if out:
                out.append("\n")
            out.append(kind_label(row.kind) + ": ", style="dim")
            out.append_text(safe(row.title))
        return out or Text(t("dashboard.nothing"), style="dim")

    def _backlog(self, lang: str) -> Text:
        replica = self.repo.replica
        conflicts = replica.conflicts()
        out = field_lines(
            [
                (t("dashboard.pending"), format_number(replica.pending(), lang=lang)),
                (t("dashboard.conflicts"), format_number(len(conflicts), lang=lang)),
            ]
        )
        for entry in conflicts[:5]:
            out.append("\n• ")
            out.append(kind_label(entry.kind) + " ")
            out.append_text(safe(entry.field or t("sync.deleted_conflict")))
        return out
