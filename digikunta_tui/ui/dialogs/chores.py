"""Webinar chores: register people, attendance, .ics, newsletter draft, mailing list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from digikunta_tui.domain.display import person_name
from digikunta_tui.domain.stored import ids_in, read_id, read_int, read_text, text_of
from digikunta_tui.i18n import t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.forms.flows import after_write, open_form
from digikunta_tui.ui.text import literal

if TYPE_CHECKING:
    from digikunta_tui.domain.repository import ValidationFailed
    from digikunta_tui.ui.app import DigikuntaApp

CHORE_BINDINGS: list[Binding] = [
    bind("r", "webinar_register", "webinar-register", show=False),
    bind("a", "webinar_attendance", "webinar-attendance", show=False),
    bind("i", "webinar_ics", "webinar-ics", show=False),
    bind("w", "webinar_newsletter", "webinar-newsletter", show=False),
    bind("m", "mailing_list", "mailing-list", show=False),
]
"""Add to the Webinars view's ``BINDINGS`` with :class:`WebinarChores` (listed under ``?``)."""


def mailing_csv(people: list[dict[str, Any]]) -> str:
    """The mailing list as CSV text: the domain's one writer, the same columns as the CLI's."""
    from digikunta_tui.domain.spreadsheet import mailing_list_csv

    return mailing_list_csv(people)


def _title(fields: dict[str, Any]) -> str:
    """A record's title for a dialog heading (degraded when not text)."""
    return text_of(fields.get("title"))


