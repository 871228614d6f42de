"""SVG snapshots of the person form showing validation errors, in Finnish and English."""

from __future__ import annotations

import pytest
from forms_testing import form_of, set_field, settle

from digikunta_tui.ui.forms.flows import open_form


@pytest.mark.parametrize("language", ["fi", "en"])
def test_person_form_with_errors(snap_compare, make_app, language: str) -> None:
    async def invalid_person(pilot) -> None:
        await pilot.press("2")
        await settle(pilot)
        open_form(pilot.app, "person")
        await settle(pilot)
        form = form_of(pilot)
        set_field(form, "family_name", "Ärväs")
        await settle(pilot)
        await pilot.press("ctrl+o")  # blocked: the given name is required
        await settle(pilot)

    assert snap_compare(
        make_app(language=language), terminal_size=(100, 30), run_before=invalid_person
    )


def test_person_form_at_80x24_in_finnish(snap_compare, make_app) -> None:
    """The form's own footer (ctrl+o, Esc) and its fields at the smallest usual size."""

    async def new_person(pilot) -> None:
        await pilot.press("2")
        await settle(pilot)
        open_form(pilot.app, "person")
        await settle(pilot)

    assert snap_compare(make_app(language="fi"), terminal_size=(80, 24), run_before=new_person)
