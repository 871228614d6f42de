"""Command palette providers: actions named ``area: action`` and jumps to any record."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from digikunta_tui.i18n import t
from digikunta_tui.ui.text import kind_label, safe
from digikunta_tui.ui.widgets.app_bar import VIEWS

if TYPE_CHECKING:
    from digikunta_tui.ui.app import DigikuntaApp


def palette_actions(app: DigikuntaApp) -> list[tuple[str, str, Callable[[], object]]]:
    """(title, help, callback) of every palette action, in the language shown now."""
    actions: list[tuple[str, str, Callable[[], object]]] = [
        (t("palette.sync_now"), t("palette.sync_now_help"), app.action_sync_now),
        (t("setup.palette"), t("setup.palette_help"), app.action_sync_setup),
    ]
    actions += [
        (
            t("palette.view", view=t(f"view.{view}")),
            t("palette.view_help"),
            partial(app.action_view, view),
        )
        for view in VIEWS
    ]
    actions += [
        (t("palette.export_members"), t("palette.export_members_help"), app.action_export_members),
        (t("palette.language"), t("palette.language_help"), app.action_switch_language),
        (t("palette.theme"), t("palette.theme_help"), app.action_change_theme),
        (t("palette.copy"), t("palette.copy_help"), app.action_copy_contact),
        (t("palette.undo"), t("palette.undo_help"), app.action_undo),
        (t("palette.help"), t("palette.help_help"), app.action_show_help),
        (t("palette.quit"), t("palette.quit_help"), app.action_quit),
    ]
    from digikunta_tui.ui.forms.flows import record_palette_actions

    actions += record_palette_actions(app)
    return actions


class ActionCommands(Provider):
    """ "sync: sync now", "view: members", "export: members as CSV" …"""

    @property
    def _actions(self) -> list[tuple[str, str, Callable[[], object]]]:
        return palette_actions(self.app)  # type: ignore[arg-type]

    async def discover(self) -> Hits:
        """All actions, before anything is typed."""
        for title, help_text, callback in self._actions:
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Actions whose name matches the query (fuzzy)."""
        matcher = self.matcher(query)
        for title, help_text, callback in self._actions:
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)


class RecordCommands(Provider):
    """Jump to any record by name (the repository's full-text search)."""

    async def search(self, query: str) -> Hits:
        """Records matching the query, best first; names are shown literally."""
        if not query.strip():
            return
        app: DigikuntaApp = self.app  # type: ignore[assignment]
        if not app.repo.index_ready:  # the first build runs: say so instead of finding nothing
            message = t("palette.index_not_ready", percent=app.index_percent)
            yield Hit(0.01, Text(message, style="dim"), lambda: None, text=message)
            return
        hits = app.repo.search(query, limit=20)
        for position, hit in enumerate(hits):
            prompt = Text.assemble(safe(hit.title))
            if hit.subtitle:
                prompt.append("  ")
                prompt.append_text(safe(hit.subtitle, "dim"))
            yield Hit(
                1.0 - position / (len(hits) + 1),
                prompt,
                partial(app.show_record, hit.kind, hit.id),
                text=str(hit.title),
                help=t("palette.jump_help", kind=kind_label(hit.kind)),
            )
