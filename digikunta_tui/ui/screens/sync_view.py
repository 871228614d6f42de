"""Sync: where the shared data lives, the last result, history, and open conflicts."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Static

from digikunta_tui.domain.finnish import format_datetime, format_number
from digikunta_tui.i18n import get_language, t
from digikunta_tui.ui.screens.base import ViewScreen
from digikunta_tui.ui.text import field_label, field_lines, kind_label, literal, safe


class SyncScreen(ViewScreen):
    """The sync status and its history; conflicts side by side."""

    VIEW = "sync"
    CSS_PATH = "sync_view.tcss"

    def compose_body(self) -> ComposeResult:
        """Status, history and conflicts."""
        with Horizontal(id="sync-top"):
            yield Static(id="sync-status", markup=False)
            yield DataTable(id="sync-history", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="sync-conflicts"):
            yield Static(id="conflict-list", markup=False)

    def relabel(self) -> None:
        """Panel titles and table columns."""
        self.query_one("#sync-status").border_title = t("sync.status")
        self.query_one("#sync-history").border_title = t("sync.history")
        self.query_one("#sync-conflicts").border_title = t("sync.conflicts")
        table = self.query_one("#sync-history", DataTable)
        table.clear(columns=True)
        for key in ("at", "outcome", "pulled", "pushed", "conflicts"):
            table.add_column(t(f"sync.col_{key}"), key=key)

    def refresh_view(self) -> None:
        """Render status, history and conflicts."""
        lang = get_language()
        app = self.digikunta
        replica = self.repo.replica
        history = replica.history(limit=20)
        remote = app.remote
        status = app.sync_status
        last = history[0] if history else None
        lines = [
            (
                t("sync.transport"),
                t(f"sync.transport_{remote.transport}") if remote else t("sync.no_remote"),
            ),
            (t("sync.target"), remote.description if remote else None),
            (t("sync.state"), status.label()),
            (
                t("sync.last_sync"),
                format_datetime(replica.last_sync, lang)
                if replica.last_sync
                else t("status.never_synced"),
            ),
            (
                t("sync.last_result"),
                self._outcome(last.outcome) + (f" – {last.message}" if last.message else "")
                if last
                else None,
            ),
            (t("sync.pending"), format_number(replica.pending(), lang=lang)),
        ]
        self.query_one("#sync-status", Static).update(field_lines(lines))
        table = self.query_one("#sync-history", DataTable)
        table.clear()
        for entry in history:
            table.add_row(
                format_datetime(entry.at, lang),
                self._outcome(entry.outcome),
                str(entry.pulled),
                str(entry.pushed),
                str(entry.conflicts),
            )
        self.query_one("#conflict-list", Static).update(self._conflicts())

    @staticmethod
    def _outcome(outcome: str) -> str:
        key = f"sync.outcome_{outcome}"
        text = t(key)
        return literal(outcome) if text == key else text

    def _conflicts(self) -> Text:
        conflicts = self.repo.replica.conflicts()
        if not conflicts:
            return Text(t("sync.no_conflicts"), style="dim")
        out = Text()
        for index, entry in enumerate(conflicts):
            if index:
                out.append("\n\n")
            record = self.repo.get(entry.kind, entry.record) or {}
            title = (
                record.get("name")
                or record.get("title")
                or " ".join(str(record.get(k, "")) for k in ("given_name", "family_name")).strip()
                or entry.record
            )
            out.append(kind_label(entry.kind) + ": ", style="bold")
            out.append_text(safe(title, "bold"))
            if entry.is_delete_conflict:
                out.append("\n" + t("sync.deleted_conflict"))
                continue
            out.append("  " + field_label(entry.kind, entry.field or ""), style="dim")
            out.append("\n" + t("sync.kept") + ": ", style="green")
            out.append_text(safe(self._value(entry.kept)))
            out.append("\n" + t("sync.lost") + ": ", style="red")
            out.append_text(safe(self._value(entry.lost)))
        return out

    @staticmethod
    def _value(side: dict[str, Any]) -> str:
        value = side.get("value")
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        return "" if value is None else str(value)
