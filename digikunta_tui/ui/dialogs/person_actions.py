"""What a coordinator does from a person: consents (grant, withdraw, history) and webinars.

``ctrl+k`` opens the person's consents: one row per purpose with its state and two buttons, and the
whole history below (what, when, who recorded it, where). ``ctrl+r`` opens the webinars with the
person's registrations ticked: tick to register, untick to unregister (after a confirmation).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Label, Static

from digikunta_tui.domain.display import person_name
from digikunta_tui.domain.models_members import ConsentPurpose
from digikunta_tui.domain.stored import read_id
from digikunta_tui.i18n import get_language, t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.dialogs.base import Dialog
from digikunta_tui.ui.text import choice_label, literal, moment_label, safe

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp

PERSON_BINDINGS: list[Binding] = [
    bind("ctrl+k", "person_consents", "person-consents", show=False),
    bind("ctrl+r", "person_registrations", "person-registrations", show=False),
]
"""Add to the Members view's ``BINDINGS`` with :class:`PersonActions` as a base (listed under
``?``; not in this footer, which has no room left at 120 columns before the help and quit keys)."""

PURPOSES: tuple[str, ...] = tuple(purpose.value for purpose in ConsentPurpose)


def consent_history_text(repo: Repository, person_id: str) -> Text:
    """Every consent event of the person, newest first: action, purpose, when, who, where."""
    events = repo.consent_history(person_id)
    if not events:
        return Text(t("members.no_consents"), style="dim")
    out = Text()
    for event in reversed(events):
        if out:
            out.append("\n")
        fields = event.fields
        out.append(f"{moment_label(fields.get('at'), get_language())}  ", style="dim")
        out.append(choice_label("consent_purpose", fields.get("purpose")) + ": ", style="bold")
        out.append_text(safe(choice_label("consent_action", fields.get("action"))))
        who = repo.writer_name(event.stamp) if event.stamp else "?"
        source = fields.get("source")
        where = f", {choice_label('consent_source', source)}" if source else ""
        out.append_text(safe(f" ({t('people.recorded_by', who=who)}{where})"))
    return out


class ConsentsDialog(Dialog[bool]):
    """A person's consents: grant or withdraw per purpose; dismisses with True if any changed."""

    BINDINGS: ClassVar[list[BindingType]] = [bind("ctrl+o", "close", "consents-done")]

    def __init__(self, repo: Repository, person_id: str) -> None:
        """Args: repo: the Repository; person_id: the person."""
        super().__init__()
        self.repo = repo
        self.person_id = person_id
        self.changed = False

    def compose(self) -> ComposeResult:
        """Title, one row per purpose, the history, the close button."""
        name = person_name(self.repo.get("person", self.person_id) or {})
        with Vertical(classes="dialog-box -tall"):
            yield Label(
                t("people.consents_title", name=literal(name)),
                classes="dialog-title",
                markup=False,
            )
            for purpose in PURPOSES:
                with Horizontal(classes="consent-row"):
                    yield Static("", id=f"state-{purpose}", markup=False)
                    yield Button(
                        t("people.grant"), id=f"grant-{purpose}", variant="success", compact=True
                    )
                    yield Button(
                        t("people.withdraw"),
                        id=f"withdraw-{purpose}",
                        variant="error",
                        compact=True,
                    )
            yield Label(t("people.history"), classes="dialog-title", markup=False)
            with VerticalScroll(classes="dialog-body"):
                yield Static("", id="consent-history", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("forms.close"), id="consents-close")

    def on_mount(self) -> None:
        """Show the states and the history."""
        self.show()

    def show(self) -> None:
        """(Re)render each purpose's state and the history."""
        status = self.repo.consent_status(self.person_id)
        for purpose in PURPOSES:
            state = status.get(purpose)
            line = Text(f"{choice_label('consent_purpose', purpose)}: ", style="bold")
            if state is None:
                line.append(t("people.no_decision"), style="dim")
            elif state.conflict:
                line.append(t("members.consent_conflict"), style="bold red")
            else:
                line.append(choice_label("consent_action", state.action))
            self.query_one(f"#state-{purpose}", Static).update(line)
        history = consent_history_text(self.repo, self.person_id)
        self.query_one("#consent-history", Static).update(history)

    def record(self, purpose: str, action: str) -> None:
        """Record a new event now (it supersedes the purpose's current events everywhere)."""
        from digikunta_tui.domain.repository import ValidationFailed

        try:
            self.repo.add_consent(self.person_id, purpose, action)
        except ValidationFailed as exc:
            self.app.notify("\n".join(exc.errors.values()), severity="error", markup=False)
            return
        self.changed = True
        self.show()
        self.app.notify(
            t(
                "people.consent_recorded",
                purpose=choice_label("consent_purpose", purpose),
                action=choice_label("consent_action", action),
            ),
            markup=False,
        )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Grant / withdraw a purpose, or close."""
        event.stop()
        button = event.button.id or ""
        verb, _, purpose = button.partition("-")
        if verb in ("grant", "withdraw") and purpose in PURPOSES:
            self.record(purpose, "granted" if verb == "grant" else "withdrawn")
        else:
            self.action_close()

    def action_close(self) -> None:
        """Close; the view re-renders when something changed."""
        self.dismiss(self.changed)


class PersonActions:
    """Mixin for the Members view (needs ``current``: the (kind, id) shown)."""

    if TYPE_CHECKING:  # provided by the view (ViewScreen) this is mixed into

        @property
        def digikunta(self) -> DigikuntaApp: ...

    current: tuple[str, str] | None  # (kind, id) shown (MembersScreen)

    def _chosen_person(self) -> str | None:
        from digikunta_tui.ui.forms.flows import selection
        from digikunta_tui.ui.index_work import lists_ready

        if not lists_ready(self.digikunta):  # registrations and webinars come from the index
            return None
        selected = selection(self)
        if selected is None or selected[0] != "person":
            self.digikunta.notify(t("people.select_person"), severity="warning", markup=False)
            return None
        if self.digikunta.repo.get("person", selected[1]) is None:
            self.digikunta.notify(t("forms.nothing_selected"), severity="warning", markup=False)
            return None
        return selected[1]

    def action_person_consents(self) -> None:
        """Grant or withdraw the selected person's consents, and see their history."""
        from digikunta_tui.ui.forms.flows import after_write

        person_id = self._chosen_person()
        if person_id is None:
            return

        def closed(changed: bool | None) -> None:
            if changed:
                after_write(self.digikunta, self, "person", person_id)

        self.digikunta.push_screen(ConsentsDialog(self.digikunta.repo, person_id), closed)

    def action_person_registrations(self) -> None:
        """Register the person to webinars, or unregister (ticks = their registrations)."""
        from digikunta_tui.ui.dialogs.pick import PickRecordsDialog

        person_id = self._chosen_person()
        if person_id is None:
            return
        repo = self.digikunta.repo
        current: dict[str, str] = {}
        for reg_id, fields, _webinar in repo.registrations_of_person(person_id):
            webinar_id = read_id(fields.get("webinar"))
            if isinstance(webinar_id, str):
                current[webinar_id] = reg_id
        name = person_name(repo.get("person", person_id) or {})
        dialog = PickRecordsDialog(
            repo,
            "webinar",
            t("people.registrations_title", name=literal(name)),
            chosen=list(current),
            confirm_label=t("people.save_registrations"),
        )

        def chosen(ids: list[str] | None) -> None:
            if ids is None:
                return
            added = [w for w in ids if w not in current]
            removed = [current[w] for w in current if w not in ids]
            if not removed:
                self._change_registrations(person_id, added, [])
                return
            from digikunta_tui.ui.dialogs.confirm import confirm_dialog

            def answered(answer: str | None) -> None:
                if answer == "confirm":
                    self._change_registrations(person_id, added, removed)

            attended = sum(
                1
                for reg_id in removed
                if (repo.get("registration", reg_id) or {}).get("attended_minutes") is not None
            )
            message = t("people.unregister_message", name=literal(name), count=len(removed))
            if attended:
                message += "\n" + t("people.unregister_attended", count=attended)
            self.digikunta.push_screen(
                confirm_dialog(t("people.unregister_title"), message, t("people.unregister")),
                answered,
            )

        self.digikunta.push_screen(dialog, chosen)

    def _change_registrations(self, person_id: str, added: list[str], removed: list[str]) -> None:
        from digikunta_tui.domain.repository import NotFound, ValidationFailed
        from digikunta_tui.ui.forms.flows import after_write

        repo = self.digikunta.repo
        new = 0
        try:
            for reg_id in removed:
                repo.unregister(reg_id)
            for webinar_id in added:
                new += len(repo.register(webinar_id, [person_id]))
        except (ValidationFailed, NotFound) as exc:
            errors = getattr(exc, "errors", None)
            text = "\n".join(errors.values()) if isinstance(errors, dict) else str(exc)
            self.digikunta.notify(text, severity="error", markup=False)
        if new or removed:
            self.digikunta.notify(
                t("people.registrations_changed", added=new, removed=len(removed)), markup=False
            )
            after_write(self.digikunta, self, "person", person_id)
