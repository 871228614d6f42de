"""Webinar chores: register people, attendance, .ics, newsletter draft, mailing list."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from textual.binding import Binding

from digikunta_tui.domain.display import person_name
from digikunta_tui.i18n import get_language, t
from digikunta_tui.ui.bindings import bind
from digikunta_tui.ui.forms.flows import after_write, open_form
from digikunta_tui.ui.text import literal

CHORE_BINDINGS: list[Binding] = [
    bind("r", "webinar_register", "webinar-register", show=False),
    bind("a", "webinar_attendance", "webinar-attendance", show=False),
    bind("i", "webinar_ics", "webinar-ics", show=False),
    bind("w", "webinar_newsletter", "webinar-newsletter", show=False),
    bind("m", "mailing_list", "mailing-list", show=False),
]
"""Add to the Webinars view's ``BINDINGS`` with :class:`WebinarChores` (listed under ``?``)."""

MAILING_COLUMNS = ("given_name", "family_name", "email", "organization")


def mailing_csv(people: list[dict[str, Any]]) -> str:
    """The mailing list as CSV text (cells that a spreadsheet would run as formulas are quoted)."""
    from digikunta_tui.domain.transfer import neutralise

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MAILING_COLUMNS)
    for person in people:
        writer.writerow([neutralise(str(person.get(col) or "")) for col in MAILING_COLUMNS])
    return out.getvalue()


def _name_of(repo: Any, value: Any) -> str:
    person = repo.get("person", value) if isinstance(value, str) else None
    return person_name(person) if person else str(value)


def newsletter_body(repo: Any, newsletter: dict[str, Any], webinar: dict[str, Any]) -> str:
    """The Markdown of a newsletter drafted from its webinar and stories (trusted template)."""
    from digikunta_tui.domain.newsletter import render_newsletter

    stories: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    for story_id in newsletter.get("stories") or []:
        story = repo.get("story", story_id)
        if story is None:
            continue
        story = dict(story)
        story["indicators"] = [ind for _id, ind in repo.indicators_of(story_id)]
        stories.append(story)
        org = repo.get("organization", story.get("organization") or "")
        if org:
            names[story["organization"]] = org.get("name", "")
    for person_id in webinar.get("presenters") or []:
        names[str(person_id)] = _name_of(repo, person_id)
    draft = {k: v for k, v in newsletter.items() if k != "body"}
    return render_newsletter(draft, webinar, stories, lang=get_language(), names=names)


