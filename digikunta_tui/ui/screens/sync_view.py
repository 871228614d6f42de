"""Sync: where the shared data lives, the last result, history, and open conflicts.

Enter on a conflict opens it side by side (:mod:`digikunta_tui.ui.screens.conflict`).
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Static

from digikunta_tui.domain.display import when_text
from digikunta_tui.domain.finnish import format_number
from digikunta_tui.i18n import get_language, t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.screens.base import ViewScreen
from digikunta_tui.ui.text import field_label, field_lines, kind_label, literal, safe


class SyncScreen(ViewScreen):
    """The sync status and its history; conflicts side by side."""

    VIEW = "sync"
    CSS_PATH = "sync_view.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("enter", "open_selected", "open-conflict", show=False),
    ]

    def compose_body(self) -> ComposeResult:
        """Status, history and conflicts."""
        with Horizontal(id="sync-top"):
            yield Static(id="sync-status", markup=False)
            yield DataTable(id="sync-history", cursor_type="row", zebra_stripes=True)
        with Vertical(id="sync-conflicts"):
            yield Static(id="conflict-hint", markup=False)
            yield DataTable(id="conflict-table", cursor_type="row", zebra_stripes=True)

    def relabel(self) -> None:
        """Panel titles and table columns."""
        self.query_one("#sync-status").border_title = t("sync.status")
        self.query_one("#sync-history").border_title = t("sync.history")
        self.query_one("#sync-conflicts").border_title = t("sync.conflicts")
        table = self.query_one("#sync-history", DataTable)
        table.clear(columns=True)
        for key in ("at", "outcome", "pulled", "pushed", "conflicts"):
            table.add_column(t(f"sync.col_{key}"), key=key)
        conflicts = self.query_one("#conflict-table", DataTable)
        conflicts.clear(columns=True)
        for key in ("record", "kind", "field", "detected"):
            conflicts.add_column(t(f"conflicts.col_{key}"), key=key)

    def refresh_view(self) -> None:
        """Render status, history and conflicts."""
        lang = get_language()
        app = self.digikunta
        repo = self.repo
        history = repo.sync_history(limit=20)
        remote = app.remote
        status = app.sync_status
        last = history[0] if history else None
        said = last.message if last else ""
        if last and last.outcome != "ok" and status.message:
            said = status.message  # the same failure, in the language of the moment
        lines = [
            (
                t("sync.transport"),
                t(f"sync.transport_{remote.transport}") if remote else t("sync.no_remote"),
            ),
            (t("sync.target"), remote.description if remote else None),
            (t("sync.state"), status.detail()),
            (
                t("sync.last_sync"),
                when_text(repo.last_sync, lang) if repo.last_sync else t("status.never_synced"),
            ),
            (
                t("sync.last_result"),
                self._outcome(last.outcome) + (f" – {said}" if said else "") if last else None,
            ),
            (t("sync.pending"), format_number(repo.pending(), lang=lang)),
        ]
        self.query_one("#sync-status", Static).update(field_lines(lines))
        table = self.query_one("#sync-history", DataTable)
        table.clear()
        for entry in history:
            table.add_row(
                when_text(entry.at, lang),
                self._outcome(entry.outcome),
                str(entry.pulled),
                str(entry.pushed),
                str(entry.conflicts),
            )
        self._show_conflicts()

    @staticmethod
    def _outcome(outcome: str) -> str:
        key = f"sync.outcome_{outcome}"
        text = t(key)
        return literal(outcome) if text == key else text

    def _show_conflicts(self) -> None:
        """Fill the conflict table (row key = conflict id), keeping the cursor where it was."""
        lang = get_language()
        conflicts = self.repo.conflicts()
        hint = self.query_one("#conflict-hint", Static)
        table = self.query_one("#conflict-table", DataTable)
        table.display = bool(conflicts)
        if not conflicts:
            hint.update(Text(t("sync.no_conflicts"), style="dim"))
        else:
            hint.update(Text(t("conflicts.hint", count=len(conflicts)), style="dim"))
        row = table.cursor_row
        table.clear()
        for entry in conflicts:
            title = self.repo.title_of(entry.record) or entry.record
            if entry.is_id_collision:
                field = t("conflicts.id_collision_field")
            elif entry.is_delete_conflict:
                field = t("conflicts.deleted_field")
            else:
                field = field_label(entry.kind, entry.field or "")
            table.add_row(
                safe(title),
                kind_label(entry.kind),
                field,
                when_text(entry.detected_at, lang),
                key=entry.id,
            )
        if conflicts:
            table.move_cursor(row=min(row, len(conflicts) - 1))
            focused = self.focused
            if focused is None or focused.id == "sync-history":
                table.focus()  # conflicts are what needs doing here

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter on a conflict opens it side by side."""
        if event.data_table.id != "conflict-table" or event.row_key.value is None:
            return
        event.stop()
        self.open_conflict(event.row_key.value)

    def action_open_selected(self) -> None:
        """Open the conflict under the cursor of the conflict table."""
        table = self.query_one("#conflict-table", DataTable)
        if table.row_count:
            key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            if key.value is not None:
                self.open_conflict(key.value)

    def open_conflict(self, conflict_id: str) -> None:
        """Show one conflict on the conflict screen."""
        from digikunta_tui.ui.screens.conflict import ConflictScreen

        self.app.push_screen(ConflictScreen(conflict_id))
