"""The command palette: jumps to any record first, then actions named ``area: action``.

Two rules keep a name typed into the palette from running an action (a person's name once
ran "edit: undo the last change"):

* Records rank above actions: a record's score is always above every action's
  (:data:`RECORD_FLOOR`); Textual's fuzzy scores are not bounded by 1 and would otherwise win.
* An action is offered only when every word typed starts a word of its name ("kum" finds
  "muokkaus: kumoa viimeisin muutos"; "tiina" finds no action even though its letters appear
  in order in "tietue: uusi webinaari").

And Enter acts on what is typed now: Textual shows the hits of a query in batches, so Enter
pressed right after typing could pick a hit of an earlier, shorter query (or of the list shown
before anything was typed). :class:`DigikuntaPalette` then goes to the best match of the whole
query itself — the first record, else the first action whose words match — or does nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.command import (
    Command,
    CommandList,
    CommandPalette,
    DiscoveryHit,
    Hit,
    Hits,
    Provider,
)
from textual.widgets import Input

from digikunta_tui.domain.search import query_terms
from digikunta_tui.i18n import t
from digikunta_tui.ui.text import kind_label, safe
from digikunta_tui.ui.widgets.app_bar import VIEWS

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp

RECORD_FLOOR = 2.0
"""Every record hit scores above this, every action hit at most this."""

RECORD_LIMIT = 20
"""Records the palette lists for one query."""


@dataclass(frozen=True)
class PaletteTarget:
    """What a palette hit runs, with the query it was found for.

    Attributes:
        query: the (stripped) text the hit answered; a hit whose query is not the one typed
            now is stale and never runs from Enter.
        run: the callback.
        record: True for a jump to a record, False for an action.
        inert: a line that only says something ("no matches"): Enter keeps the palette open.
    """

    query: str
    run: Callable[[], object]
    record: bool = False
    inert: bool = False

    def __call__(self) -> object:
        """Run the target (Textual awaits what it returns when that is awaitable)."""
        return self.run()


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
        (t("palette.report"), t("palette.report_help"), app.action_write_report),
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


def words_match(query: str, title: str) -> bool:
    """True when every word of ``query`` starts a word of ``title`` (case and accents folded).

    ``"synk nyt"`` matches "synkronointi: synkronoi nyt"; ``"tiina"`` matches no action name.
    """
    wanted = query_terms(query)
    words = query_terms(title)
    return bool(wanted) and all(any(word.startswith(w) for word in words) for w in wanted)


def matching_actions(app: DigikuntaApp, query: str) -> list[tuple[str, str, Callable[[], object]]]:
    """The palette actions whose name every word of ``query`` starts a word of, in order."""
    return [action for action in palette_actions(app) if words_match(query, action[0])]


def best_target(app: DigikuntaApp, query: str) -> Callable[[], object] | None:
    """What Enter runs for ``query`` typed in full: the first record, else the first action
    whose words match, else None."""
    query = query.strip()
    if not query:
        return None
    if app.repo.index_ready:
        hits = app.repo.search(query, limit=1)
        if hits:
            return partial(app.show_record, hits[0].kind, hits[0].id)
    actions = matching_actions(app, query)
    return actions[0][2] if actions else None


class ActionCommands(Provider):
    """ "sync: sync now", "view: members", "export: members as CSV" …"""

    @property
    def _app(self) -> DigikuntaApp:
        return self.app  # type: ignore[return-value]

    async def discover(self) -> Hits:
        """All actions, before anything is typed."""
        for title, help_text, callback in palette_actions(self._app):
            yield DiscoveryHit(title, PaletteTarget("", callback), help=help_text)

    async def search(self, query: str) -> Hits:
        """Actions whose name's words the query's words start, ranked below every record."""
        query = query.strip()
        matcher = self.matcher(query)
        for title, help_text, callback in matching_actions(self._app, query):
            score = matcher.match(title)
            # Fuzzy scores are not bounded: squash them into (0, RECORD_FLOOR].
            ranked = RECORD_FLOOR * score / (score + 1) if score > 0 else RECORD_FLOOR / 4
            yield Hit(ranked, matcher.highlight(title), PaletteTarget(query, callback), title,
                      help=help_text)  # fmt: skip


class RecordCommands(Provider):
    """Jump to any record by name (the repository's full-text search)."""

    async def search(self, query: str) -> Hits:
        """Records matching the query, best first, above every action; names shown literally.

        When neither a record nor an action matches, one inert line says so (in the UI's
        language, instead of Textual's own English "No matches found").
        """
        query = query.strip()
        if not query:
            return
        app: DigikuntaApp = self.app  # type: ignore[assignment]
        if not app.repo.index_ready:  # the first build runs: say so instead of finding nothing
            message = t("palette.index_not_ready", percent=app.index_percent)
            yield _inert(query, message)
            return
        hits = app.repo.search(query, limit=RECORD_LIMIT)
        for position, hit in enumerate(hits):
            prompt = Text.assemble(safe(hit.title))
            if hit.subtitle:
                prompt.append("  ")
                prompt.append_text(safe(hit.subtitle, "dim"))
            yield Hit(
                RECORD_FLOOR + 1.0 - position / (len(hits) + 1),
                prompt,
                PaletteTarget(query, partial(app.show_record, hit.kind, hit.id), record=True),
                text=str(hit.title),
                help=t("palette.jump_help", kind=kind_label(hit.kind)),
            )
        if not hits and not matching_actions(app, query):
            message = t("palette.no_matches")
            yield _inert(query, message)


def _nothing() -> None:
    """The inert hits' callback."""


def _inert(query: str, message: str) -> Hit:
    """A dim line that only tells something; Enter on it keeps the palette open."""
    return Hit(
        0.01, Text(message, style="dim"), PaletteTarget(query, _nothing, inert=True), message
    )


class DigikuntaPalette(CommandPalette):
    """Textual's command palette in the UI's language, where Enter acts on the whole query."""

    def __init__(self, **kwargs: Any) -> None:
        """Args: as :class:`~textual.command.CommandPalette` (the placeholder is ours)."""
        kwargs.setdefault("placeholder", t("palette.placeholder"))
        super().__init__(**kwargs)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: Textual's own selection when the highlighted hit answers what is typed now;
        otherwise (a stale hit, or an action on top while records may still arrive) the best
        match of the whole query, or nothing."""
        query = event.value.strip()
        command_list = self.query_one(CommandList)
        option = command_list.highlighted_option if command_list.option_count else None
        target = option.hit.command if isinstance(option, Command) else None
        if not isinstance(target, PaletteTarget):
            return  # not one of ours (no hit, or another provider's): Textual decides
        fresh = target.query == query
        if fresh and target.inert:
            event.prevent_default()
            event.stop()
            self.app.bell()
            return
        chose_it = (command_list.highlighted or 0) > 0  # moved there with the arrow keys
        if fresh and (target.record or chose_it or not query):
            return  # Textual runs the highlighted hit
        if fresh and not self._record_matches(query):
            return  # the action on top answers the whole query and no record does
        event.prevent_default()  # Textual's own handler (in the base class) is skipped
        event.stop()
        best = best_target(self.app, query)  # type: ignore[arg-type]
        if best is None:
            self.app.bell()
            return
        self.app.post_message(CommandPalette.Closed(option_selected=True))
        self.dismiss()
        self.app.call_later(best)

    def _record_matches(self, query: str) -> bool:
        repo: Repository = self.app.repo  # type: ignore[attr-defined]
        return bool(repo.index_ready and repo.search(query, limit=1))
