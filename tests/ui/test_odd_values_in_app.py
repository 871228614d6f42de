"""The app on a replica holding odd values: every view, detail, form and chore still works.

The odd records arrive the way they would in real life: another laptop writes them and syncs
them to a real shared file, and the app pulls them with its own sync (``s``). Then the walk
visits every view, shows every record's detail and opens its edit form, runs the webinar
chores, the palette search, the sync view and every conflict (odd kept/lost values, an id
collision). Any exception would end the app (``run_test`` raises it); the walk also checks
that the records are still listed and the odd values shown degraded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conflict_scenarios import insert_conflict
from forms_testing import settle
from hypothesis import HealthCheck, given, settings
from odd_records import BASE, ODD, PERSON, STORY, WEBINAR, everywhere, sync_from_another_laptop
from textual.widgets import DataTable, Static, Tabs

from digikunta_tui.domain.repository import Repository
from digikunta_tui.ui.app import DigikuntaApp
from digikunta_tui.ui.dialogs.save_path import SavePathDialog
from digikunta_tui.ui.forms.flows import open_form
from digikunta_tui.ui.forms.record_form import RecordForm
from digikunta_tui.ui.screens.base import ViewScreen
from digikunta_tui.ui.screens.conflict import ConflictScreen
from digikunta_tui.ui.screens.dashboard import DashboardScreen
from digikunta_tui.ui.widgets.filtered_list import FilteredList
from sync import FileRemote

SIZE = (120, 40)

NASTY = [
    # (kind, field) → value, one nasty value per field, as a hand edit or another tool leaves it
    (("webinar", "starts_at"), "9999-12-31T23:59:59Z"),
    (("webinar", "duration_minutes"), "lots"),
    (("webinar", "presenters"), "[b]not a list[/b]"),
    (("webinar", "title"), "[@click=app.quit]x[/]"),
    (("webinar", "status"), {"held": True}),
    (("registration", "attended_minutes"), "lots"),
    (("registration", "person"), ["[/"]),
    (("newsletter", "number"), "one"),
    (("newsletter", "stories"), {}),
    (("newsletter", "published_on"), "9999-12-31"),
    (("story", "authors"), {}),
    (("story", "themes"), "etä"),
    (("story", "start"), 20170101),
    (("story", "organization"), {"id": "x"}),
    (("indicator", "measurements"), [{"value": "lots", "date": "not-a-date"}, "x"]),
    (("indicator", "baseline"), "[/"),
    (("indicator", "target"), {"value": 10**30}),
    (("person", "roles"), "staff"),
    (("person", "given_name"), 12345),
    (("person", "email"), ["maija@example.fi"]),
    (("person", "organization"), 7),
    (("organization", "joined_on"), "0001-01-01T00:00:00+05:00"),
    (("organization", "active"), "kyllä"),
    (("organization", "type"), None),
    (("consent", "at"), "not-a-date"),
    (("consent", "action"), ["granted"]),
]

ODD_CONFLICTS = [
    {
        "id": "e" * 32,
        "record": WEBINAR,
        "kind": "webinar",
        "field": "starts_at",
        "kept": {"value": {"x": [1, "[/"]}, "stamp": "9999999999999999-9999-zzzzzzzz"},
        "lost": {"value": "9999-12-31T23:59:59Z" * 5, "stamp": "garbage"},
        "detected_at": "not-a-date",
        "resolved": None,
    },
    {
        "id": "f" * 32,
        "record": STORY,
        "kind": "story",
        "field": None,
        "kept": {"restored": "nonsense"},
        "lost": {"deleted": 12345, "by": ["x"]},
        "detected_at": "9999-12-31T23:59:59Z",
        "resolved": None,
    },
    {
        "id": "a" * 32,
        "record": PERSON,
        "kind": "person",
        "field": None,
        "kept": {"kind": "person"},
        "lost": {"kind": "organization", "moved_to": {"odd": "id"}},
        "detected_at": "2017-12-01T08:05:00Z",
        "resolved": None,
    },
]


async def _open_each_listed_record(
    pilot: Any, app: DigikuntaApp, titles: list[str], *, forms: bool
) -> None:
    """Cursor over every row of the view's list (its detail shows); open each edit form."""
    listing = app.screen.query_one(FilteredList)
    listing.records.focus()
    for index in range(listing.records.total):
        listing.records.cursor = index
        await pilot.pause()
        row = listing.records.highlighted
        assert row is not None
        titles.append(row.title)
        if not forms:
            continue
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, RecordForm), row
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ViewScreen)


