"""One conflict side by side: who wrote what and when, and the choices that resolve it.

A field conflict offers the kept value, the other (lost) value, or a merged value typed in a
``TextArea`` (validated like a form field); a delete-versus-edit conflict offers keeping the
record or confirming the deletion; an id collision (two records of different kinds met under
one id, and one of them moved to a new id) has nothing to choose and is acknowledged. Resolving
goes through the Repository (``resolve_field``, ``restore``, ``confirm_delete``, ``keep``) – an
ordinary edit that syncs like any other, checked like one – and the screen closes with ``True``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Static, TextArea

from digikunta_tui.domain.display import when_text
from digikunta_tui.domain.finnish import format_datetime
from digikunta_tui.domain.stored import read_id, year_ok
from digikunta_tui.i18n import get_language, t
from digikunta_tui.ui.bindings import bind, translated
from digikunta_tui.ui.text import (
    choice_label,
    choices,
    date_label,
    field_label,
    kind_label,
    literal,
    moment_label,
    safe,
)
from digikunta_tui.ui.widgets.line_diff import LineDiff

if TYPE_CHECKING:
    from textual import getters

    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp
    from sync import ConflictEntry

LONG_TEXT = 60
"""Texts longer than this (or with several lines) also get a line-by-line comparison."""

FIELD_ACTIONS = frozenset({"keep_this", "keep_other", "edit_merged"})
DELETE_ACTIONS = frozenset({"restore_record", "confirm_delete"})
COLLISION_ACTIONS = frozenset({"acknowledge"})


def writer_label(stamp: str, repo: Repository) -> str:
    """Who wrote ``stamp``: this laptop (by name) or another laptop by its replica id."""
    return literal(repo.writer_name(stamp))


def stamp_time(stamp: str, lang: str) -> str:
    """When ``stamp`` was written, as a Helsinki date and time ("1.12.2017 klo 10.00")."""
    from sync.hlc import parse_stamp

    try:
        millis, _, _ = parse_stamp(stamp)
        moment = datetime.fromtimestamp(millis / 1000, UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return ""
    return format_datetime(moment, lang) if year_ok(moment.year) else ""


def shown_value(value: Any) -> str:
    """A field value as people read it: lists one item a line, empty as "(empty)"."""
    if value is None or value == "" or value == []:
        return t("conflict.empty")
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n".join(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def shown_field(kind: str, name: str, value: Any, title_of: Callable[[str], str | None]) -> str:
    """A field value as people read it: names for the records it points to, translated
    choices, dates and times in the local format; anything odd as it is stored."""
    from digikunta_tui.domain.kinds import REFERENCES
    from digikunta_tui.ui.forms.spec import CHOICE, DATE, DATETIME, ROLES, field_specs

    if value is None or value == "" or value == []:
        return t("conflict.empty")
    if name in REFERENCES.get(kind, {}):
        ids = value if isinstance(value, list) else [value]
        if all(isinstance(rid, str) for rid in ids):
            return "\n".join(title_of(rid) or rid for rid in ids)
    spec = next((s for s in field_specs(kind) if s.name == name), None)
    if spec is not None:
        lang = get_language()
        if spec.widget == CHOICE:
            return choice_label(spec.enum, value)
        if spec.widget == ROLES:
            return choices("role", value)
        if spec.widget == DATETIME and isinstance(value, str):
            return moment_label(value, lang)
        if spec.widget == DATE and isinstance(value, str):
            return date_label(value, lang)
        if isinstance(value, bool):
            return t("conflict.yes") if value else t("conflict.no")
    return shown_value(value)


def is_long(value: Any) -> bool:
    """True for text that deserves a line diff (several lines or long)."""
    return isinstance(value, str) and ("\n" in value or len(value) > LONG_TEXT)


def to_editable(value: Any) -> str:
    """Prefill text for the merged-value editor."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n".join(value)
    return json.dumps(value, ensure_ascii=False)


def from_editable(text: str, like: Any) -> Any:
    """Turn the editor's text back into a value shaped like ``like`` (the kept value)."""
    if isinstance(like, list) and all(isinstance(item, str) for item in like):
        return [line.strip() for line in text.splitlines() if line.strip()]
    if isinstance(like, str) or like is None:
        return text.strip("\n")
    try:
        return json.loads(text)
    except ValueError:
        return text