class WebinarChores:
    """Mixin for the Webinars view (needs ``current``: the selected webinar id)."""

    app: Any
    current: Any

    def _webinar(self) -> tuple[str, dict[str, Any]] | None:
        fields = self.app.repo.get("webinar", self.current) if self.current else None
        if fields is None:
            self.app.notify(t("forms.nothing_selected"), severity="warning", markup=False)
            return None
        return self.current, fields

    def _write_file(self, name: str, text: str) -> Path | None:
        path = Path.cwd() / name
        try:
            path.write_text(text, encoding="utf-8", newline="")
        except OSError as exc:
            self.app.notify(
                t("chores.write_failed", error=str(exc)), severity="error", markup=False
            )
            return None
        return path

    def action_webinar_register(self) -> None:
        """Register people (multi-select with a filter) to the selected webinar."""
        from digikunta_tui.ui.dialogs.pick import PickRecordsDialog

        found = self._webinar()
        if found is None:
            return
        webinar_id, fields = found
        repo = self.app.repo
        already = {reg["person"] for _id, reg, _p in repo.registrations_of(webinar_id)}

        def chosen(ids: list[str] | None) -> None:
            if not ids:
                return
            new = repo.register(webinar_id, ids)
            self.app.notify(t("chores.registered", count=len(new)), markup=False)
            after_write(self.app, self)

        title = t("chores.register_title", title=fields.get("title", ""))
        dialog = PickRecordsDialog(
            repo, "person", title, exclude=already, confirm_label=t("chores.register")
        )
        self.app.push_screen(dialog, chosen)

    def action_webinar_attendance(self) -> None:
        """Attended minutes per registration (only once the webinar is held)."""
        from digikunta_tui.domain.repository import ValidationFailed
        from digikunta_tui.ui.dialogs.attendance import AttendanceDialog

        found = self._webinar()
        if found is None:
            return
        webinar_id, fields = found
        if fields.get("status") != "held":
            self.app.notify(t("chores.not_held"), severity="warning", markup=False)
            return
        repo = self.app.repo
        rows = [
            (rid, person_name(person or {}) or "?", reg.get("attended_minutes"))
            for rid, reg, person in repo.registrations_of(webinar_id)
        ]

        def saved(changes: dict[str, int | None] | None) -> None:
            if not changes:
                return
            try:
                for rid, minutes in changes.items():
                    if minutes is None:
                        repo.update("registration", rid, {"attended_minutes": None})
                    else:
                        repo.set_attendance(rid, minutes)
            except ValidationFailed as exc:
                message = "\n".join(exc.errors.values())
                self.app.notify(message, severity="error", markup=False)
            after_write(self.app, self)

        self.app.push_screen(AttendanceDialog(fields.get("title", ""), rows), saved)

    def action_webinar_ics(self) -> None:
        """Write the selected webinar's calendar invitation to the current folder."""
        from digikunta_tui.domain.ics import webinar_to_ics

        found = self._webinar()
        if found is None:
            return
        webinar_id, fields = found
        presenters = [_name_of(self.app.repo, p) for p in fields.get("presenters") or []]
        text = webinar_to_ics(fields, webinar_id=webinar_id, presenters=presenters)
        path = self._write_file(f"webinar-{webinar_id[:8]}.ics", text)
        if path is not None:
            self.app.notify(t("chores.ics_written", path=str(path)), markup=False)

    def action_webinar_newsletter(self) -> None:
        """Draft the webinar's newsletter from chosen stories, then open it in the form."""
        from digikunta_tui.ui.dialogs.pick import PickRecordsDialog
        from digikunta_tui.ui.forms.flows import next_newsletter_number

        found = self._webinar()
        if found is None:
            return
        webinar_id, webinar = found
        repo = self.app.repo
        existing = repo.newsletter_of(webinar_id)

        def chosen(story_ids: list[str] | None) -> None:
            if story_ids is None:
                return
            if existing is None:
                newsletter = {
                    "number": next_newsletter_number(repo),
                    "title": webinar.get("title", ""),
                    "webinar": webinar_id,
                    "status": "draft",
                }
            else:
                newsletter = dict(existing[1])
            newsletter["stories"] = story_ids
            newsletter["body"] = newsletter_body(repo, newsletter, webinar)
            if existing is None:
                newsletter_id = repo.create("newsletter", newsletter)
            else:
                newsletter_id = existing[0]
                repo.update(
                    "newsletter",
                    newsletter_id,
                    {"stories": story_ids or None, "body": newsletter["body"]},
                )
            after_write(self.app, self)
            open_form(self.app, "newsletter", newsletter_id, screen=self)

        chosen_before = list(existing[1].get("stories") or []) if existing else []
        dialog = PickRecordsDialog(
            repo,
            "story",
            t("chores.newsletter_title", title=webinar.get("title", "")),
            chosen=chosen_before,
            confirm_label=t("chores.draft"),
        )
        self.app.push_screen(dialog, chosen)

    def action_mailing_list(self) -> None:
        """Write the people who consented to the newsletter as CSV to the current folder."""
        people = self.app.repo.mailing_list()
        day = self.app.now().date().isoformat()
        path = self._write_file(f"mailing-list-{day}.csv", mailing_csv(people))
        if path is not None:
            self.app.notify(
                t("chores.mailing_written", count=len(people), path=str(path)), markup=False
            )
            left_out = self.app.repo.mailing_list_conflicts()
            if left_out:
                names = ", ".join(literal(person_name(person)) for person in left_out)
                message = t("chores.mailing_conflicts", count=len(left_out), names=names)
                self.app.notify(message, severity="warning", markup=False)
