"""Keys typed ahead reach where the user was going (a view being built, a filter, a form).

A terminal hands the app everything typed (or pasted, or sent by tmux) since the last read at
once. ``burst`` reproduces that: it queues every key in the app before the app handles the
first one. ``pilot.press`` with several keys is tested as well, as the issue asks.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from digikunta_tui.ui.forms.record_form import RecordForm
from digikunta_tui.ui.screens.members import MembersScreen
from digikunta_tui.ui.widgets.filtered_list import FilteredList

SIZE = (100, 30)
_NAMES = {"/": "slash"}


MAX_PAUSES = 6000
"""Pauses of 10 ms a burst may wait for held keys: a guard so that a hung app fails instead of
blocking, never a speed limit (a busy machine mounts a form in seconds, an idle one in ms)."""


async def burst(app, pilot, *keys: str) -> None:
    """Queue all ``keys`` in the app at once (as a terminal read delivers them), then settle:
    until no key waits for a screen (a form mounting) and the workers are done."""
    for key in keys:
        character = key if len(key) == 1 else None
        app.post_message(events.Key(_NAMES.get(key, key), character))
    await pilot.pause()
    for _ in range(MAX_PAUSES):  # a guard against a hang, not a time limit
        if not app.keys_held and app.screen.is_mounted:
            break
        await pilot.pause(0.01)
    assert not app.keys_held and app.screen.is_mounted, f"{app.keys_held} keys still held"
    await app.workers.wait_for_complete()
    await pilot.pause()


def member_filter(app) -> FilteredList:
    assert isinstance(app.screen, MembersScreen), app.screen
    return app.screen.query_one(FilteredList)


async def test_2_then_slash_and_a_name_in_one_press_filter_the_members(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "/", "s", "a", "n", "n", "a")
        await pilot.pause()
        listing = member_filter(app)  # and no "new person" form: the n's are text
        assert listing.query_one(Input).value == "sanna"
        assert listing.query_text == "sanna"
        assert [listing.records.row_at(i).title for i in range(listing.records.total)] == [
            "Sanna Kokeilija"
        ]


async def test_2_then_slash_and_a_name_typed_at_once_filter_the_members(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await burst(app, pilot, "2", "/", *"sanna")
        listing = member_filter(app)
        assert listing.query_one(Input).value == "sanna"
        assert isinstance(app.focused, Input)
        assert listing.records.total == 1


async def test_letters_typed_at_once_after_2_start_the_filter(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await burst(app, pilot, "2", *"kuop")
        listing = member_filter(app)
        assert listing.query_one(Input).value == "kuop"
        assert 0 < listing.records.total < 16


async def test_text_typed_at_once_after_n_goes_into_the_new_form(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await burst(app, pilot, "2", "n", *"Matti")
        form = app.screen
        assert isinstance(form, RecordForm) and form.kind == "person"
        assert form.editor("given_name").query_one(Input).value == "Matti"


async def test_a_command_typed_right_after_the_filter_acts_on_the_row_it_shows(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await burst(app, pilot, "2", "/", *"kuop", "enter", "down", "e")
        form = app.screen
        assert isinstance(form, RecordForm)
        assert app.screen_stack[0].query_one(FilteredList).query_text == "kuop"
        listing = app.screen_stack[0].query_one(FilteredList)
        second = listing.records.row_at(1)
        assert listing.records.total > 1
        assert form.record_id == second.id  # the second Kuopio row, not the first person


async def test_escape_typed_at_once_goes_back_to_the_list_before_the_next_key(
    make_app,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await burst(app, pilot, "2", "/", *"sanna", "escape", "e")
        form = app.screen
        assert isinstance(form, RecordForm)  # "e" edited, it was not typed into the filter
        assert form.editor("given_name").query_one(Input).value == "Sanna"


async def test_the_view_keys_are_text_in_the_filter_box(make_app) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await burst(app, pilot, "2", "/", "3", "/", "5")
        listing = member_filter(app)
        assert listing.query_one(Input).value == "3/5"