async def _close_dialogs(pilot: Any, app: DigikuntaApp) -> None:
    while not isinstance(app.screen, ViewScreen):
        await pilot.press("escape")
        await settle(pilot)


async def _chores(pilot: Any, app: DigikuntaApp) -> None:
    """Every webinar chore on the selected webinar; dialogs are closed again."""
    for key in ("r", "a"):
        await pilot.press(key)
        await settle(pilot)
        await _close_dialogs(pilot, app)
    await pilot.press("w")  # draft the newsletter from the stories: it opens in the form
    await settle(pilot)
    if app.screen.query("#pick-ok"):
        await pilot.click("#pick-ok")
        await settle(pilot)
    await _close_dialogs(pilot, app)
    for key in ("i", "m"):  # written to the export folder (a temporary one)
        await pilot.press(key)
        await settle(pilot)
        if isinstance(app.screen, SavePathDialog):
            await pilot.press("enter")
            await settle(pilot)


async def walk(app: DigikuntaApp, pilot: Any, repo: Repository, *, forms: bool = True) -> None:
    """Visit everything; assert the app runs and lists the records.

    Without ``forms`` (the quicker walk of the hypothesis test) the edit forms, dialogs and
    chores are left out; views, details, the palette, the sync view and conflicts remain.
    """
    await pilot.press("s")  # pull the odd records with the app's own sync
    await settle(pilot)
    assert app.sync_status.state not in ("syncing", "error"), app.sync_status.detail()
    await settle(pilot)  # the dashboard's data worker
    dashboard = app.screen
    assert isinstance(dashboard, DashboardScreen) and dashboard.data is not None  # not "failed"
    titles: list[str] = []
    await pilot.press("2")
    await settle(pilot)
    await _open_each_listed_record(pilot, app, titles, forms=forms)
    if forms:
        await pilot.press("g")  # GDPR of the selected person
        await settle(pilot)
        await _close_dialogs(pilot, app)
    app.screen.query_one("#member-kinds", Tabs).active = "kind-organization"
    await settle(pilot)
    await _open_each_listed_record(pilot, app, titles, forms=forms)
    await pilot.press("3")
    await settle(pilot)
    await _open_each_listed_record(pilot, app, titles, forms=forms)
    app.screen.show_record("webinar", WEBINAR)
    app.screen.query_one("RecordList").focus()
    await settle(pilot)
    if forms:
        await _chores(pilot, app)
    await pilot.press("4")
    await settle(pilot)
    await _open_each_listed_record(pilot, app, titles, forms=forms)
    # Kinds without a list of their own: their edit forms (consent events are never edited).
    for rid, (kind, _fields) in BASE.items():
        if forms and kind in ("registration", "newsletter", "indicator") and repo.get(kind, rid):
            open_form(app, kind, rid)
            await settle(pilot)
            assert isinstance(app.screen, RecordForm)
            await pilot.press("escape")
            await settle(pilot)
    await pilot.press("ctrl+p")
    await settle(pilot)
    await pilot.press(*"Tek")
    await pilot.pause(0.3)
    await pilot.press("escape")
    await settle(pilot)
    await pilot.press("5")
    await settle(pilot)
    table = app.screen.query_one("#conflict-table", DataTable)
    for row in range(table.row_count):
        table.move_cursor(row=row)
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("escape")
        await settle(pilot)
    for view in "12345":
        await pilot.press(view)
        await settle(pilot)
        if view == "1":
            assert dashboard.data is not None and "failed" not in str(
                dashboard.query_one("#impact", Static).render()
            )
    assert app.is_running and app.return_code is None
    assert len(titles) == 4  # the person, the organisation, the webinar, the story: all listed


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing is written to the current folder; it is a temporary one all the same."""
    monkeypatch.chdir(tmp_path)


async def _run_walk(
    tmp_path: Path, odd: list[Any], *, conflicts: bool, forms: bool = True
) -> list[str]:
    shared = tmp_path / "shared" / "digikunta.json"
    shared.parent.mkdir(parents=True)
    sync_from_another_laptop(tmp_path / "other", shared, odd)
    repo = Repository.open(tmp_path / "data", replica_name="test")
    try:
        if conflicts:
            for entry in ODD_CONFLICTS:
                insert_conflict(repo, entry)
        app = DigikuntaApp(repo, remote=FileRemote(shared), language="en", export_folder=tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await walk(app, pilot, repo, forms=forms)
            return [row.subtitle for row in repo.page("webinar")]
    finally:
        repo.close()


async def test_every_view_works_on_a_fixed_set_of_nasty_records(tmp_path: Path) -> None:
    subtitles = await _run_walk(tmp_path, NASTY, conflicts=True)
    assert "invalid date: 9999-12-31T23:59:59Z" in subtitles


async def test_every_view_works_when_every_field_holds_an_object(tmp_path: Path) -> None:
    await _run_walk(tmp_path, everywhere({"value": "lots", "date": [1]}), conflicts=False)


@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(odd=ODD)
def test_every_view_works_on_arbitrary_odd_values(tmp_path_factory: Any, odd: list[Any]) -> None:
    import asyncio

    asyncio.run(_run_walk(tmp_path_factory.mktemp("walk"), odd, conflicts=False, forms=False))


async def test_the_form_shows_what_is_stored_and_saving_validates(tmp_path: Path) -> None:
    from forms_testing import form_of, set_field, shown_errors

    from sync import new_id

    repo = Repository.open(tmp_path / "data", replica_name="test")
    webinar = new_id()
    odd = {"title": "W", "starts_at": "9999-12-31T23:59:59Z", "status": {"held": True},
           "duration_minutes": "lots", "presenters": "Vieras"}  # fmt: skip
    repo.replica.put("webinar", webinar, odd)  # as a sync from another tool would store it
    repo.refresh()
    try:
        app = DigikuntaApp(repo, remote=None, language="en")
        async with app.run_test(size=SIZE) as pilot:
            open_form(app, "webinar", webinar)
            await settle(pilot)
            form = form_of(pilot)
            # Text inputs show the stored text, a choice says what is stored; all are marked.
            assert form.editor("starts_at").value == "9999-12-31T23:59:59Z"
            assert form.editor("duration_minutes").value == "lots"
            assert form.editor("presenters").value == "Vieras"
            note = str(form.editor("status").query_one(".field-note").render())
            assert note == 'Stored now: invalid value: {"held": true}'
            errors = shown_errors(form)
            assert {"starts_at", "duration_minutes", "status"} <= set(errors)
            assert "1900" in errors["starts_at"]
            await pilot.press("ctrl+o")  # saving validates as usual: nothing is written
            await settle(pilot)
            assert form_of(pilot) is form and repo.get("webinar", webinar) == odd
            set_field(form, "starts_at", "12.12.2017 12.00")
            set_field(form, "duration_minutes", "90")
            set_field(form, "status", "planned")
            set_field(form, "presenters", "Vieras, Toinen")
            await settle(pilot)
            await pilot.press("ctrl+o")
            await settle(pilot)
            assert not isinstance(app.screen, RecordForm)
        saved = repo.get("webinar", webinar)
        assert saved["starts_at"] == "2017-12-12T10:00:00Z" and saved["duration_minutes"] == 90
        assert saved["status"] == "planned" and saved["presenters"] == ["Vieras", "Toinen"]
    finally:
        repo.close()