class WebinarChores:
    """Mixin for the Webinars view (needs ``current``: the selected webinar id)."""

    if TYPE_CHECKING:  # provided by the view (ViewScreen) this is mixed into

        @property
        def digikunta(self) -> DigikuntaApp: ...

    current: str | None  # the webinar shown (WebinarsScreen)

    def _webinar(self) -> tuple[str, dict[str, Any]] | None:
        from digikunta_tui.ui.index_work import lists_ready

        if not lists_ready(self.digikunta):  # registrations and people come from the index
            return None
        webinar_id = self.current
        fields = self.digikunta.repo.get("webinar", webinar_id) if webinar_id else None
        if webinar_id is None or fields is None:
            self.digikunta.notify(t("forms.nothing_selected"), severity="warning", markup=False)
            return None
        return webinar_id, fields

    def _save_file(self, title: str, name: str, text: str, written: Callable[[Path], str]) -> None:
        """Ask where (the export folder and ``name`` filled in), write, notify ``written``."""
        from digikunta_tui.ui.export import save_file

        save_file(self.digikunta, title, name, lambda: text, written)

    def _refused(self, exc: ValidationFailed) -> None:
        """Say why a write was refused (nothing was written)."""
        self.digikunta.notify("\n".join(exc.errors.values()), severity="error", markup=False)

    def action_webinar_register(self) -> None:
        """Register people (multi-select with a filter) to the selected webinar."""
        from digikunta_tui.ui.dialogs.pick import PickRecordsDialog

        found = self._webinar()
        if found is None:
            return
        webinar_id, fields = found
        repo = self.digikunta.repo
        already = {
            person
            for _id, reg, _p in repo.registrations_of(webinar_id)
            if isinstance(person := read_id(reg.get("person")), str)
        }

        def chosen(ids: list[str] | None) -> None:
            from digikunta_tui.domain.repository import ValidationFailed

            if not ids:
                return
            try:
                new = repo.register(webinar_id, ids)
            except ValidationFailed as exc:
                self._refused(exc)
                return
            self.digikunta.notify(t("chores.registered", count=len(new)), markup=False)
            after_write(self.digikunta, self)

        title = t("chores.register_title", title=_title(fields))
        dialog = PickRecordsDialog(
            repo, "person", title, exclude=already, confirm_label=t("chores.register")
        )
        self.digikunta.push_screen(dialog, chosen)

    def action_webinar_attendance(self) -> None:
        """Attended minutes per registration (only once the webinar is held)."""
        from digikunta_tui.ui.dialogs.attendance import AttendanceDialog

        found = self._webinar()
        if found is None:
            return
        webinar_id, fields = found
        if fields.get("status") != "held":
            self.digikunta.notify(t("chores.not_held"), severity="warning", markup=False)
            return
        repo = self.digikunta.repo
        rows = []
        for rid, reg, person in repo.registrations_of(webinar_id):
            minutes = read_int(reg.get("attended_minutes"))  # an odd value shows as blank
            rows.append(
                (
                    rid,
                    person_name(person or {}) or "?",
                    minutes if isinstance(minutes, int) else None,
                )
            )

        def saved(changes: dict[str, int | None] | None) -> None:
            from digikunta_tui.domain.repository import ValidationFailed

            if not changes:
                return
            try:
                for rid, minutes in changes.items():
                    if minutes is None:
                        repo.update("registration", rid, {"attended_minutes": None})
                    else:
                        repo.set_attendance(rid, minutes)
            except ValidationFailed as exc:
                self._refused(exc)
            after_write(self.digikunta, self)

        self.digikunta.push_screen(AttendanceDialog(_title(fields), rows), saved)

    def action_webinar_ics(self) -> None:
        """Write the selected webinar's calendar invitation where the user chooses."""
        from digikunta_tui.domain.ics import CalendarRefused, presenter_names, webinar_to_ics

        found = self._webinar()
        if found is None:
            return
        webinar_id, fields = found
        try:
            presenters = presenter_names(fields, self.digikunta.repo.person_name)
            text = webinar_to_ics(fields, webinar_id=webinar_id, presenters=presenters)
        except CalendarRefused as exc:
            self.digikunta.notify(str(exc), severity="error", markup=False)
            return
        self._save_file(
            t("exports.ics_title", title=_title(fields)),
            f"webinar-{webinar_id[:8]}.ics",
            text,
            lambda path: t("chores.ics_written", path=str(path)),
        )

    def action_webinar_newsletter(self) -> None:
        """Draft the webinar's newsletter from chosen stories, then open it in the form."""
        from digikunta_tui.ui.dialogs.pick import PickRecordsDialog
        from digikunta_tui.ui.forms.flows import next_newsletter_number

        found = self._webinar()
        if found is None:
            return
        webinar_id, webinar = found
        repo = self.digikunta.repo
        existing = repo.newsletter_of(webinar_id)

        def chosen(story_ids: list[str] | None) -> None:
            from digikunta_tui.domain.repository import ValidationFailed

            if story_ids is None:
                return
            if existing is None:
                title = read_text(webinar.get("title"))
                newsletter = {
                    "number": next_newsletter_number(repo),
                    "title": title if isinstance(title, str) else t("kind.newsletter"),
                    "webinar": webinar_id,
                    "status": "draft",
                }
            else:
                newsletter = dict(existing[1])
            # Only the stories: the heading, the facts and the stories are rendered around the
            # body (the summary people write) whenever the newsletter is shown or exported.
            newsletter["stories"] = story_ids
            try:
                if existing is None:
                    newsletter_id = repo.create("newsletter", newsletter)
                else:
                    newsletter_id = existing[0]
                    repo.update("newsletter", newsletter_id, {"stories": story_ids or None})
            except ValidationFailed as exc:
                self._refused(exc)
                return
            after_write(self.digikunta, self)
            open_form(self.digikunta, "newsletter", newsletter_id, screen=self)

        chosen_before = ids_in(existing[1].get("stories")) if existing else []
        dialog = PickRecordsDialog(
            repo,
            "story",
            t("chores.newsletter_title", title=_title(webinar)),
            chosen=chosen_before,
            confirm_label=t("chores.draft"),
        )
        self.digikunta.push_screen(dialog, chosen)

    def action_mailing_list(self) -> None:
        """Write the people who consented to the newsletter as CSV where the user chooses."""
        people = self.digikunta.repo.mailing_list()
        day = self.digikunta.now().date().isoformat()
        left_out = self.digikunta.repo.mailing_list_conflicts()

        def written(path: Path) -> str:
            if left_out:
                names = ", ".join(literal(person_name(person)) for person in left_out)
                message = t("chores.mailing_conflicts", count=len(left_out), names=names)
                self.digikunta.notify(message, severity="warning", markup=False)
            return t("chores.mailing_written", count=len(people), path=str(path))

        self._save_file(
            t("exports.mailing_title"), f"mailing-list-{day}.csv", mailing_csv(people), written
        )
