"""Stories: filter by organisation, unit, stage and theme; the story as Markdown with indicators."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Markdown, Select, Static

from digikunta_tui.domain.finnish import format_number
from digikunta_tui.domain.indicators import Figure, read_indicator
from digikunta_tui.domain.stored import Invalid, read_id, read_list, text_of
from digikunta_tui.i18n import get_language, t
from digikunta_tui.ui.dialogs.story_actions import STORY_BINDINGS, StoryActions
from digikunta_tui.ui.facets import story_facets
from digikunta_tui.ui.forms.actions import RECORD_BINDINGS, RecordActions
from digikunta_tui.ui.screens.base import ViewScreen
from digikunta_tui.ui.text import choice_label, date_label, literal, safe
from digikunta_tui.ui.widgets.bar_chart import bar
from digikunta_tui.ui.widgets.filtered_list import FilteredList
from digikunta_tui.ui.widgets.record_list import RecordList
from digikunta_tui.ui.widgets.selects import set_options_keeping

_STAGES = ("idea", "running", "ended", "established")
_FILTERS = ("organization", "unit", "stage", "theme")


class StoriesScreen(RecordActions, StoryActions, ViewScreen):
    """Experiment stories and their measured impact."""

    VIEW = "stories"
    BINDINGS: ClassVar = [*RECORD_BINDINGS, *STORY_BINDINGS]
    CSS_PATH = "stories.tcss"
    FOOTER_KEYS: ClassVar = (
        *("record-new", "record-edit", "record-delete", "focus-filter", "sync-now", "undo"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.current: str | None = None
        """Id of the story in the detail pane."""

    def compose_body(self) -> ComposeResult:
        """Four filters and the list on the left, the story on the right."""
        with Horizontal(classes="master-detail"):
            with Vertical(classes="master"):
                with Grid(id="story-filters"):
                    for name in _FILTERS:
                        yield Select([], prompt=t(f"stories.filter_{name}"), id=f"filter-{name}")
                yield FilteredList("story", id="story-list")
            with VerticalScroll(classes="detail"):
                yield Markdown(id="story-text", open_links=False)
                yield Static(id="indicators", markup=False)

    def on_mount(self) -> None:
        """Fill the filter choices, then render."""
        self._fill_filters()
        super().on_mount()

    def _fill_filters(self) -> None:
        if not self.repo.index_ready:
            return  # the choices come from the stories listed: filled in once it is ready
        facets = story_facets(self.repo)
        facets["stage"] = [(choice_label("story_stage", s), s) for s in _STAGES]
        for name in _FILTERS:
            select = self.query_one(f"#filter-{name}", Select)
            set_options_keeping(select, [(literal(label), value) for label, value in facets[name]])

    def relabel(self) -> None:
        """Filter prompts and stage names."""
        for name in _FILTERS:
            self.query_one(f"#filter-{name}", Select).prompt = t(f"stories.filter_{name}")
        self.query_one(FilteredList).relabel()

    def refresh_view(self) -> None:
        """Reload filters, list and story."""
        self._fill_filters()
        self.query_one(FilteredList).reload()
        self._render_detail()

    def on_select_changed(self, event: Select.Changed) -> None:
        """Apply a filter (the blank choice clears it)."""
        name = (event.select.id or "").removeprefix("filter-")
        if name not in _FILTERS:
            return
        value = None if event.value is Select.BLANK else str(event.value)
        listing = self.query_one(FilteredList)
        if listing.filters.get(name) != value:
            listing.set_filter(name, value)

    def on_record_list_highlighted(self, event: RecordList.Highlighted) -> None:
        """Show the highlighted story."""
        self.current = event.row.id if event.row is not None else None
        self._render_detail()

    def show_record(self, kind: str, record_id: str) -> None:
        """Show a story (or an indicator's story) from the palette."""
        if kind == "indicator":
            target = read_id((self.repo.get(kind, record_id) or {}).get("story"))
            record_id = target if isinstance(target, str) else ""
        self.current = record_id or None
        self._render_detail()

    def _render_detail(self) -> None:
        story = self.repo.get("story", self.current) if self.current else None
        text = self.query_one("#story-text", Markdown)
        indicators = self.query_one("#indicators", Static)
        if story is None or not self.repo.index_ready:  # indicators come from the index
            text.update(t("stories.none_selected" if self.repo.index_ready else "list.indexing"))
            indicators.update("")
            return
        text.update(self._markdown(story))
        indicators.update(self._indicators(self.current or ""))

    def _markdown(self, story: dict[str, Any]) -> str:
        """The story from a trusted template; every value is escaped for Markdown."""
        from digikunta_tui.domain.newsletter import escape_markdown as esc

        lang = get_language()
        org_id = read_id(story.get("organization"))
        org = self.repo.get("organization", org_id) if isinstance(org_id, str) else None
        lines = [f"# {' '.join(esc(text_of(story.get('title'))).split())}", ""]
        meta = [
            esc(text_of((org or {}).get("name"))),
            esc(text_of(story.get("unit"))),
            esc(choice_label("story_stage", story.get("stage"))),
            esc(date_label(story.get("start"), lang)),
        ]
        lines += [" · ".join(part for part in meta if part), ""]
        for field in ("problem", "goal", "what_was_done", "lessons", "next_steps"):
            if story.get(field):
                text = esc(text_of(story[field]))
                lines += [f"## {esc(t(f'field.story.{field}'))}", "", text, ""]
        for field in ("digital_tools", "themes"):
            items = read_list(story.get(field))
            if items:
                shown = items.label() if isinstance(items, Invalid) else ", ".join(items)
                lines += [f"**{esc(t(f'field.story.{field}'))}:** {esc(shown)}", ""]
        return "\n".join(lines)

    def _indicators(self, story_id: str) -> Text:
        lang = get_language()
        out = Text()
        found = self.repo.indicators_of(story_id)
        if found:
            out.append(t("stories.indicators") + "\n", style="bold")

        def num(value: Figure) -> str:
            if isinstance(value, Invalid):
                return value.label()
            return "–" if value is None else format_number(value, lang=lang)

        from digikunta_tui.domain.report.data import series_of
        from digikunta_tui.ui.widgets.series_chart import series_text

        for rid, fields in found:
            figures = read_indicator(fields)
            out.append("\n")
            out.append_text(safe(fields.get("name"), "bold"))
            unit = literal(fields.get("unit") or "")
            out.append(f" ({unit})\n" if unit else "\n", style="dim")
            out.append(
                t(
                    "stories.figures",
                    baseline=num(figures.baseline),
                    actual=num(figures.latest),
                    target=num(figures.target),
                )
            )
            progress = figures.progress
            if progress is not None:
                shown = max(min(progress, Decimal(1)), Decimal(0))
                out.append("\n" + bar(shown, Decimal(1), 30).ljust(30, "░"), style="green")
                out.append(f" {format_number(round(progress * 100), lang=lang)} %")
            chart = series_text(series_of(rid, fields), lang=lang)
            if chart:  # the measurements over time, with the baseline and the target line
                out.append("\n").append_text(chart)
            out.append("\n")
        return out