class ConflictScreen(Screen[bool]):
    """Resolve one conflict; dismissed with True once resolved, False when left open."""

    if TYPE_CHECKING:  # the app, typed (type-only: ``textual.getters.app``)
        app = getters.app(DigikuntaApp)

    CSS_PATH = "conflict.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        bind("k", "keep_this", "keep-this"),
        bind("o", "keep_other", "keep-other"),
        bind("e", "edit_merged", "edit-merged"),
        bind("ctrl+o", "save_merged", "save-merged", priority=True),
        bind("r", "restore_record", "restore-record"),
        bind("d", "confirm_delete", "confirm-delete"),
        bind("a", "acknowledge", "acknowledge-collision"),
        bind("escape", "close", "close-conflict"),
    ]

    def __init__(self, conflict_id: str) -> None:
        """Args: conflict_id: the open conflict to show."""
        super().__init__()
        self.conflict_id = conflict_id
        """The conflict shown."""
        self.entry: ConflictEntry | None = None
        """The conflict entry (None when it is no longer open)."""
        self.editing = False
        """The merged-value editor is shown."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """Textual's, described in the UI's language (Textual's ``Footer`` shows them)."""
        return translated(super().active_bindings)

    @property
    def digikunta(self) -> DigikuntaApp:
        """The app, typed."""
        return self.app

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        """Heading, both sides, the diff, the editor, the buttons."""
        repo = self.digikunta.repo
        entry = repo.conflict(self.conflict_id)
        self.entry = entry if entry is not None and entry.resolved is None else None
        with Vertical(id="conflict-body"):
            if self.entry is None:
                yield Static(t("conflict.not_open"), id="conflict-heading", markup=False)
            else:
                yield Static(self._heading(self.entry), id="conflict-heading", markup=False)
                if self.entry.is_id_collision:
                    yield from self._compose_collision(self.entry)
                elif self.entry.is_delete_conflict:
                    yield from self._compose_delete(self.entry)
                else:
                    yield from self._compose_field(self.entry)
        yield Footer()

    def _heading(self, entry: ConflictEntry) -> Text:
        lang = get_language()
        title = self.digikunta.repo.title_of(entry.record)
        heading = Text(
            t("conflict.title", kind=kind_label(entry.kind), title=literal(title or entry.record)),
            style="bold",
        )
        when = when_text(entry.detected_at, lang)
        if entry.is_id_collision:
            heading.append("\n" + t("conflict.collision_line", when=when), style="dim")
        elif entry.is_delete_conflict:
            heading.append("\n" + t("conflict.delete_line", when=when), style="dim")
        else:
            field = field_label(entry.kind, entry.field or "")
            heading.append("\n" + t("conflict.field_line", field=field, when=when), style="dim")
        return heading

    def _side(self, side_id: str, title: str, byline: str, body: Text) -> ComposeResult:
        with VerticalScroll(id=side_id, classes="conflict-side") as side:
            side.border_title = title
            yield Static(Text(byline, style="italic"), classes="byline", markup=False)
            yield Static(body, classes="value", markup=False)

    def _compose_field(self, entry: ConflictEntry) -> ComposeResult:
        lang = get_language()
        repo = self.digikunta.repo
        kept, lost = entry.kept.get("value"), entry.lost.get("value")
        with Horizontal(id="conflict-sides"):
            for side_id, title, data in (
                ("kept-side", t("conflict.kept"), entry.kept),
                ("lost-side", t("conflict.lost"), entry.lost),
            ):
                stamp = str(data.get("stamp", ""))
                byline = t(
                    "conflict.by", who=writer_label(stamp, repo), when=stamp_time(stamp, lang)
                )
                shown = shown_field(entry.kind, entry.field or "", data.get("value"), repo.title_of)
                value = safe(shown, multiline=True)
                yield from self._side(side_id, title, byline, value)
        if is_long(kept) or is_long(lost):
            with VerticalScroll(id="conflict-diff") as scroll:
                scroll.border_title = t("conflict.diff")
                yield LineDiff(to_editable(lost), to_editable(kept), id="line-diff")
        editor = TextArea(to_editable(kept), id="conflict-merged", soft_wrap=True)
        editor.border_title = t("conflict.merged")
        editor.display = False
        yield editor
        yield Static(id="merged-error", markup=False)
        with Horizontal(id="conflict-actions"):
            yield Button(t("conflict.keep_this"), id="keep-this", variant="success")
            yield Button(t("conflict.keep_other"), id="keep-other", variant="warning")
            yield Button(t("conflict.edit_merged"), id="edit-merged")
            yield Button(t("conflict.save_merged"), id="save-merged", variant="primary")
            yield Button(t("conflict.back"), id="back")

    def _compose_delete(self, entry: ConflictEntry) -> ComposeResult:
        lang = get_language()
        repo = self.digikunta.repo
        restored = str(entry.kept.get("restored", ""))
        deleted = str(entry.lost.get("deleted", ""))
        by = str(entry.lost.get("by") or "")
        deleter = writer_label(deleted, repo) if deleted else t("conflict.laptop", id=literal(by))
        body = self._record_text(entry.kind, repo.get(entry.kind, entry.record))
        kept_by = t(
            "conflict.restored_by",
            who=writer_label(restored, repo),
            when=stamp_time(restored, lang),
        )
        with Horizontal(id="conflict-sides"):
            yield from self._side("kept-side", t("conflict.kept"), kept_by, body)
            deleted_by = t("conflict.deleted_by", who=deleter, when=stamp_time(deleted, lang))
            yield from self._side("lost-side", t("conflict.lost"), deleted_by, Text())
        with Horizontal(id="conflict-actions"):
            yield Button(t("conflict.restore"), id="restore-record", variant="success")
            yield Button(t("conflict.confirm_delete"), id="confirm-delete", variant="error")
            yield Button(t("conflict.back"), id="back")

    def _compose_collision(self, entry: ConflictEntry) -> ComposeResult:
        """Both records (the one that kept the id, the one that moved) and "acknowledge"."""
        repo = self.digikunta.repo
        kept_kind = str(entry.kept.get("kind") or entry.kind)
        lost_kind = str(entry.lost.get("kind") or "")
        moved = read_id(entry.lost.get("moved_to"))
        moved_to = moved if isinstance(moved, str) else ""
        kept_title = repo.title_of(entry.record) or entry.record
        lost_title = (repo.title_of(moved_to) if moved_to else None) or moved_to or "?"
        text = t(
            "conflict.collision_text",
            kept_kind=kind_label(kept_kind).lower(),
            kept_title=literal(kept_title),
            lost_kind=kind_label(lost_kind).lower(),
            lost_title=literal(lost_title),
            moved_to=literal(moved_to or "?"),
        )
        yield Static(Text(text), id="collision-text", markup=False)
        with Horizontal(id="conflict-sides"):
            kept = self._record_text(kept_kind, repo.get(kept_kind, entry.record))
            yield from self._side("kept-side", t("conflict.collision_kept"), entry.record, kept)
            lost = repo.get(lost_kind, moved_to) if moved_to and lost_kind else None
            moved_body = self._record_text(lost_kind, lost)
            yield from self._side("lost-side", t("conflict.collision_moved"), moved_to, moved_body)
        with Horizontal(id="conflict-actions"):
            yield Button(t("conflict.acknowledge"), id="acknowledge", variant="primary")
            yield Button(t("conflict.back"), id="back")

    def _record_text(self, kind: str, fields: dict[str, Any] | None) -> Text:
        """The restored record: its list subtitle, then its fields in form order."""
        from digikunta_tui.domain.display import describe
        from digikunta_tui.domain.validation import KIND_FIELDS

        body = Text()
        if fields is None:
            return Text(t("conflict.record_gone"), style="dim")
        title_of = self.digikunta.repo.title_of
        subtitle = describe(kind, fields, title_of).subtitle
        if subtitle:
            body.append_text(safe(subtitle, "italic"))
        titles = {"title", "name", "given_name", "family_name"}
        order = [name for name in KIND_FIELDS.get(kind, ()) if name not in titles]
        order += sorted(name for name in fields if name not in order and name not in titles)
        for name in order:
            value = fields.get(name)
            if value in (None, "", []):
                continue
            if body:
                body.append("\n")
            body.append(field_label(kind, name) + ": ", style="bold")
            body.append_text(safe(shown_field(kind, name, value, title_of), multiline=True))
        return body

    def on_mount(self) -> None:
        """Hide the save button until the editor is open; leave at once if already resolved."""
        if self.entry is None:
            self.notify(t("conflict.not_open"), severity="warning", markup=False)
            return
        for button in self.query("#save-merged"):
            button.display = False
        first = self.query(Button).first()
        first.focus()

    # ------------------------------------------------------------------ actions
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Offer only the choices that fit this conflict."""
        entry = self.entry
        if action in FIELD_ACTIONS:
            return entry is not None and entry.field is not None
        if action == "save_merged":
            return entry is not None and self.editing
        if action in DELETE_ACTIONS:
            return entry is not None and entry.is_delete_conflict
        if action in COLLISION_ACTIONS:
            return entry is not None and entry.is_id_collision
        return True

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """Buttons run the same actions as the keys."""
        event.stop()
        action = (event.button.id or "").replace("-", "_")
        if action == "back":
            action = "close"
        handler = getattr(self, f"action_{action}", None)
        if handler is not None:
            handler()

    def action_close(self) -> None:
        """Leave the conflict open and go back."""
        self.dismiss(False)

    def action_keep_this(self) -> None:
        """Resolve with the kept value."""
        if self.entry is not None and self.entry.field is not None:
            value = self.entry.kept.get("value")
            self._resolve(lambda repo, cid: repo.resolve_field(cid, value))

    def action_keep_other(self) -> None:
        """Resolve with the other (lost) value (checked like any edit)."""
        if self.entry is not None and self.entry.field is not None:
            value = self.entry.lost.get("value")
            self._resolve(lambda repo, cid: repo.resolve_field(cid, value))

    def action_edit_merged(self) -> None:
        """Open the editor, prefilled with the kept value."""
        editor = self.query_one("#conflict-merged", TextArea)
        editor.display = True
        self.query_one("#save-merged").display = True
        self.editing = True
        self.refresh_bindings()
        editor.focus()

    def action_save_merged(self) -> None:
        """Resolve with the merged value: checked like any edit of the record (the field's
        rules, a unique e-mail, live references); a refusal is shown under the editor."""
        entry = self.entry
        if entry is None or entry.field is None or not self.editing:
            return
        text = self.query_one("#conflict-merged", TextArea).text
        value = from_editable(text, entry.kept.get("value"))
        self._resolve(lambda repo, cid: repo.resolve_field(cid, value))

    def action_restore_record(self) -> None:
        """Keep the restored record."""
        self._resolve(lambda repo, cid: repo.restore(cid))

    def action_confirm_delete(self) -> None:
        """Delete the record after all (with what depends on it)."""
        self._resolve(lambda repo, cid: repo.confirm_delete(cid))

    def action_acknowledge(self) -> None:
        """Close an id collision: both records are there, there is nothing to choose."""
        if self.entry is not None and self.entry.is_id_collision:
            self._resolve(lambda repo, cid: repo.keep(cid))

    def _resolve(self, how: Callable[[Repository, str], object]) -> None:
        from digikunta_tui.domain.repository import ConflictNotOpen, ValidationFailed
        from digikunta_tui.ui.messages import DataChanged
        from sync import ReplicaError

        app = self.digikunta
        try:
            how(app.repo, self.conflict_id)
        except ValidationFailed as exc:
            message = "; ".join(exc.errors.values())
            for shown in self.query("#merged-error").results(Static):
                shown.update(Text(message, style="bold red"))
            self.notify(t("conflict.failed", error=message), severity="error", markup=False)
            return
        except (ConflictNotOpen, ReplicaError, ValueError) as exc:
            self.notify(t("conflict.failed", error=str(exc)), severity="error", markup=False)
            return
        app.post_message(DataChanged())
        self.notify(t("conflict.resolved"), markup=False)
        self.dismiss(True)
