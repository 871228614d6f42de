"""Members: people and organisations, a filterable list and a detail pane."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static, Tab, Tabs

from digikunta_tui.domain.display import person_name
from digikunta_tui.domain.stored import read_id, read_text
from digikunta_tui.i18n import get_language, t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.dialogs.gdpr import GDPR_BINDINGS, GdprActions
from digikunta_tui.ui.dialogs.person_actions import PERSON_BINDINGS, PersonActions
from digikunta_tui.ui.forms.actions import RECORD_BINDINGS, RecordActions
from digikunta_tui.ui.screens.base import ViewScreen
from digikunta_tui.ui.text import (
    choice_label,
    choices,
    date_label,
    day_of,
    field_label,
    field_lines,
    moment_label,
    safe,
)
from digikunta_tui.ui.widgets.filtered_list import FilteredList
from digikunta_tui.ui.widgets.record_list import RecordList


class MembersScreen(RecordActions, GdprActions, PersonActions, ViewScreen):
    """People and organisations."""

    VIEW = "members"
    BINDINGS: ClassVar = [
        bind("p", "show_kind('person')", "members-people"),
        bind("o", "show_kind('organization')", "members-organizations"),
        *RECORD_BINDINGS,
        *GDPR_BINDINGS,
        *PERSON_BINDINGS,
    ]
    CSS_PATH = "members.tcss"
    FOOTER_KEYS: ClassVar = (
        *("record-new", "record-edit", "record-delete", "gdpr", "focus-filter"),
        *("sync-now", "members-people", "members-organizations", "copy-contact", "undo"),
    )

    def __init__(self) -> None:
        super().__init__()
        self.current: tuple[str, str] | None = None
        """(kind, id) of the record in the detail pane."""
        self._pinned: tuple[str, str] | None = None
        """(list kind, filter text) while the detail shows a record jumped to that the list's
        cursor is not on: reloading the list under it (a save, a sync) keeps that record."""

    def compose_body(self) -> ComposeResult:
        """Kind tabs and list on the left, detail on the right."""
        with Horizontal(classes="master-detail"):
            with Vertical(classes="master"):
                yield Tabs(
                    Tab(self._tab_label("person"), id="kind-person"),
                    Tab(self._tab_label("organization"), id="kind-organization"),
                    id="member-kinds",
                )
                yield FilteredList("person", id="member-list")
            with VerticalScroll(classes="detail"):
                yield Static(id="member-detail", markup=False)

    def relabel(self) -> None:
        """Tab labels and the filter box."""
        self.query_one("#kind-person", Tab).label = self._tab_label("person")
        self.query_one("#kind-organization", Tab).label = self._tab_label("organization")
        self.query_one(FilteredList).relabel()
        self.query_one(".detail").border_title = t("members.detail")

    _KIND_TABS: ClassVar[dict[str, tuple[str, str]]] = {
        "person": ("members-people", "members.people"),
        "organization": ("members-organizations", "members.organizations"),
    }

    def _tab_label(self, kind: str) -> Text:
        """ "p Henkilöt": the sub-tab's key (as remapped, if it is) before its name."""
        binding_id, label = self._KIND_TABS[kind]
        keys = [
            self.app.get_key_display(binding)
            for binding in self.BINDINGS
            if isinstance(binding, Binding) and binding.id == binding_id
        ]
        keymap = getattr(self.app, "keymap_wanted", {}) or {}
        key = keymap.get(binding_id, keys[0] if keys else "")
        out = Text()
        if key:
            out.append(key, style="bold")
            out.append(" ")
        return out.append(t(label))

    def refresh_view(self) -> None:
        """Reload the list (keeping the cursor) and the detail."""
        self.query_one(FilteredList).reload()
        self._render_detail()

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        """Switch between people and organisations."""
        if event.tabs.id != "member-kinds":
            return
        event.stop()
        kind = (event.tab.id or "").removeprefix("kind-")
        listing = self.query_one(FilteredList)
        if kind and kind != listing.kind:
            self._pinned = None
            listing.set_kind(kind)

    def on_record_list_highlighted(self, event: RecordList.Highlighted) -> None:
        """Show the highlighted record (but a record jumped to stays while the list reloads)."""
        listing = self.query_one(FilteredList)
        if not event.moved and self._pinned == (listing.kind, listing.query_text):
            return
        self._pinned = None
        row = event.row
        self.current = (row.kind, row.id) if row is not None else None
        self._render_detail()

    def show_record(self, kind: str, record_id: str) -> None:
        """Show a person or organisation found through the palette (a consent: its person).

        The sub-tab and the list follow the record's kind, and the cursor goes to it when the
        list shows it near the top; otherwise the detail keeps it until the cursor is moved.
        """
        if kind == "consent":  # e.g. just recorded from this view
            person = read_id((self.repo.get("consent", record_id) or {}).get("person"))
            kind, record_id = ("person", person) if isinstance(person, str) else (kind, record_id)
        if kind not in ("person", "organization"):
            return
        self.show_kind(kind)
        listing = self.query_one(FilteredList)
        self.current = (kind, record_id)
        found = listing.records.go_to(kind, record_id)
        self._pinned = None if found else (listing.kind, listing.query_text)
        self._render_detail()

    def show_kind(self, kind: str) -> None:
        """Show the people (``"person"``) or organisations sub-tab and list."""
        listing = self.query_one(FilteredList)
        if listing.kind != kind:
            self._pinned = None
            listing.set_kind(kind)
        self.query_one("#member-kinds", Tabs).active = f"kind-{kind}"

    def action_show_kind(self, kind: str) -> None:
        """The sub-tab keys: people / organisations."""
        self.show_kind(kind)

    def selected_contact(self) -> str | None:
        """The selected person's email address."""
        if self.current and self.current[0] == "person":
            fields = self.repo.get("person", self.current[1]) or {}
            email = read_text(fields.get("email"))
            return email if isinstance(email, str) else None
        return None

    def _render_detail(self) -> None:
        detail = self.query_one("#member-detail", Static)
        fields = self.repo.get(*self.current) if self.current else None
        if not self.repo.index_ready:  # registrations, people … come from the index
            detail.update(Text(t("list.indexing"), style="dim"))
        elif not self.current or fields is None:
            detail.update(Text(t("members.none_selected"), style="dim"))
        elif self.current[0] == "person":
            detail.update(self._person(self.current[1], fields))
        else:
            detail.update(self._organization(self.current[1], fields))

    def _org_name(self, org_id: Any) -> Any:
        """The organisation's name (the degraded value when the reference is unreadable)."""
        target = read_id(org_id)
        if not isinstance(target, str):
            return target
        org = self.repo.get("organization", target)
        return org.get("name") if org else None

    def _person(self, person_id: str, fields: dict[str, Any]) -> Text:
        lang = get_language()
        out = Text.assemble(safe(person_name(fields), "bold"), "\n")
        out.append_text(
            field_lines(
                [
                    (
                        field_label("person", "organization"),
                        self._org_name(fields.get("organization")),
                    ),
                    (field_label("person", "roles"), choices("role", fields.get("roles"))),
                    (field_label("person", "job_title"), fields.get("job_title")),
                    (field_label("person", "email"), fields.get("email")),
                    (field_label("person", "phone"), fields.get("phone")),
                    (field_label("person", "notes"), fields.get("notes")),
                ]
            )
        )
        out.append("\n\n" + t("members.consents") + "\n", style="bold")
        out.append_text(self._consents(person_id))
        out.append("\n\n" + t("members.registrations") + "\n", style="bold")
        registrations = self.repo.registrations_of_person(person_id)
        if not registrations:
            out.append(t("members.no_registrations"), style="dim")
        for index, (_reg_id, _reg, webinar) in enumerate(registrations):
            if index:
                out.append("\n")
            webinar = webinar or {}
            when = day_of(webinar.get("starts_at"), lang)
            if when:
                out.append(when + " ")
            out.append_text(safe(webinar.get("title") or "?"))
        return out

    def _consents(self, person_id: str) -> Text:
        """One line per purpose; a conflict lists the current events and how to settle it."""
        status = self.repo.consent_status(person_id)
        if not status:
            return Text(t("members.no_consents"), style="dim")
        out = Text()
        for purpose, state in sorted(status.items()):
            if out:
                out.append("\n")
            out.append(f"{choice_label('consent_purpose', purpose)}: ", style="bold")
            if not state.conflict:
                out.append_text(safe(choice_label("consent_action", state.action)))
                continue
            out.append(t("members.consent_conflict"), style="bold red")
            for head in state.heads:
                out.append("\n  • ")
                out.append_text(safe(self._consent_event(head)))
            out.append("\n  " + t("members.consent_settle"), style="italic")
        return out

    def _consent_event(self, event: Any) -> str:
        """ "Granted, 1.12.2017 klo 10.00, recorded by laptop k3x9… (web form)"."""
        from digikunta_tui.ui.screens.conflict import writer_label

        text = t(
            "members.consent_event",
            action=choice_label("consent_action", event.action),
            at=moment_label(event.fields.get("at"), get_language()),
            who=writer_label(event.stamp, self.repo) if event.stamp else "?",
        )
        source = event.fields.get("source")
        return f"{text} ({choice_label('consent_source', source)})" if source else text

    def _organization(self, org_id: str, fields: dict[str, Any]) -> Text:
        out = Text.assemble(safe(fields.get("name"), "bold"), "\n")
        out.append_text(
            field_lines(
                [
                    (
                        field_label("organization", "type"),
                        choice_label("organization_type", fields.get("type")),
                    ),
                    (
                        field_label("organization", "municipality_code"),
                        fields.get("municipality_code"),
                    ),
                    (field_label("organization", "business_id"), fields.get("business_id")),
                    (
                        field_label("organization", "joined_on"),
                        date_label(fields.get("joined_on"), get_language()),
                    ),
                ]
            )
        )
        for title_key, rows in (
            ("members.org_people", self.repo.people_of(org_id)),
            ("members.org_stories", self.repo.stories_of(org_id)),
        ):
            out.append("\n\n" + t(title_key) + "\n", style="bold")
            if not rows:
                out.append(t("dashboard.nothing"), style="dim")
            for index, row in enumerate(rows):
                if index:
                    out.append("\n")
                out.append_text(safe(row.title))
        return out
