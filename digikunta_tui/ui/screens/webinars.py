"""Webinars: upcoming and past, details, registrations and attendance, the newsletter."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Markdown, Select, Static

from digikunta_tui.domain.display import person_name
from digikunta_tui.domain.stored import Invalid, read_id, read_int, read_list, read_text, shown
from digikunta_tui.i18n import get_language, t
from digikunta_tui.ui.dialogs.chores import CHORE_BINDINGS, WebinarChores
from digikunta_tui.ui.forms.actions import RECORD_BINDINGS, RecordActions
from digikunta_tui.ui.screens.base import ViewScreen
from digikunta_tui.ui.text import choice_label, field_label, field_lines, safe, webinar_when
from digikunta_tui.ui.widgets.filtered_list import FilteredList
from digikunta_tui.ui.widgets.record_list import RecordList
from digikunta_tui.ui.widgets.selects import set_options_keeping

_WHEN_OPTIONS = ("all", "upcoming", "past")


class WebinarsScreen(RecordActions, WebinarChores, ViewScreen):
    """Webinars with their registrations and newsletter."""

    VIEW = "webinars"
    BINDINGS: ClassVar = [*RECORD_BINDINGS, *CHORE_BINDINGS]
    CSS_PATH = "webinars.tcss"
    FOOTER_KEYS: ClassVar = (
        *("webinar-register", "webinar-attendance", "webinar-ics", "webinar-newsletter"),
        *("mailing-list", "record-new", "record-edit", "record-delete", "focus-filter"),
        *("sync-now", "copy-contact", "undo"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.current: str | None = None
        """Id of the webinar in the detail pane."""

    def compose_body(self) -> ComposeResult:
        """Filter and list on the left, detail and newsletter on the right."""
        with Horizontal(classes="master-detail"):
            with Vertical(classes="master"):
                yield Select(self._when_options(), value="all", allow_blank=False, id="when")
                yield FilteredList("webinar", id="webinar-list")
            with VerticalScroll(classes="detail", id="webinar-pane"):
                yield Static(id="webinar-detail", markup=False)
                yield Markdown(id="newsletter", open_links=False)

    @staticmethod
    def _when_options() -> list[tuple[str, str]]:
        return [(t(f"webinars.{option}"), option) for option in _WHEN_OPTIONS]

    def relabel(self) -> None:
        """Filter labels."""
        set_options_keeping(self.query_one("#when", Select), self._when_options())
        self.query_one(FilteredList).relabel()

    def refresh_view(self) -> None:
        """Reload list and detail."""
        self.query_one(FilteredList).reload()
        self._render_detail()

    def on_select_changed(self, event: Select.Changed) -> None:
        """Upcoming / past / all."""
        if event.select.id != "when":
            return
        value = str(event.value)
        upcoming = {"upcoming": "1", "past": "0"}.get(value)
        listing = self.query_one(FilteredList)
        if listing.filters.get("upcoming") != upcoming:  # not a relabel: the list stays put
            listing.set_filter("upcoming", upcoming)

    def on_record_list_highlighted(self, event: RecordList.Highlighted) -> None:
        """Show the highlighted webinar."""
        self.current = event.row.id if event.row is not None else None
        self._render_detail()

    def show_record(self, kind: str, record_id: str) -> None:
        """Show a webinar (or the webinar of a registration/newsletter) from the palette."""
        if kind != "webinar":
            target = read_id((self.repo.get(kind, record_id) or {}).get("webinar"))
            record_id = target if isinstance(target, str) else ""
        self.current = record_id or None
        self._render_detail()

    def selected_contact(self) -> str | None:
        """The selected webinar's join link."""
        fields = self.repo.get("webinar", self.current) if self.current else None
        link = read_text((fields or {}).get("join_link"))
        return link if isinstance(link, str) else None

    def _render_detail(self) -> None:
        detail = self.query_one("#webinar-detail", Static)
        newsletter = self.query_one("#newsletter", Markdown)
        fields = self.repo.get("webinar", self.current) if self.current else None
        if fields is None or not self.repo.index_ready:  # registrations come from the index
            key = "webinars.none_selected" if self.repo.index_ready else "list.indexing"
            detail.update(Text(t(key), style="dim"))
            newsletter.update("")
            return
        detail.update(self._details(self.current or "", fields))
        newsletter.update(self._newsletter_markdown(self.current or "", fields))

    def _presenters(self, value: Any) -> str:
        """The presenters, people by name (degraded when the list is unreadable)."""
        items = read_list(value)
        if isinstance(items, Invalid):
            return items.label()
        return ", ".join(self.repo.person_name(item) or item for item in items or [])

    def _details(self, webinar_id: str, fields: dict[str, Any]) -> Text:
        lang = get_language()
        out = Text.assemble(safe(fields.get("title"), "bold"), "\n")
        presenters = self._presenters(fields.get("presenters"))
        out.append_text(
            field_lines(
                [
                    (t("dashboard.when"), webinar_when(fields, lang)),
                    (
                        field_label("webinar", "status"),
                        choice_label("webinar_status", fields.get("status")),
                    ),
                    (field_label("webinar", "theme"), fields.get("theme")),
                    (field_label("webinar", "platform"), fields.get("platform")),
                    (field_label("webinar", "join_link"), fields.get("join_link")),
                    (field_label("webinar", "instructions"), fields.get("instructions")),
                    (field_label("webinar", "presenters"), presenters),
                    (field_label("webinar", "recording_link"), fields.get("recording_link")),
                ]
            )
        )
        registrations = self.repo.registrations_of(webinar_id)
        minutes_of = {rid: read_int(reg.get("attended_minutes")) for rid, reg, _p in registrations}
        attended = sum(1 for m in minutes_of.values() if isinstance(m, int) and m > 0)
        out.append(
            "\n\n"
            + t("webinars.registrations", count=len(registrations), attended=attended)
            + "\n",
            style="bold",
        )
        for index, (reg_id, _reg, person) in enumerate(registrations):
            if index:
                out.append("\n")
            out.append_text(safe(person_name(person or {}) or "?"))
            minutes = minutes_of[reg_id]
            if minutes is not None:
                count = shown(minutes)
                out.append("  " + t("webinars.attended_minutes", minutes=count), style="dim")
        return out

    def _newsletter_markdown(self, webinar_id: str, fields: dict[str, Any]) -> str:
        """The newsletter from the trusted template; every record value is escaped there."""
        if self.repo.newsletter_of(webinar_id) is None:
            return ""
        return self.repo.newsletter_markdown(webinar_id, lang=get_language())
