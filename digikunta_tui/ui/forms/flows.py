"""Opening forms from views and the palette, deleting with confirmation, refreshing afterwards.

A delete goes to :meth:`Repository.delete`, which takes the record's dependents with it in one
transaction (and one undo step).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from digikunta_tui.domain.display import person_name
from digikunta_tui.domain.stored import read_int, text_of
from digikunta_tui.i18n import t
from digikunta_tui.ui.text import kind_label, literal

if TYPE_CHECKING:
    from textual.screen import Screen

    from digikunta_tui.domain.repository import Repository
    from digikunta_tui.ui.app import DigikuntaApp

SELECT_SCAN = 5000
"""How far down a list to look for a just-saved record to put the cursor on."""

NEW_KINDS = (
    "person",
    "organization",
    "webinar",
    "registration",
    "newsletter",
    "story",
    "indicator",
    "consent",
)
"""Kinds offered as ``record: new …`` in the palette."""

_VIEW_KIND = {"webinars": "webinar", "stories": "story"}


def selection(screen: object) -> tuple[str, str] | None:
    """(kind, id) of the record a view shows in its detail pane, or None.

    When the list's cursor row changed and the view has not been told yet (a command typed
    right after the filter), the row the list shows.
    """
    from digikunta_tui.ui.widgets.filtered_list import FilteredList

    lists = screen.query(FilteredList) if hasattr(screen, "query") else None
    if lists and lists.first().records.unannounced:
        row = lists.first().records.highlighted
        return (row.kind, row.id) if row is not None else None
    current = getattr(screen, "current", None)
    if isinstance(current, tuple):
        return current  # members: (kind, id)
    kind = _VIEW_KIND.get(getattr(screen, "VIEW", ""))
    return (kind, current) if kind and isinstance(current, str) and current else None


def title_of(repo: Repository, kind: str, fields: dict[str, Any]) -> str:
    """A record's display name (shown literally)."""
    if kind == "person":
        return literal(person_name(fields))
    return literal(text_of(fields.get("name") or fields.get("title")))


def _utc_text(app: DigikuntaApp) -> str:
    return str(app.now().strftime("%Y-%m-%dT%H:%M:%SZ"))


def context_defaults(app: DigikuntaApp, screen: object, kind: str) -> dict[str, Any]:
    """Starting values of a new record from what the view shows (the selected person …)."""
    selected = selection(screen)
    parent = {
        "consent": ("person", "person"),
        "registration": ("webinar", "webinar"),
        "newsletter": ("webinar", "webinar"),
        "indicator": ("story", "story"),
        "person": ("organization", "organization"),
    }.get(kind)
    defaults: dict[str, Any] = {}
    if parent and selected and selected[0] == parent[0]:
        defaults[parent[1]] = selected[1]
    if kind == "consent":
        defaults |= {"at": _utc_text(app), "source": "manual"}
    elif kind == "registration":
        defaults["registered_at"] = _utc_text(app)
    elif kind == "webinar":
        defaults["status"] = "planned"
    elif kind == "newsletter":
        defaults |= {"status": "draft", "number": next_newsletter_number(app.repo)}
    return defaults


def next_newsletter_number(repo: Repository) -> int:
    """One more than the highest newsletter number."""
    rows = repo.page("newsletter", limit=10_000)
    numbers = [read_int(row.fields.get("number")) for row in rows if row.fields]
    return max((n for n in numbers if isinstance(n, int)), default=0) + 1


def after_write(
    app: DigikuntaApp, screen: object = None, kind: str | None = None, record_id: str | None = None
) -> None:
    """After a local write: one :class:`~digikunta_tui.ui.messages.DataChanged` (the app
    updates the sync indicator and the visible view, and selects the saved record).

    ``screen`` (the view or dialog the write came from) is not needed any more: the app
    renders whichever view is visible once the message is handled.
    """
    from digikunta_tui.ui.messages import DataChanged

    app.post_message(DataChanged(kind, record_id))


def select_record(screen: Screen[Any], kind: str, record_id: str) -> None:
    """Put the list cursor on the record (when the list shows it) and show it in the detail."""
    from digikunta_tui.ui.widgets.filtered_list import FilteredList

    for listing in screen.query(FilteredList):
        if listing.kind != kind:
            continue
        records = listing.records
        for index in range(min(records.total, SELECT_SCAN)):
            row = records.row_at(index)
            if row is not None and row.id == record_id:
                records.cursor = index
                return
    screen.show_record(kind, record_id)  # type: ignore[attr-defined]


def open_form(
    app: DigikuntaApp,
    kind: str,
    record_id: str | None = None,
    *,
    defaults: dict[str, Any] | None = None,
    screen: object = None,
) -> None:
    """Open the form for a new (``record_id`` None) or existing record; refresh after saving."""
    from digikunta_tui.ui.forms.record_form import RecordForm
    from digikunta_tui.ui.index_work import lists_ready

    if not lists_ready(app):  # reference fields search the index
        return
    origin = screen if screen is not None else app.screen
    repo: Repository = app.repo

    def saved(saved_id: str | None) -> None:
        if saved_id:
            after_write(app, origin, kind, saved_id)

    app.push_screen(RecordForm(repo, kind, record_id, defaults=defaults), saved)


def new_record(app: DigikuntaApp, kind: str) -> None:
    """A new record of ``kind`` starting from the view's context."""
    open_form(app, kind, defaults=context_defaults(app, app.screen, kind))


def record_palette_actions(app: DigikuntaApp) -> list[tuple[str, str, Callable[[], object]]]:
    """``record: new person`` … for the command palette."""
    return [
        (
            t("forms.palette_new", kind=kind_label(kind).lower()),
            t("forms.palette_new_help"),
            partial(new_record, app, kind),
        )
        for kind in NEW_KINDS
    ]


# ---------------------------------------------------------------------- deleting
def _delete_message(repo: Repository, kind: str, record_id: str) -> str:
    """The confirmation text: the record and how many dependents go with it."""
    name = title_of(repo, kind, repo.require(kind, record_id))
    _puts, deletes = repo.cascade_of(kind, record_id)
    if kind in ("webinar", "story", "person"):
        return t(f"forms.delete_{kind}", name=name, count=len(deletes))
    return t("forms.delete_message", kind=kind_label(kind), name=name)


def delete_record(app: DigikuntaApp, kind: str, record_id: str, done: Callable[[], None]) -> None:
    """Ask, then delete; an organisation with people asks whether to unlink them first."""
    from digikunta_tui.ui.dialogs.confirm import confirm_dialog, delete_organization_dialog
    from digikunta_tui.ui.index_work import lists_ready

    repo: Repository = app.repo
    if repo.get(kind, record_id) is None or not lists_ready(app):
        return
    if kind == "organization" and (people := repo.people_of(record_id)):
        name = title_of(repo, kind, repo.require(kind, record_id))

        def unlink(answer: str | None) -> None:
            if answer != "unlink":
                return
            repo.delete(kind, record_id)  # unlinks the people in the same transaction
            app.notify(t("forms.deleted", kind=kind_label(kind)), markup=False)
            done()

        app.push_screen(delete_organization_dialog(name, len(people)), unlink)
        return
    message = _delete_message(repo, kind, record_id)

    def confirmed(answer: str | None) -> None:
        if answer == "confirm":
            repo.delete(kind, record_id)  # with its dependents, in one transaction
            app.notify(t("forms.deleted", kind=kind_label(kind)), markup=False)
            done()

    title = t("forms.delete_title", kind=kind_label(kind))
    app.push_screen(confirm_dialog(title, message, t("forms.delete")), confirmed)
